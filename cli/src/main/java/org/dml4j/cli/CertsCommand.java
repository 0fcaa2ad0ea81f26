package org.dml4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.dml4j.grpc.Certificates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dml4j certs --out DIR --participants N}: test certificates and tokens for {@code serve} and {@code join}. */
@Command(name = "certs", mixinStandardHelpOptions = true,
        description = {"Make a test CA, a server certificate, client certificates and tokens for serve/join.",
            "Writes ca.pem, server.pem, server.key, client-<id>.pem/.key, tokens.txt (the server's) and"
                + " token-<id>.txt (each participant's). For trials: use your own PKI in production."})
public final class CertsCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
    Path out;

    @Option(names = "--participants", required = true, paramLabel = "N", description = "participants (ids 0..N-1)")
    int participants;

    @Option(names = "--host", paramLabel = "NAME", description = "a DNS name or IP address of the server; repeat"
            + " (default: localhost and 127.0.0.1)")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--days", defaultValue = "30", description = "validity in days (default ${DEFAULT-VALUE})")
    int days;

    @Override
    public Integer call() {
        List<String> h = hosts.isEmpty() ? List.of("localhost", "127.0.0.1") : hosts;
        Certificates.Written w = Certificates.write(out, participants, h, days);
        System.err.println("certs: CA " + w.ca() + ", server certificate for " + h + ", " + participants
                + " client certificates and tokens in " + out);
        return 0;
    }
}
