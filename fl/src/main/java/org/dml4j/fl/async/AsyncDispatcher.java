package org.dml4j.fl.async;

import java.util.SplittableRandom;
import org.dml4j.fl.CoordinatorContext;
import org.dml4j.fl.Event;

/**
 * What the asynchronous strategies share: keeping up to {@code maxConcurrency} participants busy. A refill runs at
 * the end of the current instant (a zero-delay timer fires after every event already due now), so all replies that
 * arrive at one virtual time are handled before anyone is redispatched; with equal delays an asynchronous strategy
 * therefore redispatches from the newest model, like a synchronous one.
 */
final class AsyncDispatcher {
    /** The timer tag of a refill. */
    static final long REFILL = -1;
    private final int maxConcurrency;
    private boolean refillPending;
    private long refills;

    /** @param maxConcurrency participants in flight at most; 0 for all */
    AsyncDispatcher(int maxConcurrency) {
        if (maxConcurrency < 0) {
            throw new IllegalArgumentException("max-concurrency must be >= 0 (0 for all), got " + maxConcurrency);
        }
        this.maxConcurrency = maxConcurrency;
    }

    /** @param out where the pending flag and the refill counter (which names the seed paths) go */
    void save(org.dml4j.core.Snapshot out) {
        out.putBoolean("refill-pending", refillPending).putLong("refills", refills);
    }

    /** @param in what {@link #save} wrote */
    void restore(org.dml4j.core.Snapshot in) {
        refillPending = in.getBoolean("refill-pending");
        refills = in.getLong("refills");
    }

    /** Asks for a refill at the end of this instant (once, however often it is asked). */
    void requestRefill(CoordinatorContext ctx) {
        if (!refillPending && !ctx.finished()) {
            refillPending = true;
            ctx.timer(0, REFILL);
        }
    }

    /** @return whether the event is this dispatcher's refill timer (then call {@link #refill}) */
    static boolean isRefill(Event e) {
        return e instanceof Event.Timer t && t.tag() == REFILL;
    }

    /** What to send to one participant. */
    @FunctionalInterface
    interface Sender {
        void send(int participant);
    }

    /**
     * Dispatches idle participants until {@code maxConcurrency} are busy: all of them when there is room, otherwise a
     * uniform sample drawn from the seed path {@code refill/<n>}.
     */
    void refill(CoordinatorContext ctx, Sender sender) {
        refillPending = false;
        if (ctx.finished()) {
            return;
        }
        int[] idle = ctx.idle();
        int n = ctx.pool().size();
        int busy = ctx.inFlight();
        int limit = maxConcurrency == 0 ? n : maxConcurrency;
        int room = Math.max(0, Math.min(idle.length, limit - busy));
        if (room == 0) {
            return;
        }
        if (room < idle.length) {
            SplittableRandom rng = ctx.random("refill", refills++);
            for (int i = 0; i < room; i++) { // partial Fisher–Yates, then id order
                int j = i + rng.nextInt(idle.length - i);
                int t = idle[i];
                idle[i] = idle[j];
                idle[j] = t;
            }
            java.util.Arrays.sort(idle, 0, room);
        }
        for (int i = 0; i < room; i++) {
            sender.send(idle[i]);
        }
    }
}
