package org.dml4j.planner.cluster;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.dml4j.planner.model.Precision;

/**
 * A GPU model: dense (non-sparse) peak FLOP/s per precision, memory, memory bandwidth, an achievable-efficiency
 * factor (the fraction of the peak that a training step's large matrix multiplications sustain on this GPU) and a
 * GEMM ridge factor (how fast that fraction falls for small ones). Both are calibrated per GPU type, never per model
 * or per run; see {@link GpuCatalog} for each built-in value and where it comes from.
 *
 * <p>A matrix multiplication of {@code M x K} by {@code K x N} has arithmetic intensity
 * {@code I = 2MNK / (e (MK + KN + MN))} FLOP per byte of its operands ({@code e} bytes per element) and sustains
 * {@code efficiency * I / (I + gemmRidgeFactor * peak / hbm)} of the peak: the roofline of Williams et al. (CACM
 * 2009) in its additive (no overlap of operand traffic and arithmetic) form, with {@code peak / hbm} the GPU's ridge
 * intensity and the factor the ratio of a tiled kernel's operand traffic to the minimal one. Zero turns the size
 * dependence off.
 *
 * <pre>
 * Williams, Waterman, Patterson, "Roofline: an insightful visual performance model for multicore architectures",
 * Communications of the ACM 52(4), 2009.
 * </pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name          the name used in cluster files ("a100-80gb")
 * @param peakFlops     dense peak FLOP/s per precision (precisions the GPU lacks are absent)
 * @param memoryBytes   device memory in bytes
 * @param hbmBytesPerS  device memory bandwidth in bytes per second
 * @param efficiency    achievable fraction of peak for large training matrix multiplications, in (0, 1]
 * @param source        where the efficiency factor comes from (a citation or "assumed")
 * @param gemmRidgeFactor multiple of the ridge intensity {@code peak / hbm} at which a matrix multiplication reaches
 *                      half of {@code efficiency}, in [0, 100]
 */
public record GpuType(String name, Map<Precision, Double> peakFlops, double memoryBytes, double hbmBytesPerS,
                      double efficiency, String source, double gemmRidgeFactor) {
    /** Validates, naming the field. */
    public GpuType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(peakFlops, "peakFlops");
        if (peakFlops.isEmpty()) {
            throw new IllegalArgumentException("gpu type '" + name + "': peak-tflops needs at least one precision");
        }
        EnumMap<Precision, Double> copy = new EnumMap<>(Precision.class);
        for (Map.Entry<Precision, Double> e : peakFlops.entrySet()) {
            double v = Objects.requireNonNull(e.getValue(), "peak");
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("gpu type '" + name + "': peak-tflops." + e.getKey().key()
                        + " must be a finite number > 0, got " + v);
            }
            copy.put(e.getKey(), v);
        }
        peakFlops = Collections.unmodifiableMap(copy);
        if (!(memoryBytes > 0) || Double.isInfinite(memoryBytes)) {
            throw new IllegalArgumentException("gpu type '" + name + "': memory must be > 0, got " + memoryBytes);
        }
        if (!(hbmBytesPerS > 0) || Double.isInfinite(hbmBytesPerS)) {
            throw new IllegalArgumentException("gpu type '" + name + "': hbm bandwidth must be > 0, got "
                    + hbmBytesPerS);
        }
        if (!(efficiency > 0 && efficiency <= 1)) {
            throw new IllegalArgumentException("gpu type '" + name + "': efficiency must be in (0, 1], got "
                    + efficiency);
        }
        if (!(gemmRidgeFactor >= 0 && gemmRidgeFactor <= 100)) {
            throw new IllegalArgumentException("gpu type '" + name + "': gemm-ridge-factor must be in [0, 100], got "
                    + gemmRidgeFactor);
        }
    }

    /**
     * A type with the calibrated GEMM ridge factor {@link GpuCatalog#GEMM_RIDGE_FACTOR}.
     *
     * @param name         the name used in cluster files
     * @param peakFlops    dense peak FLOP/s per precision
     * @param memoryBytes  device memory in bytes
     * @param hbmBytesPerS device memory bandwidth in bytes per second
     * @param efficiency   achievable fraction of peak for large training matrix multiplications
     * @param source       where the efficiency factor comes from
     */
    public GpuType(String name, Map<Precision, Double> peakFlops, double memoryBytes, double hbmBytesPerS,
                   double efficiency, String source) {
        this(name, peakFlops, memoryBytes, hbmBytesPerS, efficiency, source, GpuCatalog.GEMM_RIDGE_FACTOR);
    }

    /**
     * @param precision a compute precision
     * @return the dense peak FLOP/s at that precision
     * @throws IllegalArgumentException naming the GPU and precision when the GPU lacks it (e.g. bf16 on a V100)
     */
    public double peak(Precision precision) {
        Double v = peakFlops.get(precision);
        if (v == null) {
            throw new IllegalArgumentException("gpu type '" + name + "' has no " + precision.key() + " peak (it has "
                    + peakFlops.keySet().stream().map(Precision::key).toList() + "); choose a precision it supports");
        }
        return v;
    }

    /**
     * @param precision a compute precision
     * @return the achievable FLOP/s, {@code peak * efficiency}
     */
    public double achievable(Precision precision) {
        return peak(precision) * efficiency;
    }

    /**
     * @param e a new efficiency factor
     * @param why its source
     * @return a copy with it
     */
    public GpuType withEfficiency(double e, String why) {
        return new GpuType(name, peakFlops, memoryBytes, hbmBytesPerS, e, why, gemmRidgeFactor);
    }

    /**
     * @param k a new GEMM ridge factor
     * @return a copy with it
     */
    public GpuType withGemmRidgeFactor(double k) {
        return new GpuType(name, peakFlops, memoryBytes, hbmBytesPerS, efficiency, source, k);
    }

    /**
     * @param precision a compute precision
     * @return the arithmetic intensity (FLOP per operand byte) at which a matrix multiplication at that precision
     *         reaches half of {@link #achievable}: {@code gemmRidgeFactor * peak / hbm}
     */
    public double gemmHalfIntensity(Precision precision) {
        return gemmRidgeFactor * peak(precision) / hbmBytesPerS;
    }
}
