package org.dml4j.bench;

import java.util.concurrent.TimeUnit;
import org.dml4j.sim.engine.EventEngine;
import org.dml4j.sim.engine.EventHandler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Events per second of {@link EventEngine} alone, one thread: the classic "hold" model, where {@code pending} events
 * are always queued and each one that fires schedules its successor a pseudo-random delay later; every eighth event
 * also schedules and cancels an extra event and reschedules its successor (what the network model does when rates
 * change). One operation is one fired event. The result is checked: the clock must have advanced and exactly the
 * batch must have fired. A short benchmark (one fork), run with {@code -prof gc} to see the allocation per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EventEngineBenchmark {
    private static final int BATCH = 100_000;

    /** Events queued at any time (a non-power of two, and one that no longer fits in L1). */
    @Param({"1000", "100003"})
    public int pending;

    private EventEngine engine;
    private Hold hold;

    /** Fills the queue. */
    @Setup
    public void setUp() {
        engine = new EventEngine();
        hold = new Hold(engine);
        for (int i = 0; i < pending; i++) {
            engine.scheduleAfter(hold.delay(), hold, i);
        }
    }

    /** @return the virtual time reached */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double fire() {
        double start = engine.now();
        long before = engine.fired();
        for (int i = 0; i < BATCH; i++) {
            engine.step();
        }
        if (engine.fired() - before != BATCH || !(engine.now() > start) || engine.pending() != pending) {
            throw new IllegalStateException("engine lost events: fired " + (engine.fired() - before) + ", pending "
                    + engine.pending());
        }
        return engine.now();
    }

    /** Each event schedules its successor; one in eight also cancels an extra event and reschedules. */
    static final class Hold implements EventHandler {
        private final EventEngine engine;
        private long state = 0x2545F4914F6CDD1DL;

        Hold(EventEngine engine) {
            this.engine = engine;
        }

        double delay() {
            state = state * 6364136223846793005L + 1442695040888963407L;
            return ((state >>> 33) & 0x7FFFFF) / (double) (1 << 23) + 1e-6;
        }

        @Override
        public void onEvent(long node) {
            long id = engine.scheduleAfter(delay(), this, node);
            if ((node & 7) == 0) {
                engine.cancel(engine.scheduleAfter(delay(), this, node));
                engine.reschedule(id, engine.now() + delay());
            }
        }
    }
}
