package org.dml4j.parallel.moe;

/**
 * Settings of {@link ZipfTraceGenerator}.
 *
 * @param experts         number of experts {@code E >= 1}
 * @param windows         number of windows {@code >= 1}
 * @param tokensPerWindow routed (token, expert) assignments per window, about; {@code >= 1}
 * @param exponent        Zipf exponent {@code s >= 0} (0: uniform; about 1 for the skew seen in MoE routers)
 * @param sources         source GPUs to split tokens over, or 0 for a trace without source information
 * @param drift           share of experts whose popularity rank moves between consecutive windows, in
 *                        {@code [0, 1]}
 * @param seed            the seed; the same settings give the same trace
 */
public record ZipfTraceConfig(int experts, int windows, long tokensPerWindow, double exponent, int sources,
                              double drift, long seed) {
    /** Validates every field, naming the bad one. */
    public ZipfTraceConfig {
        if (experts < 1) {
            throw new IllegalArgumentException("experts must be >= 1, got " + experts);
        }
        if (windows < 1) {
            throw new IllegalArgumentException("windows must be >= 1, got " + windows);
        }
        if (tokensPerWindow < 1) {
            throw new IllegalArgumentException("tokensPerWindow must be >= 1, got " + tokensPerWindow);
        }
        if (!(exponent >= 0) || Double.isInfinite(exponent)) {
            throw new IllegalArgumentException("exponent must be a finite number >= 0, got " + exponent);
        }
        if (sources < 0) {
            throw new IllegalArgumentException("sources must be >= 0, got " + sources);
        }
        if (!(drift >= 0 && drift <= 1)) {
            throw new IllegalArgumentException("drift must be in [0,1], got " + drift);
        }
    }

    /**
     * @param experts  experts
     * @param exponent Zipf exponent
     * @param seed     seed
     * @return one window of 100,000 tokens per expert on average, no sources, no drift
     */
    public static ZipfTraceConfig of(int experts, double exponent, long seed) {
        return new ZipfTraceConfig(experts, 1, 100_000L * experts, exponent, 0, 0, seed);
    }
}
