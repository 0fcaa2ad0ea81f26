package org.dml4j.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns Ctrl-C (SIGINT) or SIGTERM into a clean stop: a shutdown hook raises a flag, the run checks it after each
 * round and ends with that round's files written, and the hook holds the JVM until the run says its files are
 * complete (at most {@value #GRACE_SECONDS} s). The JVM then exits with the signal's status (130 for Ctrl-C).
 *
 * <p>Thread-safe. Use one per run, in a try-with-resources block.
 */
final class Interruption implements AutoCloseable {
    private static final long GRACE_SECONDS = 120;
    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch released = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onSignal, "dml4j-interrupt");

    /** Thrown out of the round listener to end the run after a whole round. */
    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop() {
            super("interrupted", null, false, false);
        }
    }

    Interruption() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** @return whether a signal asked the run to stop */
    boolean requested() {
        return requested.get();
    }

    /** @throws Stop when a signal asked the run to stop */
    void check() {
        if (requested.get()) {
            throw new Stop();
        }
    }

    private void onSignal() {
        requested.set(true);
        try {
            released.await(GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The run's files are complete: a pending signal may end the JVM now. */
    @Override
    public void close() {
        released.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running (a signal came); it returns now that the latch is open
        }
    }
}
