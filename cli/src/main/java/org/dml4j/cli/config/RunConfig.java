package org.dml4j.cli.config;

/**
 * The {@code [run]} table of an experiment file.
 *
 * <p>Keys (defaults in {@link #defaults()}): {@code name} (default: the file's name), {@code seed} (42),
 * {@code rounds} (20), {@code threads} (the machine's processors; results do not depend on it), {@code eval-every}
 * (1), {@code target-accuracy} (0.8, the accuracy the summary reports time and bytes to), {@code checkpoint-every}
 * ({@value #DEFAULT_CHECKPOINT_EVERY}; 0 for never).
 *
 * @param name           the run's name, or null for the file's name
 * @param seed           the root seed
 * @param rounds         rounds to run, at least 1
 * @param threads        worker threads training clients in parallel, at least 1
 * @param evalEvery      evaluate the global model every this many rounds, at least 1
 * @param targetAccuracy  in (0, 1]
 * @param checkpointEvery write {@code checkpoint.safetensors} every this many rounds (and on Ctrl-C), 0 for never
 */
public record RunConfig(String name, long seed, int rounds, int threads, int evalEvery, double targetAccuracy,
                        int checkpointEvery) {
    /** {@code checkpoint-every} when the file does not say: a checkpoint every 10 rounds. */
    public static final int DEFAULT_CHECKPOINT_EVERY = 10;

    /** Validates, naming the key and the value. */
    public RunConfig {
        atLeastOne("rounds", rounds);
        atLeastOne("threads", threads);
        atLeastOne("eval-every", evalEvery);
        if (!(targetAccuracy > 0 && targetAccuracy <= 1)) {
            throw new IllegalArgumentException("target-accuracy must be in (0, 1], got " + targetAccuracy);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpoint-every must be >= 0 (0 for none), got " + checkpointEvery);
        }
    }

    /** @return the values a file leaves out */
    public static RunConfig defaults() {
        return new RunConfig(null, 42, 20, Math.max(1, Runtime.getRuntime().availableProcessors()), 1, 0.8,
                DEFAULT_CHECKPOINT_EVERY);
    }

    /**
     * @param fallback the name to use when the file gives none
     * @return this, named
     */
    public RunConfig named(String fallback) {
        return name != null ? this
                : new RunConfig(fallback, seed, rounds, threads, evalEvery, targetAccuracy, checkpointEvery);
    }

    static void atLeastOne(String key, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(key + " must be >= 1, got " + v);
        }
    }
}
