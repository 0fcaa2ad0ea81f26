package org.dml4j.fl;

import java.util.Objects;
import org.dml4j.compress.GradientCompressor;

/**
 * How a federated run compresses its traffic: the uplink compressor every client runs with its own state, how the
 * clients' levels are assigned ({@link DataAware}), and an optional downlink compressor the server runs with error
 * feedback (its replica of the clients' model is the residual).
 *
 * @param uplink    client-to-server compressor
 * @param dataAware per-client level assignment
 * @param meanLevel δ̄ or λ̄ for a data-aware assignment; ignored for {@link DataAware#UNIFORM}
 * @param downlink  server-to-client compressor, or {@code null} to send the dense model
 */
public record Compression(GradientCompressor uplink, DataAware dataAware, double meanLevel,
                          GradientCompressor downlink) {
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
     * @param uplink the client-to-server compressor
     * @return uniform uplink compression and a dense downlink
     */
    public static Compression uplinkOnly(GradientCompressor uplink) {
        return new Compression(uplink, DataAware.UNIFORM, Double.NaN, null);
    }
}
