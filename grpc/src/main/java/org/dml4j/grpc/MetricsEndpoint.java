package org.dml4j.grpc;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The coordinator's Prometheus endpoint: {@code http://HOST:PORT/metrics} in the Prometheus text format, served by
 * the Prometheus Java client's HTTP server from a registry of its own (not the JVM-wide default one).
 *
 * <p>Metrics: {@code dml4j_rounds_total} (model versions committed, counting those a resumed coordinator restored),
 * {@code dml4j_model_version}, {@code dml4j_round_duration_seconds} (histogram of the wall time between two commits),
 * {@code dml4j_participants} (pool size), {@code dml4j_participants_connected}, {@code dml4j_updates_accepted_total},
 * {@code dml4j_replies_failed_total}, {@code dml4j_updates_duplicate_total}, {@code dml4j_updates_rejected_total}
 * with label {@code reason} (the {@link UpdateValidator} reasons: malformed, oversize, dimension, non-finite,
 * integrity, round, stale, ...), {@code dml4j_unauthenticated_calls_total}, {@code dml4j_joins_total},
 * {@code dml4j_disconnects_total} and {@code dml4j_bytes_total} with label {@code direction} ({@code up}: update
 * bytes accepted, {@code down}: model and broadcast bytes sent). Counters and gauges read the transport's counts when
 * scraped; nothing is kept twice.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final HTTPServer server;
    private final AtomicInteger version = new AtomicInteger();
    private final Histogram roundSeconds;

    /**
     * Starts serving.
     *
     * @param host      address to bind (e.g. 127.0.0.1, or 0.0.0.0 for every interface)
     * @param port      port, 0 for any free one ({@link #port()} tells which)
     * @param transport the coordinator's transport, read at every scrape
     * @throws UncheckedIOException when the port cannot be bound
     */
    public MetricsEndpoint(String host, int port, GrpcTransport transport) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(transport, "transport");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("metrics port must be in [0, 65535], got " + port);
        }
        CounterWithCallback.builder().name("dml4j_rounds").help("Model versions committed.")
                .callback(cb -> cb.call(version.get())).register(registry);
        GaugeWithCallback.builder().name("dml4j_model_version").help("The global model's version.")
                .callback(cb -> cb.call(version.get())).register(registry);
        roundSeconds = Histogram.builder().name("dml4j_round_duration_seconds").unit(Unit.SECONDS)
                .help("Wall time from one commit (or the start) to the next.")
                .classicOnly().classicUpperBounds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)
                .register(registry);
        GaugeWithCallback.builder().name("dml4j_participants").help("Participants in the run's pool.")
                .callback(cb -> cb.call(transport.participants())).register(registry);
        GaugeWithCallback.builder().name("dml4j_participants_connected")
                .help("Participants with an open task stream.")
                .callback(cb -> cb.call(transport.connected())).register(registry);
        counter("dml4j_updates_accepted", "Updates validated and delivered to the strategy.",
                s -> (double) s.accepted(), transport);
        counter("dml4j_replies_failed", "Failure replies delivered (the participant's, or a rejected update's).",
                s -> (double) s.failed(), transport);
        counter("dml4j_updates_duplicate", "Submissions acknowledged as already accepted (not counted again).",
                s -> (double) s.duplicates(), transport);
        CounterWithCallback.builder().name("dml4j_updates_rejected").help("Updates refused, by reason.")
                .labelNames("reason").callback(cb -> {
                    for (Map.Entry<String, Long> e : transport.stats().rejected().entrySet()) {
                        cb.call(e.getValue(), e.getKey());
                    }
                }).register(registry);
        counter("dml4j_unauthenticated_calls", "Calls refused by the token check.",
                s -> (double) s.unauthenticated(), transport);
        counter("dml4j_joins", "Task streams opened (first joins and rejoins).", s -> (double) s.joins(), transport);
        counter("dml4j_disconnects", "Task streams that broke.", s -> (double) s.disconnects(), transport);
        CounterWithCallback.builder().name("dml4j_bytes")
                .help("Payload bytes: up = updates accepted, down = models and broadcasts sent.")
                .labelNames("direction").callback(cb -> {
                    GrpcTransport.Stats s = transport.stats();
                    cb.call(s.bytesUp(), "up");
                    cb.call(s.bytesDown(), "down");
                }).register(registry);
        try {
            server = HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port, e);
        }
    }

    private void counter(String name, String help, Function<GrpcTransport.Stats, Double> value,
                         GrpcTransport transport) {
        CounterWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.apply(transport.stats()))).register(registry);
    }

    /** @return the port the endpoint listens on */
    public int port() {
        return server.getPort();
    }

    /**
     * Records a committed version.
     *
     * @param v            the version now current
     * @param roundSeconds wall seconds since the previous commit (or the start); NaN when not known (a version
     *                     restored from a checkpoint)
     */
    public void onVersion(int v, double roundSeconds) {
        version.set(v);
        if (Double.isFinite(roundSeconds) && roundSeconds >= 0) {
            this.roundSeconds.observe(roundSeconds);
        }
    }

    /** Stops serving. */
    @Override
    public void close() {
        server.close();
    }
}
