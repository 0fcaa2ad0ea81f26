package org.dml4j.compress;

import java.util.SplittableRandom;

/** Sends the update uncompressed as fp32 ({@link DenseUpdate}); the reference every compressor is compared with. */
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
            return new IdentityCompressor();
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompressorState newState(int dim, SplittableRandom rng) {
        return update -> {
            if (update.length != dim) {
                throw new IllegalArgumentException("update length must be " + dim + ", got " + update.length);
            }
            for (int i = 0; i < update.length; i++) {
                if (!Float.isFinite(update[i])) {
                    throw new IllegalArgumentException("update value " + i + " is not finite: " + update[i]);
                }
            }
            return new DenseUpdate(update);
        };
    }
}
