package com.example.dml4j;

import java.util.SplittableRandom;
import org.dml4j.compress.CompressedUpdate;
import org.dml4j.compress.CompressorConfig;
import org.dml4j.compress.CompressorProvider;
import org.dml4j.compress.CompressorState;
import org.dml4j.compress.GradientCompressor;
import org.dml4j.compress.SparseUpdate;
import org.dml4j.compress.ValueFormat;

/**
 * An example compressor for the extension guide (docs/extending.md): round r sends every {@code stride}-th
 * coordinate starting at {@code r mod stride}, scaled by {@code stride}, so that over {@code stride} rounds every
 * coordinate is sent once and the sum is unbiased. Selected by {@code type = "stride"}.
 */
public final class StrideCompressor implements GradientCompressor {
    private final int stride;

    /** @param stride keep one coordinate in this many, at least 1 */
    public StrideCompressor(int stride) {
        this.stride = stride;
    }

    @Override
    public String name() {
        return "stride";
    }

    @Override
    public CompressorState newState(int dim, SplittableRandom rng) {
        return new CompressorState() {
            private int round = -1;

            @Override
            public void beginRound(int r) {
                round = r - 1; // compress() moves to r
            }

            @Override
            public CompressedUpdate compress(float[] update) {
                if (update.length != dim) {
                    throw new IllegalArgumentException("update has " + update.length + " values, expected " + dim);
                }
                round++;
                int offset = round % stride;
                int n = offset < dim ? (dim - 1 - offset) / stride + 1 : 0;
                int[] idx = new int[n];
                float[] val = new float[n];
                for (int j = 0, i = offset; j < n; j++, i += stride) {
                    idx[j] = i;
                    val[j] = update[i] * stride;
                }
                return new SparseUpdate(dim, idx, val, ValueFormat.FP32);
            }
        };
    }

    /**
     * The {@code [compressor]} keys of {@code type = "stride"}.
     *
     * @param stride keep one coordinate in this many, at least 1
     */
    public record Config(int stride) implements CompressorConfig {
        /** Validates, naming the field and the value. */
        public Config {
            if (stride < 1) {
                throw new IllegalArgumentException("stride must be >= 1, got " + stride);
            }
        }

        /** @return the defaults: one coordinate in ten */
        public static Config defaults() {
            return new Config(10);
        }
    }

    /** Registered in META-INF/services/org.dml4j.compress.CompressorProvider. */
    public static final class Provider implements CompressorProvider {
        @Override
        public String name() {
            return "stride";
        }

        @Override
        public Class<? extends CompressorConfig> configType() {
            return Config.class;
        }

        @Override
        public GradientCompressor create(CompressorConfig config) {
            return new StrideCompressor(((Config) config).stride());
        }
    }
}
