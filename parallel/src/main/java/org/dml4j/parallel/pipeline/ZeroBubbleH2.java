package org.dml4j.parallel.pipeline;

/**
 * ZB-H2, the handcrafted schedule of Qi et al. (ICLR 2024, section 2.2 and Figure 3): a fixed order per device,
 * built for {@code F = B = W} and then used whatever the actual costs. Device {@code d} runs
 * {@code 2(p-d)-1} warm-up forwards (so its first B finds no gap), then B, F and W passes as the B chain arrives, and
 * defers W passes into the tail, which turns the trapezoid of ZB-H1 into a parallelogram: with equal costs and
 * {@code m >= 2p - 1} every device works without a gap from its first to its last operation (zero bubble with
 * optimizer post-validation), holding up to {@code 2p - 1} micro-batches on the first device (the paper's Table 1:
 * ZB-H2 memory {@code (2p-1) M_B}).
 *
 * <p>The order is derived, not transcribed from the figure: the list rule of {@link ZeroBubbleH2List} (B first,
 * then F, then W, within the caps {@code 2(p-d)-1} micro-batches waiting for B and {@code 2p-1} waiting for W) is run
 * once on unit costs, and the resulting per-device order is fixed. On equal costs it meets the published bubble and
 * memory exactly; on uneven costs it keeps that order, unlike {@code zb-h2-list}, which re-plans on the real costs.
 *
 * <p>Immutable and thread-safe.
 */
public final class ZeroBubbleH2 implements PipelineScheduler {
    /** Creates the scheduler (stateless). */
    public ZeroBubbleH2() {
    }

    @Override
    public String name() {
        return "zb-h2";
    }

    @Override
    public String description() {
        return "ZB-H2, the handcrafted order for F = B = W, 2x 1F1B memory, zero bubble (Qi et al., ICLR 2024); v = 1";
    }

    @Override
    public boolean supportsChunks(int chunks) {
        return chunks == 1;
    }

    @Override
    public int defaultChunks() {
        return 1;
    }

    @Override
    public Schedule schedule(StageCosts costs, int microbatches, int chunks) {
        PipelineSchedulers.checkArguments(this, costs, microbatches, chunks);
        int p = costs.stages();
        Schedule unit = new ZeroBubbleH2List().schedule(StageCosts.uniform(p, 1, 1, 1), microbatches, 1);
        int[][] ops = new int[p][];
        for (int d = 0; d < p; d++) {
            ops[d] = unit.codes(d).clone();
        }
        return PipelineSchedulers.checkMemory(new Schedule(name(), microbatches, 1, ChunkLayout.INTERLEAVED, ops),
                costs);
    }
}
