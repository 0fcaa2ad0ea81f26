package org.dml4j.compress;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Sends every value cast to half precision, fp16 ({@code type = "fp16"}) or bf16 ({@code type = "bf16"}), as a
 * {@link DenseUpdate}: 2 bytes per value, round to nearest even, saturating at the format's largest finite value
 * (with error feedback the rounding and clipping errors stay in the residual).
 *
 * <p>Immutable and thread-safe; states are per worker.
 */
public final class CastCompressor implements GradientCompressor {
    /** Type name of the fp16 cast. */
    public static final String FP16 = "fp16";
    /** Type name of the bf16 cast. */
    public static final String BF16 = "bf16";

    private final ValueFormat format;

    /**
     * @param format the target format
     */
    public CastCompressor(ValueFormat format) {
        this.format = Objects.requireNonNull(format, "format");
    }

    /**
     * Configuration of the fp16 cast.
     *
     * @param errorFeedback wrap in {@link ErrorFeedback}
     */
    public record Fp16Config(boolean errorFeedback) implements CompressorConfig {
    }

    /**
     * Configuration of the bf16 cast.
     *
     * @param errorFeedback wrap in {@link ErrorFeedback}
     */
    public record Bf16Config(boolean errorFeedback) implements CompressorConfig {
    }

    /** Provider of {@code "fp16"}, registered in {@code META-INF/services}. */
    public static final class Fp16Provider implements CompressorProvider {
        @Override
        public String name() {
            return FP16;
        }

        @Override
        public Class<? extends CompressorConfig> configType() {
            return Fp16Config.class;
        }

        @Override
        public GradientCompressor create(CompressorConfig config) {
            Fp16Config c = Compressors.expect(config, Fp16Config.class, FP16);
            return Compressors.withErrorFeedback(new CastCompressor(ValueFormat.FP16), c.errorFeedback());
        }
    }

    /** Provider of {@code "bf16"}, registered in {@code META-INF/services}. */
    public static final class Bf16Provider implements CompressorProvider {
        @Override
        public String name() {
            return BF16;
        }

        @Override
        public Class<? extends CompressorConfig> configType() {
            return Bf16Config.class;
        }

        @Override
        public GradientCompressor create(CompressorConfig config) {
            Bf16Config c = Compressors.expect(config, Bf16Config.class, BF16);
            return Compressors.withErrorFeedback(new CastCompressor(ValueFormat.BF16), c.errorFeedback());
        }
    }

    @Override
    public String name() {
        return format == ValueFormat.FP16 ? FP16 : format == ValueFormat.BF16 ? BF16 : "fp32";
    }

    @Override
    public CompressorState newState(int dim, SplittableRandom rng) {
        Checks.dim(dim);
        return (CompressorState.Stateless) update -> {
            Checks.length(update, dim);
            if (!CompressKernels.get().allFinite(update, 0, dim)) {
                throw TopKSelector.nonFinite(update, 0, dim);
            }
            float[] v = update.clone();
            format.roundInPlace(v, 0, dim);
            return DenseUpdate.wrap(v, format);
        };
    }
}
