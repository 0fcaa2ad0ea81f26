package org.dml4j.planner.cost;

import java.util.Objects;
import org.dml4j.planner.CostModel;
import org.dml4j.planner.PlanEvaluator;
import org.dml4j.planner.PlanRequest;
import org.dml4j.planner.cluster.NodeGroup;

/**
 * The default cost model ({@code "analytic"}): closed forms for each layer's compute, memory traffic and collectives,
 * the {@code parallel} module's schedules and timeline simulator for the pipeline, and closed forms again for
 * data-parallel synchronisation, the optimizer and memory. Its only calibrated constant is each GPU type's
 * achievable-efficiency factor ({@link org.dml4j.planner.cluster.GpuCatalog}).
 *
 * <h2>Per layer and micro-batch of {@code b} samples, on a GPU with achievable FLOP/s {@code P = peak x efficiency}
 * and memory bandwidth {@code H}, tensor-parallel size {@code t}</h2>
 * <ul>
 *   <li>Matrix multiplications: {@code F = (matmul + imbalance x expert) b / t / P}; the backward pass costs the same
 *       for the input gradient (B) and again for the weight gradient (W): the 1:2 forward:backward ratio of
 *       Narayanan et al. (SC 2021, section 3.5). The attention core costs {@code attention b / t / P} forward and
 *       twice that backward, all in B (no weights).</li>
 *   <li>Memory-bound kernels (layer norm, GeLU, dropout, softmax, residual adds): each reads its input and writes its
 *       output, so their traffic is twice the activation bytes they store,
 *       {@code 2 (replicated / sp + split / t + scores / t) b / H} forward and twice that backward
 *       (byte counts of Korthikanti et al. 2022; the memory-bound share of transformer training of Ivanov et al.,
 *       "Data Movement Is All You Need", MLSys 2021). This is what makes small hidden sizes less efficient.</li>
 *   <li>Tensor parallelism: Megatron's two all-reduces of {@code s b h} activations per layer in the forward pass
 *       and two in the backward pass, ring all-reduce over NVLink (Shoeybi et al. 2019); with sequence parallelism
 *       the same bytes as all-gather plus reduce-scatter (Korthikanti et al.), which also divides the replicated
 *       activations and their memory-bound kernels by {@code t}. Not overlapped.</li>
 *   <li>Expert parallelism: two all-to-alls of the routed tokens per MoE layer forward and two backward, over NVLink
 *       for peers in the node and the network adapter for the others; expert compute and all-to-all are scaled by the
 *       model's max/mean load imbalance (the most loaded rank sets the pace).</li>
 *   <li>Recomputation: full re-runs the layer's forward (and its collectives) inside B and stores only the
 *       layer input; selective re-runs the attention core and stores everything but the {@code 5as^2} scores
 *       (Korthikanti et al., sections 4-5).</li>
 * </ul>
 *
 * <h2>Pipeline</h2>
 * Blocks are split into stages: evenly for multi-chunk schedules, otherwise by the {@code parallel} module's exact
 * minimum-bottleneck {@link org.dml4j.parallel.partition.StagePartitioner} (uneven splits, heterogeneous speeds,
 * re-run with memory limits when the fastest split does not fit). The embedding travels with the first block and the
 * output layer with the last, so the last stage is heavier, as in Megatron-LM. Each stage's F, B and W add its
 * blocking point-to-point sends of {@code s b h} activations (per GPU {@code 1/t} of it over the network adapter,
 * then an NVLink all-gather unless sequence parallel: Megatron's scatter/gather optimisation). The stage costs go
 * to the chosen {@link org.dml4j.parallel.pipeline.PipelineScheduler} and the
 * {@link org.dml4j.parallel.pipeline.TimelineSimulator}, which give each device's finish time, the bubble and the
 * peak number of micro-batches in flight (for equal stages these equal the closed forms of the spec's table).
 *
 * <h2>Data parallelism, ZeRO and the optimizer</h2>
 * <ul>
 *   <li>Gradients (2 bytes per parameter) are all-reduced over the data-parallel group (expert gradients over the
 *       expert-data-parallel group), bus bandwidth {@code min(NVLink, members per node x NIC)}. ZeRO-1 (Megatron's
 *       distributed optimizer) moves the same bytes as reduce-scatter then all-gather; ZeRO-2 reduce-scatters every
 *       micro-batch; ZeRO-3 also gathers the weights for every forward and backward pass (Rajbhandari et al.,
 *       "ZeRO", SC 2020, section 7).</li>
 *   <li>With overlap the reduction hides behind the last micro-batch's backward on the stage and the stage's idle
 *       time until the pipeline drains, and the all-gather behind the next forward; the last bucket
 *       ({@code max(40M, 1M x dp)} parameters, Megatron-LM's default) is always exposed. Without overlap it all
 *       follows the backward pass.</li>
 *   <li>Gradient compression replaces the dense all-reduce by its own collective plus encode and decode time
 *       ({@link org.dml4j.planner.GradientCompression}).</li>
 *   <li>The Adam step moves {@value AnalyticEvaluator#OPTIMIZER_BYTES_PER_PARAM} bytes of HBM per parameter the GPU
 *       updates.</li>
 * </ul>
 * The iteration ends when the slowest stage has finished its pipeline work, its exposed synchronisation and its
 * optimizer step.
 *
 * <h2>Memory per GPU</h2>
 * {@code 16} bytes per parameter split by ZeRO as in {@link org.dml4j.planner.MemoryBreakdown}, activations of the
 * peak number of micro-batches in flight under the schedule (from the simulated schedule), one layer's full
 * activations as working space, error-feedback residuals (4 bytes per parameter), and the search space's reserve.
 *
 * <pre>
 * Narayanan et al., "Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM", SC 2021.
 * Korthikanti et al., "Reducing Activation Recomputation in Large Transformer Models", MLSys 2023 (arXiv 2022).
 * Rajbhandari et al., "ZeRO: Memory Optimizations Toward Training Trillion Parameter Models", SC 2020.
 * Shoeybi et al., "Megatron-LM: Training Multi-Billion Parameter Language Models Using Model Parallelism", 2019.
 * Qi et al., "Zero Bubble (Almost) Pipeline Parallelism", ICLR 2024. Lepikhin et al., "GShard", ICLR 2021.
 * Ivanov et al., "Data Movement Is All You Need: A Case Study on Optimizing Transformers", MLSys 2021.
 * </pre>
 *
 * <p>Immutable and thread-safe; its evaluators are not.
 */
public final class AnalyticCostModel implements CostModel {
    /** Creates the cost model (stateless). */
    public AnalyticCostModel() {
    }

    @Override
    public String name() {
        return "analytic";
    }

    @Override
    public String description() {
        return "closed-form compute, memory traffic and collectives (Narayanan et al. SC 2021, Korthikanti et al. "
                + "2022, ZeRO), pipeline timeline from the parallel module's simulator";
    }

    @Override
    public PlanEvaluator prepare(PlanRequest request) {
        Objects.requireNonNull(request, "request");
        for (int i = 0; i < request.cluster().groups().size(); i++) {
            NodeGroup g = request.cluster().groups().get(i);
            try {
                g.gpu().peak(request.model().precision());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("node-groups[" + i + "]: " + e.getMessage() + " (model precision "
                        + request.model().precision().key() + ")", e);
            }
        }
        return new AnalyticEvaluator(request, name());
    }
}
