package org.dml4j.compress;

import java.util.List;
import java.util.Objects;

/**
 * Statistics a compressor state needs from every worker of a round before it can compress: each worker reports
 * {@link #localStatistic} of the update it is about to compress, the server combines the reports of one phase by
 * the phase's {@link Reduction} and sends the result back, and {@link #setShared} installs it; after the last phase
 * the worker compresses. A federated runtime makes these exchanges among the tasks of one model version (module
 * {@code fl}, {@code Coordinator}); no compressor-specific code runs on the server.
 *
 * <p>Who asks: TernGrad with {@code shared-scaler = true} (one phase: the per-bucket scalers, combined by
 * {@link Reduction#MAX}; Wen et al. 2017, §3) and PowerSGD with {@code shared-q = true} (two phases, both combined
 * by {@link Reduction#MEAN}: {@code P = M Q}, then {@code Q_w = Mᵀ P̂}, whose mean is the next round's warm start;
 * Vogels et al. 2019, Algorithm 1; the reply then carries only what the phases did not, see
 * {@link LowRankUpdate.Factored#exchanged()}). Error feedback forwards the exchange, applied to residual plus update
 * ({@link ErrorFeedback}).
 *
 * <p>Call order, per round, on one state: for {@code phase = 0 .. exchanges()-1}: {@link #localStatistic}, then
 * {@link #setShared} with the combination of every worker's statistic of that phase; then
 * {@link CompressorState#compress} with the same update. One owner, like the state it belongs to.
 */
public interface RoundExchange {
    /** How the reports of one phase are combined, element by element. */
    enum Reduction {
        /** The maximum (TernGrad's shared scaler). */
        MAX,
        /** The unweighted mean over the workers (an all-reduce average, PowerSGD's P and Q). */
        MEAN;

        /**
         * @param reports one array per worker, all of one length, in a fixed order (the mean sums in it, in
         *                double)
         * @return the combination (a new array)
         * @throws IllegalArgumentException when the list is empty, the lengths differ or a value is not finite
         */
        public float[] combine(List<float[]> reports) {
            Objects.requireNonNull(reports, "reports");
            if (reports.isEmpty()) {
                throw new IllegalArgumentException("reports must not be empty");
            }
            int n = reports.get(0).length;
            double[] acc = new double[n];
            if (this == MAX) {
                java.util.Arrays.fill(acc, Double.NEGATIVE_INFINITY);
            }
            for (int w = 0; w < reports.size(); w++) {
                float[] r = reports.get(w);
                if (r.length != n) {
                    throw new IllegalArgumentException("reports[" + w + "] has " + r.length + " values, expected "
                            + n);
                }
                for (int i = 0; i < n; i++) {
                    if (!Float.isFinite(r[i])) {
                        throw new IllegalArgumentException("reports[" + w + "][" + i + "] must be finite, got "
                                + r[i]);
                    }
                    acc[i] = this == MAX ? Math.max(acc[i], r[i]) : acc[i] + r[i];
                }
            }
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = (float) (this == MAX ? acc[i] : acc[i] / reports.size());
            }
            return out;
        }
    }

    /** @return the number of phases before each {@code compress}, at least 1 */
    int exchanges();

    /**
     * @param phase a phase, {@code 0 .. exchanges()-1}
     * @return how that phase's reports are combined
     */
    Reduction reduction(int phase);

    /**
     * @param phase  the phase, after {@link #setShared} of every earlier phase of this round
     * @param update the update the next {@code compress} will get; read only
     * @return this worker's report (a new array)
     * @throws IllegalArgumentException when the phase is out of range or the update's length is wrong
     */
    float[] localStatistic(int phase, float[] update);

    /**
     * @param phase    the phase whose reports were combined
     * @param combined the combination of every worker's report of that phase; copied
     * @throws IllegalArgumentException when the phase is out of range or the values do not fit
     */
    void setShared(int phase, float[] combined);

    /**
     * @param phase     a phase
     * @param exchanges the number of phases
     * @throws IllegalArgumentException when the phase is outside {@code 0 .. exchanges-1}
     */
    static void checkPhase(int phase, int exchanges) {
        if (phase < 0 || phase >= exchanges) {
            throw new IllegalArgumentException("phase must be in 0.." + (exchanges - 1) + ", got " + phase);
        }
    }
}
