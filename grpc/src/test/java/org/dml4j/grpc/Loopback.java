package org.dml4j.grpc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.dml4j.fl.Participant;

/** A coordinator's transport and participants on loopback threads, with TLS and tokens; closes everything. */
final class Loopback implements AutoCloseable {
    final GrpcTransport transport;
    final Certificates.Written files;
    final boolean mutual;
    final Map<Integer, String> tokens;
    private final List<GrpcParticipant> clients = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    final Map<Integer, Object> results = new ConcurrentHashMap<>();

    Loopback(Path dir, int n, int dim, boolean mutual, int minParticipants) {
        this.files = Certificates.write(dir, n, List.of("localhost", "127.0.0.1"), 1);
        this.mutual = mutual;
        this.tokens = Security.readTokens(files.tokens());
        GrpcTransport.Settings s = GrpcTransport.Settings.loopback(n, dim, tokens);
        s = new GrpcTransport.Settings(s.host(), s.port(), n, dim, minParticipants, 60, 5, 4096, s.maxUpdateBytes(),
                files.server(mutual), tokens);
        this.transport = new GrpcTransport(s);
    }

    /** @return a participant's client settings (TLS, its token, fast reconnects) */
    GrpcParticipant.Settings clientSettings(int id) {
        return GrpcParticipant.Settings.loopback(transport.port(), tokens.get(id)).withTls(files.client(id, mutual),
                "localhost");
    }

    /** Starts a participant on its own thread; its result or exception lands in {@link #results}. */
    GrpcParticipant start(Participant p) {
        GrpcParticipant c = new GrpcParticipant(clientSettings(p.id()), p, () -> null);
        Thread t = new Thread(() -> {
            try {
                results.put(p.id(), c.run());
            } catch (RuntimeException e) {
                results.put(p.id(), e);
            }
        }, "participant-" + p.id());
        t.setDaemon(true);
        synchronized (this) {
            clients.add(c);
            threads.add(t);
        }
        t.start();
        return c;
    }

    void startAll(List<? extends Participant> ps) {
        for (Participant p : ps) {
            start(p);
        }
    }

    /** Waits for every participant thread to end. */
    void join() throws InterruptedException {
        List<Thread> ts;
        synchronized (this) {
            ts = new ArrayList<>(threads);
        }
        for (Thread t : ts) {
            t.join(60_000);
        }
    }

    static Map<Integer, String> tokens(int n) {
        Map<Integer, String> m = new HashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(i, "token-" + i);
        }
        return m;
    }

    @Override
    public synchronized void close() {
        for (GrpcParticipant c : clients) {
            c.close();
        }
        transport.close();
    }
}
