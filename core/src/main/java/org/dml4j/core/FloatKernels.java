package org.dml4j.core;

import java.lang.System.Logger.Level;

/**
 * The numeric kernels of the hot paths on {@code float[]} slices. Reductions accumulate in {@code double}.
 *
 * <p>{@link #scalar()} is the reference implementation. {@link #get()} returns the Vector API implementation when
 * the {@code jdk.incubator.vector} module is present (run with {@code --add-modules jdk.incubator.vector}) and logs
 * the fallback to the scalar one otherwise, as Lucene's {@code VectorizationProvider} does. Set the system property
 * {@value #PROVIDER_PROP_NAME} to {@code scalar} to force the reference.
 *
 * <p>Implementations are stateless and thread-safe. Every method checks its bounds once at entry.
 */
public interface FloatKernels {
    /** System property that selects the provider: {@code auto} (default), {@code scalar} or {@code vector}. */
    String PROVIDER_PROP_NAME = "dml4j.core.kernels";
    /** Default value of {@link #PROVIDER_PROP_NAME}. */
    String PROVIDER_DEFAULT = "auto";

    /** @return the provider's name, {@code "scalar"} or {@code "vector"} */
    String name();

    /** @return the SIMD width in bits, or 0 for scalar code */
    int vectorBitSize();

    /** @return {@code sum(x[xOff+i] * y[yOff+i])} for {@code i < n}, accumulated in double */
    double dot(float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code y[yOff+i] += a * x[xOff+i]} for {@code i < n}. */
    void axpy(float a, float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code x[off+i] *= a} for {@code i < n}. */
    void scale(float a, float[] x, int off, int n);

    /** @return {@code sum(|x[off+i]|)} for {@code i < n} */
    double sumAbs(float[] x, int off, int n);

    /** @return {@code sum(x[off+i]^2)} for {@code i < n} */
    double sumSquares(float[] x, int off, int n);

    /** @return {@code max(|x[off+i]|)} for {@code i < n}, 0 when {@code n == 0} */
    float maxAbs(float[] x, int off, int n);

    /** @return the number of {@code i < n} with {@code |x[off+i]| >= threshold} */
    int countAbsAtLeast(float[] x, int off, int n, float threshold);

    /** @return the reference scalar implementation */
    static FloatKernels scalar() {
        return ScalarFloatKernels.INSTANCE;
    }

    /** @return the best implementation available in this JVM (see the class comment) */
    static FloatKernels get() {
        return KernelHolder.INSTANCE;
    }

    /** Lazy holder: chooses the provider on first use, never while another class loads. */
    final class KernelHolder {
        static final FloatKernels INSTANCE = choose();

        private KernelHolder() {
        }

        private static FloatKernels choose() {
            String want = System.getProperty(PROVIDER_PROP_NAME, PROVIDER_DEFAULT);
            System.Logger log = System.getLogger(FloatKernels.class.getName());
            if ("scalar".equals(want)) {
                return scalar();
            }
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                log.log(Level.INFO, "jdk.incubator.vector is not enabled; using scalar float kernels"
                        + " (run with --add-modules jdk.incubator.vector for SIMD)");
                return scalar();
            }
            try {
                Class<?> c = Class.forName("org.dml4j.core.VectorFloatKernels");
                return (FloatKernels) c.getDeclaredField("INSTANCE").get(null);
            } catch (ReflectiveOperationException | LinkageError e) {
                log.log(Level.WARNING, "Vector API kernels unavailable (" + e + "); using scalar float kernels");
                return scalar();
            }
        }
    }
}
