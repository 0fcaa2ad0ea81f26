package org.dml4j.parallel.pipeline;

import java.util.Arrays;

/**
 * ZB-H2 as a cost-aware list schedule ({@code zb-h2-list}): the handcrafted ZB-H2's memory caps, but the order is
 * chosen greedily on the actual stage costs (an F, B or W runs as soon as its inputs and its caps allow, B first).
 * Like ZB-H1 but with extra warm-up forward passes ({@code 2(p-d)-1} micro-batches may wait for their B on
 * device {@code d}, at most {@code 2p-1} for their W), so the first stage has no idle time before its first B and
 * the W passes fill the tail. Each device then works without a gap from its first to its last operation: with
 * optimizer post-validation the bubble is zero; memory is about twice 1F1B's.
 *
 * <pre>
 * Qi, Wan, Huang, Lin, "Zero Bubble (Almost) Pipeline Parallelism", ICLR 2024, section 2.2 (ZB-H2) and
 * section 4 (optimizer post-validation).
 * </pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ZeroBubbleH2List implements PipelineScheduler {
    /** Creates the scheduler (stateless). */
    public ZeroBubbleH2List() {
    }

    @Override
    public String name() {
        return "zb-h2-list";
    }

    @Override
    public String description() {
        return "ZB-H2 memory caps with a cost-aware list order (after Qi et al., ICLR 2024); v = 1";
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
        int[] admit = new int[p];
        double[] mem = new double[p];
        for (int d = 0; d < p; d++) {
            admit[d] = 2 * (p - d) - 1;
        }
        Arrays.fill(mem, 2 * p - 1);
        Schedule s = new GreedyListScheduler(costs, microbatches, 1, ChunkLayout.INTERLEAVED)
                .build(name(), admit, mem).schedule();
        return PipelineSchedulers.checkMemory(s, costs);
    }
}
