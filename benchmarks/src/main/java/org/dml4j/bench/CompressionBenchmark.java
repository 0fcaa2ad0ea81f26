package org.dml4j.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.dml4j.compress.CompressedUpdate;
import org.dml4j.compress.CompressorState;
import org.dml4j.compress.Compressors;
import org.dml4j.compress.SparseUpdate;
import org.dml4j.compress.UpdateCodec;
import org.dml4j.core.FloatKernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compression of one update of {@code size} floats (ResNet-50 size by default) at {@code density}, against one
 * streaming pass over the array (sum of magnitudes, SIMD) and a quickselect Top-k reference. Each benchmark returns
 * its result so that nothing is optimised away; the setup checks that Top-k and the reference select the same
 * entries. Ratios are computed by {@link CompressionReport}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms4g", "-Xmx4g", "-XX:+UseParallelGC"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
public class CompressionBenchmark {
    /** Vector length: 25,000,000 floats is ResNet-50's parameter count. */
    @Param("25000000")
    public int size;

    /** Fraction of entries kept by Top-k and the threshold. */
    @Param("0.01")
    public double density;

    private float[] x;
    private float[] target;
    private int k;
    private int[] refIdx;
    private float[] refVal;
    private QuickselectTopK reference;
    private CompressorState topk;
    private CompressorState threshold;
    private CompressorState sign;
    private CompressorState qsgd;
    private CompressorState qsgdWhole;
    private CompressorState qsgdWire;
    private CompressorState terngrad;
    private CompressorState terngradWhole;
    private SparseUpdate sparse;
    private byte[] sparseBytes;

    /** Builds a heavy-tailed update, the compressor states, and checks Top-k against the reference. */
    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom r = new SplittableRandom(42);
        x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (r.nextGaussian() * Math.exp(0.5 * r.nextGaussian()));
        }
        target = new float[size];
        k = (int) Math.ceil(density * size);
        refIdx = new int[k];
        refVal = new float[k];
        reference = new QuickselectTopK(size);
        reference.select(x, k, refIdx, refVal);
        float lambda = Math.abs(refVal[0]);
        for (float v : refVal) {
            lambda = Math.min(lambda, Math.abs(v));
        }
        topk = Compressors.create("topk", Map.of("ratio", density)).newState(size, new SplittableRandom(1));
        threshold = Compressors.create("threshold", Map.of("threshold", (double) lambda))
                .newState(size, new SplittableRandom(1));
        sign = Compressors.create("sign", Map.of()).newState(size, new SplittableRandom(1));
        qsgd = Compressors.create("qsgd", Map.of("levels", 7, "bucket-size", 512))
                .newState(size, new SplittableRandom(1));
        qsgdWhole = Compressors.create("qsgd", Map.of("levels", 7)).newState(size, new SplittableRandom(1));
        qsgdWire = Compressors.create("qsgd", Map.of("levels", 7, "bucket-size", 512))
                .newState(size, new SplittableRandom(1));
        terngrad = Compressors.create("terngrad", Map.of("bucket-size", 512)).newState(size, new SplittableRandom(1));
        terngradWhole = Compressors.create("terngrad", Map.of()).newState(size, new SplittableRandom(1));
        sparse = (SparseUpdate) topk.compress(x);
        if (!Arrays.equals(sparse.indices(), refIdx) || !Arrays.equals(sparse.values(), refVal)) {
            throw new IllegalStateException("Top-k and the quickselect reference disagree");
        }
        if (threshold.compress(x).elements() != k) {
            throw new IllegalStateException("the threshold does not select k entries");
        }
        sparseBytes = UpdateCodec.encode(sparse);
    }

    /** The baseline: one SIMD streaming pass, the sum of magnitudes. */
    @Benchmark
    public double pass() {
        return FloatKernels.get().sumAbs(x, 0, size);
    }

    /** dml4j's exact Top-k: sampled threshold, one SIMD gather pass, band quickselect. */
    @Benchmark
    public CompressedUpdate topk() {
        return topk.compress(x);
    }

    /** The reference: magnitudes copied, plain quickselect, gather pass. */
    @Benchmark
    public int[] quickselect() {
        reference.select(x, k, refIdx, refVal);
        return refIdx;
    }

    /** Hard threshold at the 1%-quantile magnitude. */
    @Benchmark
    public CompressedUpdate threshold() {
        return threshold.compress(x);
    }

    /** Scaled sign, one scale for the whole vector. */
    @Benchmark
    public CompressedUpdate sign() {
        return sign.compress(x);
    }

    /** QSGD with 7 levels (4-bit codes) and buckets of 512, as in the paper's experiments. */
    @Benchmark
    public CompressedUpdate qsgd() {
        return qsgd.compress(x);
    }

    /** QSGD with 7 levels and one norm for the whole vector (two passes). */
    @Benchmark
    public CompressedUpdate qsgdWhole() {
        return qsgdWhole.compress(x);
    }

    /** QSGD as above, then the wire bytes: the Elias-gamma size scan and the encoding (no goal; for the record). */
    @Benchmark
    public byte[] qsgdWire() {
        return UpdateCodec.encode(qsgdWire.compress(x));
    }

    /** TernGrad (unclipped, unbiased) with buckets of 512: a max and a ternarizing pass per bucket, in L1. */
    @Benchmark
    public CompressedUpdate terngrad() {
        return terngrad.compress(x);
    }

    /** TernGrad with one scale for the whole vector, as the paper's per-layer scaling (two reads). */
    @Benchmark
    public CompressedUpdate terngradWhole() {
        return terngradWhole.compress(x);
    }

    /** Server side: decode the wire bytes of a 1% sparse update and accumulate it into the aggregate. */
    @Benchmark
    public float[] sparseDecodeAccumulate() {
        UpdateCodec.decode(sparseBytes, size).addTo(target, 1e-3f);
        return target;
    }

    /** Accumulate an already decoded 1% sparse update. */
    @Benchmark
    public float[] sparseAccumulate() {
        sparse.addTo(target, 1e-3f);
        return target;
    }
}
