package org.dml4j.planner.cost;

import java.util.List;
import org.dml4j.planner.Recompute;
import org.dml4j.planner.model.LayerSpec;
import org.dml4j.planner.model.ModelSpec;

/**
 * Per-unit (block plus any attached embedding or head) costs of one micro-batch on one GPU, for a fixed tensor-parallel
 * size, sequence parallelism, recomputation, micro-batch size, expert-parallel size and stage hardware, with prefix
 * sums so a stage's totals cost O(1). The formulas are those of {@link AnalyticCostModel}.
 *
 * <p>Immutable after construction; confined to one evaluator.
 */
final class UnitTable {
    final int units;
    /** Forward, backward-for-inputs (with recomputation) and backward-for-weights seconds, prefix sums. */
    final double[] f;
    final double[] b;
    final double[] w;
    /** Seconds by kind, prefix sums: compute, recomputation, tensor-parallel, expert-parallel. */
    final double[] cmp;
    final double[] rec;
    final double[] tp;
    final double[] ep;
    /** Stored activation bytes per micro-batch, prefix sums. */
    final double[] act;
    /** Dense and expert parameters held per GPU, prefix sums (tied copies included). */
    final double[] dense;
    final double[] expert;
    /** Per unit: the largest transient activation (one layer's full activations) and the input bytes per sample. */
    final double[] work;
    final double[] input;
    /** Per unit: parameters per GPU of weights tied to the embedding (stored twice only when on another stage). */
    final double[] tied;
    /**
     * Largest module's parameters per GPU: ZeRO-3/FSDP gather one module (a weight matrix of a block, the embedding,
     * the output layer) at a time. A transformer block's largest matrix is at most a third of it ({@code 4h^2} of
     * {@code 12h^2} for a 4h FFN; less when gated), so a third of a block is used.
     */
    final double maxUnitParams;
    /** Gathered modules per unit: four per transformer block (QKV, projection, two FFN matrices), one otherwise. */
    final double[] modules;

    /**
     * Share of a layer's forward tensor-parallel communication that stays exposed under Transformer Engine's
     * userbuffers overlap whatever the GEMM window: the forward's two all-gathers are ring exchanges (tp chunks, each
     * received while the previous chunk's GEMM runs: none exposed), its two reduce-scatters are pipelined in 4 splits
     * (the last split's reduce-scatter runs after the last GEMM chunk: a quarter of each exposed), so 1/8 of the
     * forward's four collectives; the backward's all-gathers are ring exchanges or bulk overlaps with the
     * input-gradient GEMM, its reduce-scatters bulk overlaps with the weight-gradient GEMM (share 0). Defaults of
     * TransformerEngine's {@code initialize_ub} ({@code num_splits}: 4 for "pipeline", tp for "ring_exchange").
     */
    static final double TP_OVERLAP_FORWARD_EXPOSED = 1.0 / 8;

    UnitTable(ModelSpec model, List<int[]> unitLayers, int t, boolean sp, Recompute r, int mb, int ep,
              StageHardware hw) {
        this(model, unitLayers, t, sp, r, mb, ep, hw, false);
    }

