package org.dml4j.compress;

/**
 * Per-worker state of a {@link GradientCompressor}. Single owner: one worker calls it from one thread at a time.
 */
public interface CompressorState {
    /**
     * Compresses {@code update}, applying error feedback when the compressor is configured with it.
     *
     * @param update the dense vector; read only, not retained
     * @return the compressed form; it does not share memory with {@code update}
     * @throws IllegalArgumentException when the length differs from the state's dimension or a value is not finite
     */
    CompressedUpdate compress(float[] update);
}
