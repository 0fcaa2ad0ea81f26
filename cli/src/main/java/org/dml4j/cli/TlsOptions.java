package org.dml4j.cli;

import java.nio.file.Path;
import org.dml4j.grpc.Security;
import picocli.CommandLine.Option;

/**
 * The TLS options of the deployment commands, as picocli mixins: {@link Connecting} for the side that dials a server
 * ({@code join}, and {@code edge} and {@code peer} toward their servers), {@link Listening} for the side that accepts
 * connections under its own certificate ({@code edge} and {@code peer} toward their clients). {@code serve} only
 * listens and names its files {@code --cert}/{@code --key}, so it keeps its own three options. Each command keeps its
 * own {@code --insecure}, whose help says what it turns off for that command.
 */
final class TlsOptions {
    private TlsOptions() {
    }

    /** {@code --ca --cert --key --authority}: TLS toward a server, mutual when a certificate is given. */
    static final class Connecting {
        @Option(names = "--ca", paramLabel = "PEM", description = "CA that signed the server's certificate (TLS)")
        Path ca;

        @Option(names = "--cert", paramLabel = "PEM", description = "this side's client certificate (mutual TLS)")
        Path cert;

        @Option(names = "--key", paramLabel = "PEM", description = "its private key, PKCS#8 (mutual TLS)")
        Path key;

        @Option(names = "--authority", paramLabel = "NAME", description = "server name to check the certificate"
                + " against (default: the host)")
        String authority;

        /** @return whether the options TLS needs are there ({@code --ca}) */
        boolean complete() {
            return ca != null;
        }

        /**
         * @param insecure {@code --insecure}
         * @return no TLS when insecure, else these files
         */
        Security.TlsFiles files(boolean insecure) {
            return insecure ? Security.TlsFiles.none() : new Security.TlsFiles(cert, key, ca);
        }
    }

    /** {@code --listen-cert --listen-key --client-ca}: TLS for the connections this side accepts. */
    static final class Listening {
        @Option(names = "--listen-cert", paramLabel = "PEM", description = "this side's server certificate chain"
                + " (TLS)")
        Path cert;

        @Option(names = "--listen-key", paramLabel = "PEM", description = "its private key, PKCS#8 (TLS)")
        Path key;

        @Option(names = "--client-ca", paramLabel = "PEM", description = "require client certificates from this CA"
                + " (mutual TLS)")
        Path clientCa;

        /** @return whether the options TLS needs are there ({@code --listen-cert} and {@code --listen-key}) */
        boolean complete() {
            return cert != null && key != null;
        }

        /**
         * @param insecure {@code --insecure}
         * @return no TLS when insecure, else these files
         */
        Security.TlsFiles files(boolean insecure) {
            return insecure ? Security.TlsFiles.none() : new Security.TlsFiles(cert, key, clientCa);
        }
    }
}
