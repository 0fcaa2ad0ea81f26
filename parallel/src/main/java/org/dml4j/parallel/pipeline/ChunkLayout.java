package org.dml4j.parallel.pipeline;

/**
 * How the {@code p * v} virtual stages (model chunks in model order) are placed on {@code p} devices holding
 * {@code v} chunks each.
 *
 * <pre>
 * INTERLEAVED: Narayanan et al., "Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM",
 *              SC 2021, section 2.2.2 (chunk c of device d is virtual stage c*p + d).
 * V_SHAPE:     Qi et al., "Zero Bubble (Almost) Pipeline Parallelism", ICLR 2024, ZB-V (chunk 0 of device d is
 *              virtual stage d, chunk 1 is 2p-1-d; generalised here as a zigzag for any v).
 * </pre>
 */
public enum ChunkLayout {
    /** Round-robin: virtual stage {@code c*p + d}. */
    INTERLEAVED,
    /** Zigzag: even chunks go down the devices, odd chunks come back up. */
    V_SHAPE;

    /**
     * @param device the device {@code d}
     * @param chunk  the chunk {@code c}
     * @param p      devices
     * @return the virtual stage (position in the model) of chunk {@code c} on device {@code d}
     */
    public int virtualStage(int device, int chunk, int p) {
        if (this == V_SHAPE && (chunk & 1) == 1) {
            return chunk * p + (p - 1 - device);
        }
        return chunk * p + device;
    }

    /**
     * @param virtualStage a virtual stage {@code k}
     * @param p            devices
     * @return the device holding it
     */
    public int device(int virtualStage, int p) {
        int c = virtualStage / p;
        int r = virtualStage % p;
        return this == V_SHAPE && (c & 1) == 1 ? p - 1 - r : r;
    }

    /**
     * @param virtualStage a virtual stage {@code k}
     * @param p            devices
     * @return the chunk index it has on its device
     */
    public int chunk(int virtualStage, int p) {
        return virtualStage / p;
    }
}
