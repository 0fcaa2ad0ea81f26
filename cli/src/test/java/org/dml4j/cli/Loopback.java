package org.dml4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

/** What the deployment tests on loopback share: a free port and a log that is thrown away. */
final class Loopback {
    /** A progress log nobody reads. */
    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    private Loopback() {
    }

    /** @return a TCP port free on this machine a moment ago */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