    /**
     * @param tpOverlap whether sequence-parallel TP collectives overlap the layer's GEMMs (only with {@code sp} and
     *                  {@code t > 1}), see {@link #TP_OVERLAP_FORWARD_EXPOSED}
     */
    UnitTable(ModelSpec model, List<int[]> unitLayers, int t, boolean sp, Recompute r, int mb, int ep,
              StageHardware hw, boolean tpOverlap) {
        List<LayerSpec> layers = model.layers();
        units = unitLayers.size();
        f = new double[units + 1];
        b = new double[units + 1];
        w = new double[units + 1];
        cmp = new double[units + 1];
        rec = new double[units + 1];
        tp = new double[units + 1];
        this.ep = new double[units + 1];
        act = new double[units + 1];
        dense = new double[units + 1];
        expert = new double[units + 1];
        work = new double[units];
        input = new double[units];
        tied = new double[units];
        modules = new double[units];
        // with every expert on every rank (ep = 1) each rank serves its own tokens: no straggler
        double imb = ep > 1 ? model.expertImbalance() : 1;
        double maxParams = 0;
        for (int u = 0; u < units; u++) {
            double uf = 0;
            double ub = 0;
            double uw = 0;
            double ucmp = 0;
            double urec = 0;
            double utp = 0;
            double uep = 0;
            double uact = 0;
            double udense = 0;
            double uexp = 0;
            double uwork = 0;
            double utied = 0;
            double uin = -1;
            int[] range = unitLayers.get(u);
            for (int li = range[0]; li < range[1]; li++) {
                LayerSpec l = layers.get(li);
                int tpSplit = l.tensorParallel() ? t : 1;
                int spSplit = sp && l.tensorParallel() ? t : 1;
                double[] frac = gemmFractions(l, tpSplit, mb, ep, hw, model.precision().activationBytes());
                double gemmFlops = l.matmulFlops() / frac[0] + l.expertFlops() * imb / frac[1];
                double gemm = gemmFlops * mb / tpSplit / hw.flops();
                double attn = l.attentionFlops() * mb / tpSplit / hw.flops();
                double rep = l.replicatedActivationBytes() * mb / spSplit;
                double split = l.splitActivationBytes() * mb / tpSplit;
                double scores = l.attentionActivationBytes() * mb / tpSplit;
                // memory-bound kernels read their input and write their output: twice the bytes they store
                double memF = AnalyticEvaluator.MEMORY_TRAFFIC_FACTOR * (rep + split + scores) / hw.hbm();
                double memScores = AnalyticEvaluator.MEMORY_TRAFFIC_FACTOR * scores / hw.hbm();
                double tpF = 0;
                if (t > 1 && l.tensorParallel() && l.tpAllReduces() > 0) {
                    tpF = l.tpAllReduces() * Collectives.allReduce(l.tpAllReduceBytes() * mb, t, hw.intraBw(),
                            hw.intraLat());
                }
                double epF = 0;
                if (ep > 1 && l.allToAlls() > 0) {
                    int perNode = hw.membersPerNode(ep, t);
                    epF = l.allToAlls() * imb * Collectives.allToAll(l.allToAllBytes() * mb / tpSplit, ep, perNode,
                            hw.intraBw(), hw.intraLat(), hw.interBw(), hw.interLat());
                }
                double tpB = tpF;
                if (tpOverlap && sp && tpF > 0) {
                    // forward collectives beside the forward GEMMs, backward ones beside the input-gradient GEMMs
                    tpB = AnalyticEvaluator.overlapped(tpF, gemm, 0);
                    tpF = AnalyticEvaluator.overlapped(tpF, gemm, TP_OVERLAP_FORWARD_EXPOSED);
                }
                double fwdCompute = gemm + attn + memF;
                double fwd = fwdCompute + tpF + epF;
                double bwdInput = gemm + 2 * attn + 2 * memF + tpB + epF;
                double recompute = 0;
                if (r == Recompute.FULL && l.recomputable()) {
                    recompute = fwd;
                } else if (r == Recompute.SELECTIVE) {
                    recompute = attn + memScores;
                }
                double wgrad = gemm;
                uf += fwd;
                ub += bwdInput + recompute;
                uw += wgrad;
                ucmp += fwdCompute + (gemm + 2 * attn + 2 * memF) + wgrad;
                urec += recompute;
                utp += tpF + tpB;
                uep += 2 * epF;
                double full = rep + split + scores;
                if (r == Recompute.FULL && l.recomputable()) {
                    uact += l.inputBytes() * mb / spSplit;
                } else if (r == Recompute.SELECTIVE || r == Recompute.FULL) {
                    uact += rep + split;
                } else {
                    uact += full;
                }
                uwork = Math.max(uwork, full);
                double pd = l.parameters() / tpSplit;
                udense += pd;
                boolean block = l.role() == org.dml4j.planner.model.LayerRole.BLOCK;
                double module = (pd + l.expertParameters() / tpSplit / ep) / (block ? 3 : 1);
                maxParams = Math.max(maxParams, module);
                modules[u] += block ? 4 : 1;
                if (l.tiedToEmbedding()) {
                    utied += pd;
                }
                uexp += l.expertParameters() / tpSplit / ep;
                if (uin < 0 && l.inputBytes() > 0) {
                    uin = l.inputBytes();
                }
            }
            f[u + 1] = f[u] + uf;
            b[u + 1] = b[u] + ub;
            w[u + 1] = w[u] + uw;
            cmp[u + 1] = cmp[u] + ucmp;
            rec[u + 1] = rec[u] + urec;
            tp[u + 1] = tp[u] + utp;
            this.ep[u + 1] = this.ep[u] + uep;
            act[u + 1] = act[u] + uact;
            dense[u + 1] = dense[u] + udense;
            expert[u + 1] = expert[u] + uexp;
            work[u] = uwork;
            input[u] = Math.max(0, uin);
            tied[u] = utied;
        }
        maxUnitParams = maxParams;
    }

    /**
     * The fraction of the stage's large-GEMM FLOP/s that a layer's dense and expert matrix multiplications sustain,
     * FLOP-weighted over its shapes after tensor parallelism splits each one and the micro-batch (and, for routed
     * experts, the expert-parallel group) multiplies its rows. Forward, input-gradient and weight-gradient products
     * of one weight have the same intensity (the formula is symmetric in the three dimensions). A layer without
     * shapes gets 1.
     *
     * @return {dense, expert}
     */
    static double[] gemmFractions(LayerSpec l, int tpSplit, int mb, int ep, StageHardware hw, double elementBytes) {
        double[] flops = new double[2];
        double[] slow = new double[2];
        for (org.dml4j.planner.model.Gemm g : l.gemms()) {
            double m = g.rows() * mb * (g.expert() ? ep : 1);
            double k = g.rowParallel() ? g.k() / tpSplit : g.k();
            double n = g.rowParallel() ? g.n() : g.n() / tpSplit;
            int i = g.expert() ? 1 : 0;
            double f = g.flops();
            flops[i] += f;
            slow[i] += f / hw.gemmFraction(m, k, n, elementBytes);
        }
        return new double[] {flops[0] > 0 ? flops[0] / slow[0] : 1, flops[1] > 0 ? flops[1] / slow[1] : 1};
    }

    static double range(double[] prefix, int from, int to) {
        return prefix[to] - prefix[from];
    }

    /**
     * @return per-unit time {@code F + B + W} (for the partitioner)
     */
    double[] unitTimes() {
        double[] t = new double[units];
        for (int u = 0; u < units; u++) {
            t[u] = (f[u + 1] - f[u]) + (b[u + 1] - b[u]) + (w[u + 1] - w[u]);
        }
        return t;
    }
}
