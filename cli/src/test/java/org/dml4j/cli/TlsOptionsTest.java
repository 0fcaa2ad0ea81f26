package org.dml4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.dml4j.grpc.Security;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The TLS mixins: the same options, read the same way, in {@code join}, {@code edge} and {@code peer}. */
class TlsOptionsTest {
    private static final String[] CONNECT = {"--ca", "ca.pem", "--cert", "c.pem", "--key", "c.key", "--authority",
        "cloud"};
    private static final String[] LISTEN = {"--listen-cert", "s.pem", "--listen-key", "s.key", "--client-ca",
        "cca.pem"};

    @Test
    void edgeReadsBothSidesIntoTheirTlsFiles() {
        EdgeCommand edge = new EdgeCommand();
        new CommandLine(edge).parseArgs(concat(new String[] {"x.toml", "--edge-id", "0", "--server", "h:1",
            "--token-file", "t", "--tokens", "ts"}, CONNECT, LISTEN));

        assertEquals(new Security.TlsFiles(Path.of("c.pem"), Path.of("c.key"), Path.of("ca.pem")),
                edge.toServer.files(false));
        assertEquals("cloud", edge.toServer.authority);
        assertEquals(new Security.TlsFiles(Path.of("s.pem"), Path.of("s.key"), Path.of("cca.pem")),
                edge.forClients.files(false));
        assertFalse(edge.toServer.files(true).enabled());
        assertFalse(edge.forClients.files(true).enabled());
    }

    @Test
    void peerAndJoinTakeTheSameOptions() {
        PeerCommand peer = new PeerCommand();
        new CommandLine(peer).parseArgs(concat(new String[] {"x.toml", "--peer-id", "1", "--peers", "p",
            "--token-file", "t", "--tokens", "ts"}, CONNECT, LISTEN));
        assertTrue(peer.toServer.complete() && peer.forClients.complete());
        assertEquals(Path.of("cca.pem"), peer.forClients.files(false).trustedCa());

        JoinCommand join = new JoinCommand();
        new CommandLine(join).parseArgs("--server", "h:1", "--config", "x.toml", "--client-id", "0",
                "--token-file", "t", "--ca", "ca.pem");
        assertTrue(join.toServer.complete());
        assertEquals(new Security.TlsFiles(null, null, Path.of("ca.pem")), join.toServer.files(false));
        assertNull(join.toServer.authority);
    }

    @Test
    void missingTlsFilesAreRefusedNamingTheOptions() {
        EdgeCommand edge = new EdgeCommand();
        new CommandLine(edge).parseArgs("x.toml", "--edge-id", "0", "--server", "h:1", "--token-file", "t",
                "--tokens", "ts", "--ca", "ca.pem", "--listen-cert", "s.pem");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, edge::call);
        assertTrue(e.getMessage().contains("--listen-key"), e.getMessage());

        JoinCommand join = new JoinCommand();
        new CommandLine(join).parseArgs("--server", "h:1", "--config", "x.toml", "--client-id", "0",
                "--token-file", "t");
        e = assertThrows(IllegalArgumentException.class, join::call);
        assertTrue(e.getMessage().contains("--ca") && e.getMessage().contains("--insecure"), e.getMessage());

        PeerCommand peer = new PeerCommand();
        new CommandLine(peer).parseArgs("x.toml", "--peer-id", "1", "--peers", "p", "--token-file", "t",
                "--tokens", "ts", "--listen-cert", "s.pem", "--listen-key", "s.key");
        e = assertThrows(IllegalArgumentException.class, peer::call);
        assertTrue(e.getMessage().contains("--ca"), e.getMessage());
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}
