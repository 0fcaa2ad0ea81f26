package org.dml4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.dml4j.compress.CompressorState;
import org.dml4j.compress.Compressors;
import org.dml4j.core.FloatKernels;

/**
 * A scripted cross-check of {@link CompressionBenchmark}'s quantizer ratios for a machine that others share: the same
 * update (25,000,000 heavy-tailed floats), the same pass and the same QSGD and TernGrad configurations, each timed
 * {@code reps} times in turn, one after the other in every repetition, and the minimum of each reported with its
 * ratio to the pass's minimum. The minimum is the time least disturbed by other processes; alternating the
 * candidates in every repetition exposes them to the same load. Not a replacement for JMH on a quiet machine.
 * Beside the wall time it reports the minimum of the thread's CPU time ({@link ThreadMXBean}), which leaves out the
 * time the thread waited for a core (but not the memory bandwidth and caches others take).
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp benchmarks.jar org.dml4j.bench.QuantizerMinTimes 30}.
 */
public final class QuantizerMinTimes {
    private QuantizerMinTimes() {
    }

    /** @param args optional number of repetitions (default 30) */
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int size = 25_000_000;
        SplittableRandom r = new SplittableRandom(42);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (r.nextGaussian() * Math.exp(0.5 * r.nextGaussian()));
        }
        String[] names = {"pass", "qsgd", "qsgdWhole", "terngrad", "terngradWhole"};
        CompressorState[] states = {null,
            Compressors.create("qsgd", Map.of("levels", 7, "bucket-size", 512)).newState(size, new SplittableRandom(1)),
            Compressors.create("qsgd", Map.of("levels", 7)).newState(size, new SplittableRandom(1)),
            Compressors.create("terngrad", Map.of("bucket-size", 512)).newState(size, new SplittableRandom(1)),
            Compressors.create("terngrad", Map.of()).newState(size, new SplittableRandom(1))};
        double[] min = new double[names.length];
        double[] minCpu = new double[names.length];
        java.util.Arrays.fill(min, Double.MAX_VALUE);
        java.util.Arrays.fill(minCpu, Double.MAX_VALUE);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int rep = 0; rep < reps; rep++) {
            for (int b = 0; b < names.length; b++) {
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                if (b == 0) {
                    sink += (long) FloatKernels.get().sumAbs(x, 0, size);
                } else {
                    sink += states[b].compress(x).dim();
                }
                min[b] = Math.min(min[b], (System.nanoTime() - t0) / 1e6);
                minCpu[b] = Math.min(minCpu[b], (threads.getCurrentThreadCpuTime() - c0) / 1e6);
            }
        }
        System.out.println("| benchmark | min ms/op | × pass | min CPU ms/op | × pass (CPU) |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (int b = 0; b < names.length; b++) {
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f |%n", names[b], min[b], min[b] / min[0],
                    minCpu[b], minCpu[b] / minCpu[0]);
        }
        if (sink == 42) {
            System.out.println();
        }
    }
}
