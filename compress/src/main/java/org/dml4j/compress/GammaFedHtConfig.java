package org.dml4j.compress;

import org.dml4j.compress.adaptive.GammaFedHtSchedule;

/**
 * Configuration of {@link GammaFedHtCompressor} ({@code type = "gamma-fedht"}).
 *
 * @param lambda0       threshold scale λ_0, finite and &gt; 0
 * @param alpha         exponent α, finite and &gt;= 0
 * @param rates         learning rate of every round (γ_0 first, γ_T last), each finite and &gt; 0
 * @param errorFeedback wrap in {@link ErrorFeedback}; default true (the paper uses vanilla error feedback)
 * @param values        wire format of the kept values: {@code "fp32"} (default), {@code "fp16"} or {@code "bf16"}
 */
public record GammaFedHtConfig(double lambda0, double alpha, double[] rates, Boolean errorFeedback, String values)
        implements CompressorConfig {
    /** Validates and applies defaults. */
    public GammaFedHtConfig {
        new GammaFedHtSchedule(lambda0, alpha, rates);
        rates = rates.clone();
        if (errorFeedback == null) {
            errorFeedback = Boolean.TRUE;
        }
        ValueFormat.parse(values, "values");
    }

    /**
     * @param lambda0 threshold scale λ_0
     * @param alpha   exponent α
     * @param rates   learning rate of every round
     * @return an fp32 config with error feedback, as a config file without those keys gives
     */
    public static GammaFedHtConfig of(double lambda0, double alpha, double[] rates) {
        return new GammaFedHtConfig(lambda0, alpha, rates, true, null);
    }

    /** @return a copy of the rates */
    @Override
    public double[] rates() {
        return rates.clone();
    }

    /** @return the schedule these settings describe */
    public GammaFedHtSchedule schedule() {
        return new GammaFedHtSchedule(lambda0, alpha, rates);
    }
}
