package org.dml4j.fl;

import java.util.Objects;
import org.dml4j.compress.CompressorConfig;
import org.dml4j.compress.Compressors;
import org.dml4j.compress.GradientCompressor;

/**
 * How a federated run compresses its traffic, as configuration (records that could cross a wire, not live objects):
 * the uplink compressor every participant builds its own state from, how the participants' levels are assigned
 * ({@link DataAware}), and an optional downlink compressor the server runs with error feedback (its replica of the
 * participants' model is the residual).
 *
 * @param uplink    client-to-server compressor configuration
 * @param dataAware per-client level assignment
 * @param meanLevel δ̄ or λ̄ for a data-aware assignment; ignored for {@link DataAware#UNIFORM}
 * @param downlink  server-to-client compressor configuration, or {@code null} to send the dense model
 */
public record Compression(CompressorConfig uplink, DataAware dataAware, double meanLevel,
                          CompressorConfig downlink) {
    /** Validates the fields. */
    public Compression {
        Objects.requireNonNull(uplink, "uplink");
        Objects.requireNonNull(dataAware, "dataAware");
        if (dataAware != DataAware.UNIFORM && !(meanLevel > 0 && Double.isFinite(meanLevel))) {
            throw new IllegalArgumentException("data-aware = '" + dataAware.key() + "' needs a positive mean level,"
                    + " got " + meanLevel);
        }
    }

    /**
     * @param uplink the client-to-server compressor configuration
     * @return uniform uplink compression and a dense downlink
     */
    public static Compression uplinkOnly(CompressorConfig uplink) {
        return new Compression(uplink, DataAware.UNIFORM, Double.NaN, null);
    }

    /** @return the uplink compressor built from its configuration */
    public GradientCompressor uplinkCompressor() {
        return Compressors.create(uplink);
    }

    /** @return the downlink compressor built from its configuration, or null */
    public GradientCompressor downlinkCompressor() {
        return downlink == null ? null : Compressors.create(downlink);
    }
}
