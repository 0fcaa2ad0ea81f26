package org.dml4j.compress;

import org.dml4j.core.Registry;

/**
 * Creates compressors of one type, selected by {@link #name()} as the {@code type} of a config file's
 * {@code [compressor]} table. Registered in {@code META-INF/services/org.dml4j.compress.CompressorProvider}.
 */
public interface CompressorProvider {
    /** The registry of all compressor providers on the class path. */
    Registry<CompressorProvider> REGISTRY = new Registry<>("compressor", CompressorProvider.class,
            CompressorProvider::name);

    /** @return the type name */
    String name();

    /** @return the configuration record bound from the config file */
    Class<? extends CompressorConfig> configType();

    /**
     * @param config an instance of {@link #configType()}
     * @return the compressor
     */
    GradientCompressor create(CompressorConfig config);
}
