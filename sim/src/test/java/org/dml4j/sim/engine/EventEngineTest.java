package org.dml4j.sim.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventEngineTest {
    /** Records (time, arg) of every firing. */
    private static final class Log implements EventHandler {
        final EventEngine engine;
        final List<double[]> fired = new ArrayList<>();

        Log(EventEngine engine) {
            this.engine = engine;
        }

        @Override
        public void onEvent(long arg) {
            fired.add(new double[] {engine.now(), arg});
        }

        long[] args() {
            return fired.stream().mapToLong(f -> (long) f[1]).toArray();
        }
    }

    @Test
    void firesInTimeOrderAndTiesInSchedulingOrder() {
        // Prepare
        EventEngine e = new EventEngine(2);
        Log log = new Log(e);
        e.schedule(3.0, log, 30);
        e.schedule(1.0, log, 10);
        e.schedule(2.0, log, 20);
        e.schedule(1.0, log, 11);
        e.schedule(1.0, log, 12);

        // Execute
        long n = e.run();

        // Assert
        assertEquals(5, n);
        assertArrayEquals(new long[] {10, 11, 12, 20, 30}, log.args());
        assertEquals(3.0, e.now());
        assertEquals(0, e.pending());
    }

    @Test
    void eventsScheduledAtNowFromAHandlerFireAfterThoseAlreadyDue() {
        // Prepare
        EventEngine e = new EventEngine();
        List<Long> order = new ArrayList<>();
        EventHandler[] h = new EventHandler[1];
        h[0] = a -> {
            order.add(a);
            if (a == 1) {
                e.schedule(e.now(), h[0], 3);
            }
        };
        e.schedule(5, h[0], 1);
        e.schedule(5, h[0], 2);

        // Execute
        e.run();

        // Assert
        assertEquals(List.of(1L, 2L, 3L), order);
    }

    @Test
    void cancelRemovesAndStaleIdsAreIgnored() {
        // Prepare
        EventEngine e = new EventEngine(1);
        Log log = new Log(e);
        long a = e.schedule(1, log, 1);
        long b = e.schedule(2, log, 2);

        // Execute
        assertTrue(e.cancel(a));
        assertFalse(e.cancel(a));
        long c = e.schedule(3, log, 3); // reuses a's slot with a new generation

        // Assert
        assertFalse(e.isPending(a));
        assertFalse(e.cancel(a), "a stale id must not cancel the event now in its slot");
        assertFalse(e.reschedule(a, 10));
        assertTrue(e.isPending(c));
        assertEquals(3.0, e.timeOf(c));
        e.run();
        assertArrayEquals(new long[] {2, 3}, log.args());
        assertFalse(e.isPending(b));
        assertFalse(e.cancel(b), "a fired event cannot be cancelled");
        assertFalse(e.isPending(EventEngine.NO_EVENT));
    }

    @Test
    void rescheduleMovesBothWaysAndTakesANewSequence() {
        // Prepare
        EventEngine e = new EventEngine();
        Log log = new Log(e);
        long a = e.schedule(1, log, 1);
        e.schedule(2, log, 2);
        long c = e.schedule(3, log, 3);
        e.schedule(4, log, 4);

        // Execute
        assertTrue(e.reschedule(a, 4));   // later: ties with 4, after it
        assertTrue(e.reschedule(c, 0.5)); // earlier
        e.run();

        // Assert
        assertArrayEquals(new long[] {3, 2, 4, 1}, log.args());
        assertEquals(0.5, log.fired.get(0)[0]);
    }

    @Test
    void runUntilStopsAtTheLimitAndAdvancesTheClock() {
        // Prepare
        EventEngine e = new EventEngine();
        Log log = new Log(e);
        e.schedule(1, log, 1);
        e.schedule(2, log, 2);
        e.schedule(3, log, 3);

        // Execute
        long n = e.runUntil(2);

        // Assert
        assertEquals(2, n);
        assertEquals(2.0, e.now());
        assertEquals(1, e.pending());
        assertEquals(3.0, e.nextTime());
        e.runUntil(2.5);
        assertEquals(2.5, e.now());
        assertThrows(IllegalArgumentException.class, () -> e.schedule(2.4, log, 9));
        assertThrows(IllegalArgumentException.class, () -> e.runUntil(1));
    }

    @Test
    void stopReturnsAfterTheCurrentHandler() {
        // Prepare
        EventEngine e = new EventEngine();
        List<Long> seen = new ArrayList<>();
        EventHandler h = a -> {
            seen.add(a);
            if (a == 2) {
                e.stop();
            }
        };
        for (int i = 1; i <= 4; i++) {
            e.schedule(i, h, i);
        }

        // Execute
        long n = e.run();

        // Assert
        assertEquals(2, n);
        assertEquals(2.0, e.now());
        assertEquals(List.of(1L, 2L), seen);
        assertEquals(2, e.run());
    }

    @Test
    void rejectsBadTimes() {
        EventEngine e = new EventEngine();
        EventHandler h = a -> { };
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> e.schedule(-1, h, 0));
        assertTrue(ex.getMessage().contains("-1.0"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> e.schedule(Double.NaN, h, 0));
        assertThrows(IllegalArgumentException.class, () -> e.schedule(Double.POSITIVE_INFINITY, h, 0));
        assertThrows(IllegalArgumentException.class, () -> e.scheduleAfter(-0.5, h, 0));
        assertThrows(IllegalArgumentException.class, () -> new EventEngine(0));
        assertThrows(NullPointerException.class, () -> e.schedule(1, null, 0));
        long id = e.schedule(1, h, 0);
        assertThrows(IllegalArgumentException.class, () -> e.reschedule(id, Double.NaN));
    }

    @Test
    void aThrowingHandlerLeavesTheEngineConsistent() {
        // Prepare
        EventEngine e = new EventEngine();
        Log log = new Log(e);
        e.schedule(1, a -> {
            throw new IllegalStateException("boom");
        }, 0);
        e.schedule(2, log, 2);

        // Execute
        assertThrows(IllegalStateException.class, e::run);

        // Assert
        assertEquals(1.0, e.now());
        assertEquals(1, e.pending());
        e.run();
        assertArrayEquals(new long[] {2}, log.args());
    }

    @Test
    void clockIsAnInstantSource() {
        EventEngine e = new EventEngine();
        e.schedule(12.25, a -> { }, 0);
        e.run();
        assertEquals(Instant.ofEpochSecond(12, 250_000_000), e.instant());
        assertEquals(12_250, e.millis());
    }

    /** Random schedule / cancel / reschedule against a sorted-list reference, including many exact ties. */
    @Test
    void matchesAReferenceQueueUnderRandomOperations() {
        for (long seed = 1; seed <= 20; seed++) {
            // Prepare
            SplittableRandom rnd = new SplittableRandom(seed);
            EventEngine e = new EventEngine(1);
            List<long[]> ref = new ArrayList<>(); // {timeBits, seq, arg}
            List<Long> ids = new ArrayList<>();
            List<Long> idArg = new ArrayList<>();
            List<Long> fired = new ArrayList<>();
            List<Long> expected = new ArrayList<>();
            EventHandler h = fired::add;
            long seq = 0;
            long nextArg = 0;

            // Execute
            for (int op = 0; op < 3000; op++) {
                int kind = rnd.nextInt(10);
                if (kind < 5) {
                    double t = e.now() + rnd.nextInt(20) * 0.5; // coarse grid: many ties
                    long a = nextArg++;
                    ids.add(e.schedule(t, h, a));
                    idArg.add(a);
                    ref.add(new long[] {Double.doubleToLongBits(t), seq++, a});
                } else if (kind < 7 && !ids.isEmpty()) {
                    int k = rnd.nextInt(ids.size());
                    long a = idArg.get(k);
                    boolean inRef = ref.removeIf(r -> r[2] == a);
                    assertEquals(inRef, e.cancel(ids.get(k)));
                } else if (kind < 9 && !ids.isEmpty()) {
                    int k = rnd.nextInt(ids.size());
                    long a = idArg.get(k);
                    double t = e.now() + rnd.nextInt(20) * 0.5;
                    boolean inRef = ref.removeIf(r -> r[2] == a);
                    if (inRef) {
                        ref.add(new long[] {Double.doubleToLongBits(t), seq++, a});
                    }
                    assertEquals(inRef, e.reschedule(ids.get(k), t));
                } else if (!ref.isEmpty()) {
                    ref.sort(Comparator.<long[]>comparingDouble(r -> Double.longBitsToDouble(r[0]))
                            .thenComparingLong(r -> r[1]));
                    long[] top = ref.remove(0);
                    expected.add(top[2]);
                    assertTrue(e.step());
                    assertEquals(Double.longBitsToDouble(top[0]), e.now());
                }
                assertEquals(ref.size(), e.pending());
            }
            ref.sort(Comparator.<long[]>comparingDouble(r -> Double.longBitsToDouble(r[0]))
                    .thenComparingLong(r -> r[1]));
            ref.forEach(r -> expected.add(r[2]));
            e.run();

            // Assert
            assertEquals(expected, fired, "seed " + seed);
        }
    }

    /** A self-rescheduling load: after warm-up, a million events allocate (next to) nothing. */
    @Test
    void theLoopAllocatesNothingPerEvent() {
        // Prepare
        EventEngine e = new EventEngine();
        SelfScheduling load = new SelfScheduling(e);
        for (int i = 0; i < 1000; i++) {
            load.start(i);
        }
        e.runUntil(e.now() + 200); // warm-up: arrays at full size, code compiled
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();

        // Execute
        long before = bean.getThreadAllocatedBytes(tid);
        long fired = e.runUntil(e.now() + 1000);
        long after = bean.getThreadAllocatedBytes(tid);

        // Assert
        assertTrue(fired >= 1_000_000, "fired " + fired);
        long perEvent1k = (after - before) * 1000 / fired;
        assertTrue(after - before < 64 * 1024, "allocated " + (after - before) + " bytes for " + fired
                + " events (" + perEvent1k + " bytes per 1000 events)");
    }

    /** Each event reschedules itself a pseudo-random delay later and cancels/re-adds a timer now and then. */
    static final class SelfScheduling implements EventHandler {
        private final EventEngine engine;
        private long state = 0x1234_5678_9ABCL;

        SelfScheduling(EventEngine engine) {
            this.engine = engine;
        }

        void start(long node) {
            engine.scheduleAfter(delay(), this, node);
        }

        private double delay() {
            state = state * 6364136223846793005L + 1442695040888963407L;
            return ((state >>> 40) & 0xFFFF) / 65536.0 + 1e-3;
        }

        @Override
        public void onEvent(long node) {
            long id = engine.scheduleAfter(delay(), this, node);
            if ((node & 7) == 0) {
                long extra = engine.scheduleAfter(delay(), this, node | 1L << 40);
                engine.cancel(extra);
                engine.reschedule(id, engine.now() + delay());
            }
        }
    }
}
