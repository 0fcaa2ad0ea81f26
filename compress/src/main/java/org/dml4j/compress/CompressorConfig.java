package org.dml4j.compress;

/** Marker for the configuration record of one compressor type; records validate in their compact constructor. */
public interface CompressorConfig {
}
