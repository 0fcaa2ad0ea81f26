package org.dml4j.fl;

import java.util.Locale;
import java.util.Objects;
import org.dml4j.compress.CompressorState;
import org.dml4j.compress.adaptive.DagcA;
import org.dml4j.compress.adaptive.DagcR;

/**
 * How per-client compression levels are chosen from the clients' data sizes, once, before training: the same level
 * for everyone, or the data-aware levels of DAGC, where clients with more data compress less.
 *
 * <pre>
 * R. Lu, J. Song, B. Chen, L. Cui, Z. Wang, "DAGC: Data-Aware Adaptive Gradient Compression", IEEE INFOCOM 2023.
 * R. Lu, Y. Jiang, Y. Mao, C. Tang, B. Chen, L. Cui, Z. Wang, "Data-Aware Gradient Compression for FL in
 * Communication-Constrained Mobile Computing", IEEE Transactions on Mobile Computing, 2024.
 * </pre>
 *
 * <p>The relative modes set each client's kept fraction ({@link CompressorState#setRatio}: Top-k, Rand-k, DGC) so that
 * the ratios average to δ̄; the absolute mode sets each client's magnitude threshold
 * ({@link CompressorState#setThreshold}: hard threshold) so that their harmonic mean is λ̄.
 */
public enum DataAware {
    /** Every client uses the compressor's configured level. */
    UNIFORM("uniform"),
    /** DAGC-R (Theorem 4 / Algorithm 2): ratios {@code δ_i ∝ p_i^(2/3)} with the smallest two tied. */
    DAGC_R("dagc-r"),
    /** DAGC-R by water-filling (spec §1.9, reconstructed): the true minimiser of the paper's Φ under the budget. */
    DAGC_R_WATER_FILLING("dagc-r-water-filling"),
    /** DAGC-A (Theorem 8 / Algorithm 3): thresholds {@code λ_i ∝ p_i^(-2/3)} with harmonic mean λ̄. */
    DAGC_A("dagc-a");

    private final String key;

    DataAware(String key) {
        this.key = key;
    }

    /** @return the config-file spelling */
    public String key() {
        return key;
    }

    /**
     * @param key the config-file spelling, any case
     * @return the mode
     * @throws IllegalArgumentException naming the known spellings
     */
    public static DataAware of(String key) {
        Objects.requireNonNull(key, "data-aware");
        for (DataAware d : values()) {
            if (d.key.equals(key.toLowerCase(Locale.ROOT))) {
                return d;
            }
        }
        throw new IllegalArgumentException("data-aware must be one of uniform, dagc-r, dagc-r-water-filling, dagc-a;"
                + " got '" + key + "'");
    }

    /** @return whether the levels are thresholds (else ratios) */
    public boolean absolute() {
        return this == DAGC_A;
    }

    /**
     * @param sizes the clients' data sizes, in client order, each &gt; 0
     * @param mean  δ̄ (relative modes) or λ̄ (absolute mode)
     * @return one level per client; {@code null} for {@link #UNIFORM}
     */
    public double[] levels(int[] sizes, double mean) {
        if (this == UNIFORM) {
            return null;
        }
        double[] p = new double[sizes.length];
        for (int i = 0; i < p.length; i++) {
            if (sizes[i] < 1) {
                throw new IllegalArgumentException("data-aware compression needs every client to hold data; client "
                        + i + " has " + sizes[i] + " samples");
            }
            p[i] = sizes[i];
        }
        return switch (this) {
            case DAGC_R -> DagcR.assign(p, mean);
            case DAGC_R_WATER_FILLING -> DagcR.waterFilling(p, mean);
            case DAGC_A -> DagcA.assign(p, mean);
            case UNIFORM -> throw new AssertionError();
        };
    }

    /**
     * Gives one client's state its level.
     *
     * @param state      the client's compressor state
     * @param level      its ratio or threshold
     * @param compressor the compressor's type name, for the error message
     * @throws IllegalArgumentException when the compressor has no ratio (relative modes) or no threshold (absolute)
     */
    public void apply(CompressorState state, double level, String compressor) {
        try {
            if (absolute()) {
                state.setThreshold(level);
            } else {
                state.setRatio(level);
            }
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException("data-aware = '" + key + "' needs a compressor with a "
                    + (absolute() ? "threshold (threshold)" : "ratio (topk, randk, dgc)") + ", got '" + compressor
                    + "'", e);
        }
    }
}
