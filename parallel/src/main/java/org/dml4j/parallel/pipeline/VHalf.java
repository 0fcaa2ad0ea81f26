package org.dml4j.parallel.pipeline;

/**
 * V-Half: the controllable-memory V schedule with half of 1F1B's activation memory and a small bubble (Qi et al.,
 * "Pipeline Parallelism with Controllable Memory", NeurIPS 2024). See {@link ControllableMemoryV}.
 *
 * <p>Immutable and thread-safe.
 */
public final class VHalf extends ControllableMemoryV {
    /** Creates the scheduler (stateless). */
    public VHalf() {
    }

    @Override
    public String name() {
        return "v-half";
    }

    @Override
    public String description() {
        return "V-Half, half of 1F1B's activation memory (Qi et al., NeurIPS 2024); v = 2";
    }

    @Override
    int[] offsets(int p, int i) {
        int g = p % 2 == 0 ? 3 : 0;
        return new int[] {2 * i, 3 * p - i - 2, 3 * p + g + 2 * i - 1, 6 * p + g - i - 2};
    }
}
