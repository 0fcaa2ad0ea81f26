package org.dml4j.parallel.moe;

import java.util.Objects;

/**
 * Settings of {@link WindowedReplacement}.
 *
 * @param slotsPerGpu     expert slots per GPU
 * @param topology        the network (also used to copy experts when they move)
 * @param bytesPerToken   bytes of one token's hidden state in the all-to-all
 * @param expertBytes     bytes to copy when an expert replica moves to a GPU (weights and optimizer state)
 * @param secondsPerToken expert compute time per routed token on one GPU
 * @param stepsPerWindow  training steps one trace window spans, {@code >= 1}
 * @param policy          when to re-place
 */
public record ReplacementConfig(int slotsPerGpu, Topology topology, double bytesPerToken, double expertBytes,
                                double secondsPerToken, int stepsPerWindow, Policy policy) {
    /** When a new placement replaces the current one. */
    public enum Policy {
        /** Keep the placement made on the first window. */
        STATIC,
        /** Re-place at every window boundary from the window just finished. */
        EVERY_WINDOW,
        /** Re-place only when the time it would have saved on the window just finished exceeds the copy time. */
        COST_AWARE
    }

    /** Validates every field, naming the bad one. */
    public ReplacementConfig {
        if (slotsPerGpu < 1) {
            throw new IllegalArgumentException("slotsPerGpu must be >= 1, got " + slotsPerGpu);
        }
        Objects.requireNonNull(topology, "topology");
        nonNegative("bytesPerToken", bytesPerToken);
        nonNegative("expertBytes", expertBytes);
        nonNegative("secondsPerToken", secondsPerToken);
        if (stepsPerWindow < 1) {
            throw new IllegalArgumentException("stepsPerWindow must be >= 1, got " + stepsPerWindow);
        }
        Objects.requireNonNull(policy, "policy");
    }

    private static void nonNegative(String field, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(field + " must be a finite number >= 0, got " + v);
        }
    }

    /**
     * @param p another policy
     * @return a copy with it
     */
    public ReplacementConfig withPolicy(Policy p) {
        return new ReplacementConfig(slotsPerGpu, topology, bytesPerToken, expertBytes, secondsPerToken,
                stepsPerWindow, p);
    }
}
