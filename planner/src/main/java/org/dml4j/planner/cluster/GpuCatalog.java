package org.dml4j.planner.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dml4j.planner.model.Precision;

/**
 * The built-in GPU types. Peaks are the vendors' dense (no structured sparsity) datasheet figures; memory is the
 * usable capacity; bandwidth is the HBM datasheet figure.
 *
 * <p>The achievable-efficiency factor, one per GPU type, measured under one software stack (the stack's own factor,
 * {@link SoftwareStack#computeFactor()}, multiplies it); the calibration and validation tables are in
 * {@code docs/planner.md}. Each fitted value minimises the sum of squared log errors of its calibration rows, in the
 * order A100, {@code megatron-core}, Hopper ({@code CalibrationFit} in the tests reproduces it):
 * <ul>
 *   <li>A100 ({@value #A100_EFFICIENCY}): fitted, under the {@code megatron-2021} stack, on the weak-scaling table
 *       of Narayanan et al. (SC 2021, Table 1: 44-52% of peak end to end on up to 3072 A100s) with Megatron-LM's
 *       own settings ({@code examples/sc21/run_table_1.sh}) and every overhead the cost model knows (tensor-parallel
 *       all-reduces, memory-bound kernels, pipeline bubble and point-to-point, data-parallel all-reduce, optimizer)
 *       modelled separately. It is the sustained fraction of peak of Megatron-LM's transformer matrix
 *       multiplications inside a training step.</li>
 *   <li>H100 and H200 ({@value #HOPPER_EFFICIENCY}): fitted, under {@code megatron-core-tp-overlap} (the README states {@code --tp-comm-overlap}), on the odd rows (1.7B,
 *       16B, 70B, 177B, 462B) of the H100 weak-scaling table in Megatron-LM's README ({@code images/model_table.png},
 *       commit f2e5db402c44ae309aa6448bcb4ae87e8ae0f5f4); the even rows are validation rows.</li>
 *   <li>V100, A10, L40S, MI250X, MI300X ({@value #ASSUMED_EFFICIENCY}): assumed, not calibrated; override with a
 *       measured value in the cluster file ({@code gpu-types[].efficiency}).</li>
 * </ul>
 *
 * <p>Thread-safe (immutable table).
 */
public final class GpuCatalog {
    /** A100 efficiency factor, calibrated on Megatron-LM's SC 2021 Table 1. */
    public static final double A100_EFFICIENCY = 0.65;
    /** H100/H200 efficiency factor. */
    public static final double HOPPER_EFFICIENCY = 0.53;
    /**
     * GEMM ridge factor of every built-in type ({@link GpuType}): 0, no dependence of the matrix multiplications'
     * efficiency on their size. Fitted on the calibration set of {@code docs/planner.md} together with the efficiency
     * factors, the curve's best factor is about 4 (calibration loss 0.071 to 0.042), but the validation set then
     * misses in three rows (Llama 3 405B +18% and +15%, the 32B H100 row -12%) where it has none without it, so the
     * size dependence is not used by default; a cluster file can set {@code gemm-ridge-factor} for a measured GPU.
     */
    public static final double GEMM_RIDGE_FACTOR = 0;
    /** Efficiency assumed for GPU types without a published anchor here. */
    public static final double ASSUMED_EFFICIENCY = 0.5;

    private static final double GIB = 1024.0 * 1024 * 1024;
    private static final double T = 1e12;
    private static final Map<String, GpuType> BUILT_IN = build();

    private GpuCatalog() {
    }

