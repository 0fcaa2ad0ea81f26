package org.dml4j.compress;

import java.util.SplittableRandom;

/**
 * Sends the update uncompressed as fp32 ({@link DenseUpdate}); the reference every compressor is compared with.
 * Immutable and thread-safe.
 */
public final class IdentityCompressor implements GradientCompressor {
    /** Type name in config files. */
    public static final String NAME = "identity";

    /** Configuration of the identity compressor: it has no settings. */
    public record IdentityConfig() implements CompressorConfig {
    }

    /** Provider registered in {@code META-INF/services}. */
    public static final class Provider implements CompressorProvider {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Class<? extends CompressorConfig> configType() {
            return IdentityConfig.class;
        }

        @Override
        public GradientCompressor create(CompressorConfig config) {
            Compressors.expect(config, IdentityConfig.class, NAME);
            return new IdentityCompressor();
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompressorState newState(int dim, SplittableRandom rng) {
        return (CompressorState.Stateless) update -> {
            if (update.length != dim) {
                throw new IllegalArgumentException("update length must be " + dim + ", got " + update.length);
            }
            if (!CompressKernels.get().allFinite(update, 0, dim)) {
                throw TopKSelector.nonFinite(update, 0, dim);
            }
            return DenseUpdate.wrap(update.clone(), ValueFormat.FP32);
        };
    }
}
