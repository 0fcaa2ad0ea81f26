package org.dml4j.sim;

import java.util.PriorityQueue;

/** Temporary glue until org.dml4j.sim.engine.EventEngine lands on main: same calls, a plain priority queue. */
final class MiniEngine {
    interface Handler {
        void onEvent(long arg);
    }

    private record Ev(double time, long seq, Handler h, long arg, long id) {
    }

    private final PriorityQueue<Ev> queue = new PriorityQueue<>((a, b) -> a.time != b.time
            ? Double.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private final java.util.Set<Long> cancelled = new java.util.HashSet<>();
    private double now;
    private long seq;
    private boolean stop;

    double now() {
        return now;
    }

    long schedule(double time, Handler h, long arg) {
        if (!(time >= now) || Double.isInfinite(time)) {
            throw new IllegalArgumentException("time must be >= now and finite, got " + time);
        }
        long id = ++seq;
        queue.add(new Ev(time, id, h, arg, id));
        return id;
    }

    boolean cancel(long id) {
        return cancelled.add(id);
    }

    long run() {
        long fired = 0;
        stop = false;
        while (!stop && !queue.isEmpty()) {
            Ev e = queue.poll();
            if (cancelled.remove(e.id)) {
                continue;
            }
            now = e.time;
            fired++;
            e.h.onEvent(e.arg);
        }
        return fired;
    }

    void stop() {
        stop = true;
    }
}
