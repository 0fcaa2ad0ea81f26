package org.dml4j.planner;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Data-parallel gradient compression as the planner models it: what fraction of the gradient goes on the wire,
 * how many bytes per gradient element that makes, which collective can carry it, what encoding and decoding cost,
 * and whether an error-feedback residual (4 bytes per parameter) must be kept.
 *
 * <p>A sparse or quantized gradient cannot be summed by a ring all-reduce without decoding at every hop, so
 * {@link Collective#ALL_GATHER} compressors send their message to every data-parallel peer: each rank receives
 * {@code (k - 1)} messages and decodes them. That is why compression pays only with few data-parallel ranks and a
 * slow network, and never at Megatron-LM scale; the planner decides it per plan.
 *
 * <p>Built-in figures ({@link #presets()}) are the compression library's own measurements
 * ({@code compress/BENCHMARKS.md}: JMH, one update of 25,000,000 floats at 1% density, Temurin 25 with the Vector API
 * on 2 vCPUs), i.e. the cost of running dml4j's compressors on the host CPU; GPU kernels would be faster, so these
 * figures favour dense all-reduce:
 * <ul>
 *   <li>{@code none}: dense bf16 gradients, 2 bytes per element, ring all-reduce.</li>
 *   <li>{@code topk}: Top-k with k = 1% and error feedback (Stich et al., NeurIPS 2018; Lin et al., "Deep
 *       Gradient Compression", ICLR 2018). Wire format of the library's {@code SparseUpdate}: varint-coded index
 *       gaps (about 1 byte at 1% density) and bf16 values (2 bytes), so 3 bytes per kept element and 0.03 bytes per
 *       gradient element. Encoding: 25M floats in 6.90 ms, 3.6e9 elements/s ({@code topk}); decoding and
 *       accumulating the 250k entries in 3.04 ms, 8.2e7 entries/s ({@code sparseDecodeAccumulate}).</li>
 *   <li>{@code qsgd}: QSGD with 7 levels (4-bit codes) in buckets of 512 with a 4-byte norm each (Alistarh et al.,
 *       "QSGD", NeurIPS 2017): 0.5 + 4/512 bytes per element. Encoding: 8.02 ms, 3.1e9 elements/s
 *       ({@code qsgd}); decoding is not in the table and is taken as one streaming pass over the array (the
 *       table's {@code pass}, 3.37 ms, 7.4e9 elements/s).</li>
 * </ul>
 * Other figures can be given through {@link #of}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name                   the name used on the command line and in plans
 * @param density                fraction of gradient elements sent, in (0, 1]
 * @param wireBytesPerElement    bytes on the wire per gradient element (dense bf16: 2)
 * @param collective             the collective that carries it
 * @param encodeElementsPerS     gradient elements encoded per second (infinite: free)
 * @param decodeEntriesPerS      received entries (sent elements) decoded and accumulated per second
 * @param errorFeedback          whether an FP32 residual per parameter is kept
 * @param source                 where the figures come from
 */
public record GradientCompression(String name, double density, double wireBytesPerElement, Collective collective,
                                  double encodeElementsPerS, double decodeEntriesPerS, boolean errorFeedback,
                                  String source) {
    /** How the compressed gradients are exchanged. */
    public enum Collective {
        /** Summable on the wire: ring all-reduce of the compressed bytes. */
        ALL_REDUCE,
        /** Not summable: every rank's message goes to every other rank, which decodes it. */
        ALL_GATHER
    }

    /** No compression. */
    public static final GradientCompression NONE = new GradientCompression("none", 1, 2, Collective.ALL_REDUCE,
            Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, false, "dense bf16 gradients");

    private static final Map<String, GradientCompression> PRESETS = build();

    /** Validates, naming the field. */
    public GradientCompression {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(collective, "collective");
        Objects.requireNonNull(source, "source");
        if (!(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("compression '" + name + "': density must be in (0, 1], got "
                    + density);
        }
        if (!(wireBytesPerElement > 0) || Double.isInfinite(wireBytesPerElement)) {
            throw new IllegalArgumentException("compression '" + name + "': wire bytes per element must be > 0, got "
                    + wireBytesPerElement);
        }
        if (!(encodeElementsPerS > 0)) {
            throw new IllegalArgumentException("compression '" + name + "': encode throughput must be > 0, got "
                    + encodeElementsPerS);
        }
        if (!(decodeEntriesPerS > 0)) {
            throw new IllegalArgumentException("compression '" + name + "': decode throughput must be > 0, got "
                    + decodeEntriesPerS);
        }
    }

    private static Map<String, GradientCompression> build() {
        Map<String, GradientCompression> m = new LinkedHashMap<>();
        m.put("none", NONE);
        m.put("topk", new GradientCompression("topk", 0.01, 0.03, Collective.ALL_GATHER, 25e6 / 6.90e-3,
                250e3 / 3.04e-3, true, "Top-k 1% with error feedback; compress/BENCHMARKS.md: encode 3.6e9 elements/s, "
                + "decode 8.2e7 entries/s (JVM, 2 vCPUs)"));
        m.put("qsgd", new GradientCompression("qsgd", 1, 0.5 + 4.0 / 512, Collective.ALL_GATHER, 25e6 / 8.02e-3,
                25e6 / 3.37e-3, false, "QSGD 4-bit, buckets of 512; compress/BENCHMARKS.md: encode 3.1e9 elements/s, "
                + "decode one streaming pass 7.4e9 elements/s (JVM, 2 vCPUs)"));
        return Collections.unmodifiableMap(m);
    }

    /**
     * A compressor with user-supplied figures.
     *
     * @param name               name
     * @param density            fraction of elements sent
     * @param bytesPerSent       wire bytes per sent element (index plus value)
     * @param collective         the collective
     * @param encodeElementsPerS encode throughput
     * @param decodeEntriesPerS  decode throughput
     * @param errorFeedback      whether a residual is kept
     * @return the compression description
     */
    public static GradientCompression of(String name, double density, double bytesPerSent, Collective collective,
                                         double encodeElementsPerS, double decodeEntriesPerS, boolean errorFeedback) {
        return new GradientCompression(name, density, density * bytesPerSent, collective, encodeElementsPerS,
                decodeEntriesPerS, errorFeedback, "user-supplied");
    }

    /**
     * @return the built-in compressors, "none" first
     */
    public static List<GradientCompression> presets() {
        return new ArrayList<>(PRESETS.values());
    }

    /**
     * @param name a built-in name (case-insensitive)
     * @return the compressor
     * @throws IllegalArgumentException listing the known names when unknown
     */
    public static GradientCompression get(String name) {
        GradientCompression c = name == null ? null : PRESETS.get(name.toLowerCase(Locale.ROOT));
        if (c == null) {
            throw new IllegalArgumentException("compression: unknown '" + name + "'; known: "
                    + String.join(", ", PRESETS.keySet()));
        }
        return c;
    }

    /**
     * @return whether this is no compression
     */
    public boolean isNone() {
        return density == 1 && collective == Collective.ALL_REDUCE && wireBytesPerElement == 2
                && Double.isInfinite(encodeElementsPerS);
    }
}
