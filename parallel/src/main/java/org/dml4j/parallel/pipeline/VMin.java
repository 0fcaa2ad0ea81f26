package org.dml4j.parallel.pipeline;

/**
 * V-Min: the controllable-memory V schedule with the shortest building-block lifespan, about a third of 1F1B's
 * activation memory, at about 1F1B's bubble (Qi et al., "Pipeline Parallelism with Controllable Memory", NeurIPS
 * 2024). See {@link ControllableMemoryV}.
 *
 * <p>Immutable and thread-safe.
 */
public final class VMin extends ControllableMemoryV {
    /** Creates the scheduler (stateless). */
    public VMin() {
    }

    @Override
    public String name() {
        return "v-min";
    }

    @Override
    public String description() {
        return "V-Min, a third of 1F1B's activation memory (Qi et al., NeurIPS 2024); v = 2";
    }

    @Override
    int[] offsets(int p, int i) {
        int g = p % 3 == 0 ? 2 : 0;
        return new int[] {i, 2 * p - i - 1, 2 * p + g + i, 4 * p + g - i - 1};
    }
}