    private static Map<String, GpuType> build() {
        Map<String, GpuType> m = new LinkedHashMap<>();
        String a100 = "fitted on Narayanan et al., SC 2021, Table 1 (Megatron-LM on A100, megatron-2021 stack)";
        String hopper = "fitted on Megatron-LM's README H100 table, odd rows (megatron-core stack)";
        String assumed = "assumed; override with a measured value";
        add(m, "a100-40gb", peaks(312, 312, 156, 19.5, 0), 40 * GIB, 1.555e12, A100_EFFICIENCY, a100);
        add(m, "a100-80gb", peaks(312, 312, 156, 19.5, 0), 80 * GIB, 2.039e12, A100_EFFICIENCY, a100);
        add(m, "h100-80gb", peaks(989.4, 989.4, 494.7, 66.9, 1978.9), 80 * GIB, 3.35e12, HOPPER_EFFICIENCY, hopper);
        add(m, "h200-141gb", peaks(989.4, 989.4, 494.7, 66.9, 1978.9), 143771.0 * 1024 * 1024, 4.8e12,
                HOPPER_EFFICIENCY, hopper);
        add(m, "v100-32gb", peaks(0, 125, 0, 15.7, 0), 32 * GIB, 0.9e12, ASSUMED_EFFICIENCY, assumed);
        add(m, "a10-24gb", peaks(125, 125, 62.5, 31.2, 0), 24 * GIB, 0.6e12, ASSUMED_EFFICIENCY, assumed);
        add(m, "l40s-48gb", peaks(362.05, 362.05, 183, 91.6, 733), 48 * GIB, 0.864e12, ASSUMED_EFFICIENCY, assumed);
        add(m, "mi250x-128gb", peaks(383, 383, 0, 95.7, 0), 128 * GIB, 3.2768e12, ASSUMED_EFFICIENCY, assumed);
        add(m, "mi300x-192gb", peaks(1307.4, 1307.4, 653.7, 163.4, 2614.9), 192 * GIB, 5.3e12, ASSUMED_EFFICIENCY,
                assumed);
        return Collections.unmodifiableMap(m);
    }

    private static Map<Precision, Double> peaks(double bf16, double fp16, double tf32, double fp32, double fp8) {
        Map<Precision, Double> p = new EnumMap<>(Precision.class);
        put(p, Precision.BF16, bf16);
        put(p, Precision.FP16, fp16);
        put(p, Precision.TF32, tf32);
        put(p, Precision.FP32, fp32);
        put(p, Precision.FP8, fp8);
        return p;
    }

    private static void put(Map<Precision, Double> p, Precision k, double tflops) {
        if (tflops > 0) {
            p.put(k, tflops * T);
        }
    }

    private static void add(Map<String, GpuType> m, String name, Map<Precision, Double> peaks, double mem, double hbm,
                            double eff, String source) {
        m.put(name, new GpuType(name, peaks, mem, hbm, eff, source));
    }

    /**
     * @return the built-in type names
     */
    public static List<String> names() {
        return new ArrayList<>(BUILT_IN.keySet());
    }

    /**
     * @return the built-in types by name
     */
    public static Map<String, GpuType> builtIn() {
        return BUILT_IN;
    }

    /**
     * @param field the field being resolved, for the message ("node-groups[0].gpu")
     * @param name  a type name (case-insensitive)
     * @param extra types defined by the cluster file, which take precedence
     * @return the type
     * @throws IllegalArgumentException naming the field, the value and the known types
     */
    public static GpuType resolve(String field, String name, Map<String, GpuType> extra) {
        String key = name == null ? "" : name.toLowerCase(Locale.ROOT);
        GpuType t = extra.get(key);
        if (t == null) {
            t = BUILT_IN.get(key);
        }
        if (t == null) {
            List<String> known = new ArrayList<>(extra.keySet());
            for (String n : BUILT_IN.keySet()) {
                if (!known.contains(n)) {
                    known.add(n);
                }
            }
            throw new IllegalArgumentException(field + ": unknown GPU type '" + name + "'; known: "
                    + String.join(", ", known) + " (or define it under gpu-types)");
        }
        return t;
    }

    /**
     * @param name a built-in type name
     * @return the type
     * @throws IllegalArgumentException listing the known types when unknown
     */
    public static GpuType get(String name) {
        return resolve("gpu", name, Map.of());
    }
}
