package org.dml4j.planner.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dml4j.parallel.pipeline.ClosedForms;
import org.dml4j.planner.Evaluation;
import org.dml4j.planner.GradientCompression;
import org.dml4j.planner.ParallelConfig;
import org.dml4j.planner.Plan;
import org.dml4j.planner.PlanRequest;
import org.dml4j.planner.Planner;
import org.dml4j.planner.Recompute;
import org.dml4j.planner.SearchSpace;
import org.dml4j.planner.cluster.ClusterPresets;
import org.dml4j.planner.cluster.ClusterSpec;
import org.dml4j.planner.cluster.GpuCatalog;
import org.dml4j.planner.cluster.NodeGroup;
import org.dml4j.planner.model.LayerRole;
import org.dml4j.planner.model.LayerSpec;
import org.dml4j.planner.model.ModelPresets;
import org.dml4j.planner.model.ModelSpec;
import org.dml4j.planner.model.Precision;
import org.dml4j.planner.model.TransformerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The analytic cost model's pieces against hand-computed values and the published closed forms. */
class AnalyticCostModelTest {
    private static final double GIB = 1024.0 * 1024 * 1024;

    private static ParallelConfig config(int tp, int pp, int dp, int mb, String sched, int v, Recompute r, int zero) {
        return new ParallelConfig(tp, pp, dp, 1, mb, sched, v, r, zero, false, GradientCompression.NONE, false, null);
    }

    @Test
    void collectivesFollowTheRingFormulas() {
        // Execute and assert: 2(k-1)/k n / bw + 2(k-1) latency
        assertEquals(2 * 7.0 / 8 * 1e9 / 1e11 + 14 * 1e-6, Collectives.allReduce(1e9, 8, 1e11, 1e-6), 1e-15);
        assertEquals(Collectives.allReduce(1e9, 8, 1e11, 1e-6) / 2, Collectives.reduceScatter(1e9, 8, 1e11, 1e-6));
        assertEquals(7 * (1e6 / 1e10 + 1e-6), Collectives.allGather(1e6, 8, 1e10, 1e-6), 1e-15);
        assertEquals(0, Collectives.allReduce(1e9, 1, 1e11, 1e-6));
        // 16 ranks, 8 per node: 7/16 over NVLink, 8/16 over the NIC, concurrently
        double a2a = Collectives.allToAll(1.6e9, 16, 8, 3e11, 0, 2.5e10, 0);
        assertEquals(Math.max(1.6e9 * 7 / 16 / 3e11, 1.6e9 * 8 / 16 / 2.5e10), a2a, 1e-15);
        // bucketed: the latency term once per bucket
        assertEquals(Collectives.allReduce(1e9, 8, 1e11, 1e-6) + 9 * 14e-6,
                Collectives.allReduce(1e9, 8, 1e11, 1e-6, 10), 1e-15);
    }

    @Test
    void gemmFractionIsTheAdditiveRooflineOfTheShapesIntensity() {
        // Prepare: half intensity 300 FLOP/byte
        StageHardware hw = new StageHardware("x", 1e15, 1e15, 3e12, 80 * GIB, 4e11, 1e-6, 5e10, 5e-6, 8, 300);
        StageHardware off = new StageHardware("x", 1e15, 1e15, 3e12, 80 * GIB, 4e11, 1e-6, 5e10, 5e-6, 8, 0);

        // Execute and assert: 4096^3 in bf16 has I = 2 * 4096^3 / (2 * 3 * 4096^2) = 4096 / 3 FLOP per byte
        double i = 4096.0 / 3;
        assertEquals(i / (i + 300), hw.gemmFraction(4096, 4096, 4096, 2), 1e-12);
        assertEquals(1, off.gemmFraction(16, 16, 16, 2));
        // the intensity is symmetric in M, K, N (forward, input-gradient and weight-gradient products alike)
        assertEquals(hw.gemmFraction(8192, 1024, 3072, 2), hw.gemmFraction(3072, 8192, 1024, 2), 1e-15);
        assertTrue(hw.gemmFraction(4096, 512, 4096, 2) < hw.gemmFraction(4096, 4096, 4096, 2));
    }

    @Test
    void gemmFractionsSplitColumnAndRowParallelShapesAndWeighByFlops() {
        // Prepare: one GPT layer, h = 1024, s = 2048; QKV and FC1 split n, projection and FC2 split k
        TransformerSpec spec = new TransformerSpec("t", 1, 1024, 16, 16, 4096, 2048, 1000, false, true, false, true,
                Precision.BF16, null);
        LayerSpec layer = spec.toModel().layers().get(1);
        StageHardware hw = new StageHardware("x", 1e15, 1e15, 3e12, 80 * GIB, 4e11, 1e-6, 5e10, 5e-6, 8, 300);

        // Execute
        double tp2 = UnitTable.gemmFractions(layer, 2, 1, 1, hw, 2)[0];

        // Assert: by hand, FLOP-weighted harmonic mean of the four shapes' fractions
        double[][] shapes = {{2048, 1024, 1536}, {2048, 512, 1024}, {2048, 1024, 2048}, {2048, 2048, 1024}};
        double flops = 0;
        double slow = 0;
        for (double[] g : shapes) {
            double f = 2 * g[0] * g[1] * g[2];
            flops += f;
            slow += f / hw.gemmFraction(g[0], g[1], g[2], 2);
        }
        assertEquals(4, layer.gemms().size());
        assertEquals(2.0 * 2048 * 1024 * (3 * 1024 + 1024 + 2 * 4096), layer.matmulFlops(), 1);
        assertEquals(flops / slow, tp2, 1e-12);
        assertEquals(1, UnitTable.gemmFractions(layer, 2, 1, 1, hw, 2)[1], "no experts");
        assertTrue(UnitTable.gemmFractions(layer, 8, 1, 1, hw, 2)[0] < tp2, "tensor parallelism shrinks the GEMMs");
        assertTrue(UnitTable.gemmFractions(layer, 2, 4, 1, hw, 2)[0] > tp2, "a larger micro-batch grows them");
    }

    @Test
    void gemmRidgeFactorSlowsTheComputeOfSmallShapesAndIsOffByDefault() {
        // Prepare: megatron-1.7b on one DGX A100 with the size dependence on (factor 1) and off (the default)
        ModelSpec m = ModelPresets.get("megatron-1.7b");
        ClusterSpec base = ClusterPresets.get("dgx-a100:1");
        NodeGroup g = base.groups().get(0);
        ClusterSpec on = new ClusterSpec("on", List.of(new NodeGroup(g.gpu().withGemmRidgeFactor(1), g.nodes(),
                g.gpusPerNode(), g.intraBandwidth(), g.intraLatency(), g.interBandwidth(), g.interLatency())));
        ParallelConfig tp1 = config(1, 1, 8, 1, ParallelConfig.NO_PIPELINE, 1, Recompute.FULL, 1);
        ParallelConfig tp8 = config(8, 1, 1, 1, ParallelConfig.NO_PIPELINE, 1, Recompute.FULL, 1);

        // Execute
        double off1 = Planner.evaluate(PlanRequest.of(m, base, 64), tp1).time().compute();
        double on1 = Planner.evaluate(PlanRequest.of(m, on, 64), tp1).time().compute();
        double off8 = Planner.evaluate(PlanRequest.of(m, base, 64), tp8).time().compute();
        double on8 = Planner.evaluate(PlanRequest.of(m, on, 64), tp8).time().compute();

        // Assert
        assertEquals(0, GpuCatalog.GEMM_RIDGE_FACTOR);
        assertEquals(0, g.gpu().gemmRidgeFactor());
        assertTrue(on1 > off1, on1 + " vs " + off1);
        assertTrue(on8 / off8 > on1 / off1, "hidden / 8 per GPU is slower per FLOP than the whole hidden size");
    }

    @ParameterizedTest(name = "ZeRO stage {0}")
    @CsvSource({"0, 2, 2, 12", "1, 2, 2, 0.375", "2, 2, 0.0625, 0.375", "3, 0.0625, 0.0625, 0.375"})
    void zeroShardsWeightsGradientsAndOptimizerState(int zero, double w, double g, double o) {
        // Prepare: 1.7B on 32 GPUs, pure data parallelism; bytes per parameter per ZeRO (Rajbhandari et al.)
        PlanRequest req = PlanRequest.of(ModelPresets.get("megatron-1.7b"), ClusterPresets.get("dgx-a100:4"), 512);
        double n = req.model().parameterCount();

        // Execute
        Plan p = Planner.evaluate(req, config(1, 1, 32, 1, "none", 1, Recompute.FULL, zero));

        // Assert
        // ZeRO-3 holds two gathered modules (the current and the prefetched one) of 2 bytes per parameter: the
        // largest module is the embedding here (a block's largest matrix is a third of the block)
        double module = req.model().layers().stream().mapToDouble(l -> l.role() == LayerRole.BLOCK
                ? l.parameters() / 3 : l.parameters()).max().orElseThrow();
        double gather = zero == 3 ? 2 * 2 * module : 0;
        assertEquals(w * n + gather, p.memory().weights(), n * 1e-9 + 1);
        assertEquals(g * n, p.memory().gradients(), n * 1e-9);
        assertEquals(o * n, p.memory().optimizer(), n * 1e-9);
        assertEquals(SearchSpace.DEFAULT_RESERVED_MEMORY, p.memory().other());
    }

    @Test
    void recomputationDecidesWhichActivationsAreKept() {
        // Prepare
        PlanRequest req = PlanRequest.of(ModelPresets.get("megatron-1.7b"), ClusterPresets.get("dgx-a100:4"), 512);
        ModelSpec m = req.model();
        double full = 0;
        double selective = 0;
        double inputs = 0;
        for (LayerSpec l : m.layers()) {
            full += l.activationBytes();
            selective += l.activationBytes() - l.attentionActivationBytes();
            inputs += l.recomputable() ? l.inputBytes() : l.activationBytes();
        }

        // Execute
        Plan none = Planner.evaluate(req, config(1, 1, 32, 2, "none", 1, Recompute.NONE, 1));
        Plan sel = Planner.evaluate(req, config(1, 1, 32, 2, "none", 1, Recompute.SELECTIVE, 1));
        Plan fullRe = Planner.evaluate(req, config(1, 1, 32, 2, "none", 1, Recompute.FULL, 1));

        // Assert: one micro-batch of 2 samples in flight without pipelining
        assertEquals(2 * full, none.memory().activations(), 1);
        assertEquals(2 * selective, sel.memory().activations(), 1);
        assertEquals(2 * inputs, fullRe.memory().activations(), 1);
        assertTrue(none.iterationSeconds() < sel.iterationSeconds());
        assertTrue(sel.iterationSeconds() < fullRe.iterationSeconds());
        assertEquals(0, none.time().recompute());
        assertTrue(fullRe.tflopsPerGpu() > none.tflopsPerGpu(), "recomputation counts as executed FLOPs");
    }

    /** Equal blocks, no memory traffic, no communication: the pipeline time must be the spec's closed forms. */
    @ParameterizedTest(name = "{0} v={1}")
    @CsvSource({"1f1b, 1", "interleaved, 2", "interleaved, 4", "zb-h1, 1", "gpipe, 1"})
    void pipelineTimeEqualsTheClosedForms(String schedule, int v) {
        // Prepare: 16 blocks of 1e12 FLOPs, no parameters or activations; 4 GPUs with zero latency
        List<LayerSpec> blocks = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            blocks.add(LayerSpec.builder("b" + i, LayerRole.BLOCK).matmulFlops(1e12).build());
        }
        ModelSpec model = new ModelSpec("uniform", 1, Precision.BF16, blocks, 1, 0, 1, null);
        ClusterSpec cluster = ClusterSpec.of("4", new NodeGroup(GpuCatalog.get("a100-80gb"), 1, 4, 3e11, 0, 2.5e10, 0));
        PlanRequest req = PlanRequest.of(model, cluster, 8);
        double f = 4 * 1e12 / (312e12 * GpuCatalog.A100_EFFICIENCY * req.stack().computeFactor());

        // Execute
        Plan p = Planner.evaluate(req, config(1, 4, 1, 1, schedule, v, Recompute.NONE, 0));

        // Assert
        double expected = ClosedForms.iterationTime(schedule, 4, 8, v, f, f, f).orElseThrow();
        assertEquals(expected, p.iterationSeconds(), expected * 1e-12);
        assertEquals(expected - 8 * 3 * f, p.time().bubble(), expected * 1e-9);
    }

    @Test
    void tensorParallelSizeMustDivideTheHeads() {
        // Prepare
        TransformerSpec t = TransformerSpec.gpt("gpt-125m", 12, 768, 12, 1024, 51200);
        PlanRequest req = PlanRequest.of(t.toModel(), ClusterPresets.get("dgx-a100:1"), 8);

        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Planner.evaluate(req, config(8, 1, 1, 1, "none", 1, Recompute.NONE, 0)));

        // Assert
        assertEquals("tp = 8 must divide heads (12), kv-heads (12) and ffn-hidden (3072) of model 'gpt-125m'",
                e.getMessage());
    }

    @Test
    void compressionPaysOnlyOnASlowNetwork() {
        // Prepare: the same data-parallel configuration with and without Top-k 1%
        ModelSpec m = TransformerSpec.gpt("gpt-350m", 24, 1024, 16, 1024, 51200).toModel();
        ClusterSpec ethernet = ClusterSpec.of("eth", new NodeGroup(GpuCatalog.get("a10-24gb"), 8, 1, 25e9, 2e-6,
                1.25e9, 20e-6));
        ParallelConfig dense = config(1, 1, 8, 1, "none", 1, Recompute.FULL, 0);
        ParallelConfig topk = new ParallelConfig(1, 1, 8, 1, 1, "none", 1, Recompute.FULL, 0, false,
                GradientCompression.get("topk"), false, null);

        // Execute
        Plan slowDense = Planner.evaluate(PlanRequest.of(m, ethernet, 64), dense);
        Plan slowTopk = Planner.evaluate(PlanRequest.of(m, ethernet, 64), topk);
        PlanRequest dgx = PlanRequest.of(m, ClusterPresets.get("dgx-a100:1"), 64);
        Plan fastDense = Planner.evaluate(dgx, dense);
        Plan fastTopk = Planner.evaluate(dgx, topk);

        // Assert
        assertTrue(slowTopk.iterationSeconds() < 0.75 * slowDense.iterationSeconds(), slowTopk.summary() + " vs "
                + slowDense.summary());
        assertTrue(slowTopk.time().compression() > 0);
        assertTrue(fastTopk.iterationSeconds() > fastDense.iterationSeconds());
        assertEquals(4 * m.parameterCount(), slowTopk.memory().other() - SearchSpace.DEFAULT_RESERVED_MEMORY, 1,
                "error-feedback residual");
    }

    @Test
    void expertParallelismShardsTheExperts() {
        // Prepare
        PlanRequest req = PlanRequest.of(ModelPresets.get("mixtral-8x7b"), ClusterPresets.get("dgx-h100:2"), 32);
        ParallelConfig ep1 = new ParallelConfig(2, 1, 8, 1, 1, "none", 1, Recompute.FULL, 1, true,
                GradientCompression.NONE, true, null);
        ParallelConfig ep4 = new ParallelConfig(2, 1, 8, 4, 1, "none", 1, Recompute.FULL, 1, true,
                GradientCompression.NONE, true, null);
        double experts = 0;
        for (LayerSpec l : req.model().layers()) {
            experts += l.expertParameters();
        }

        // Execute
        Evaluation e1 = CostModelsHolder.evaluate(req, ep1);
        Plan p4 = Planner.evaluate(req, ep4);

        // Assert: 2 bytes of weights per parameter, experts split over tp = 2 and ep = 4
        assertTrue(e1 instanceof Evaluation.Infeasible, "all experts on every GPU do not fit");
        assertEquals(2 * (experts / 8) + 2 * ((ModelPresets.get("mixtral-8x7b").parameterCount() - experts) / 2),
                p4.memory().weights(), 1e3);
        assertTrue(p4.time().expertParallel() > 0);
    }

    @Test
    void heterogeneousPipelineGivesTheFasterGpusMoreLayers() {
        // Prepare
        NodeGroup a100 = ClusterPresets.node("dgx-a100");
        NodeGroup h100 = ClusterPresets.node("dgx-h100");
        ClusterSpec mixed = new ClusterSpec("mixed", List.of(a100, h100));
        PlanRequest req = PlanRequest.of(TransformerSpec.gpt("gpt-1.3b", 24, 2048, 16, 2048, 51200).toModel(), mixed,
                64);

        // Execute
        Plan p = Planner.evaluate(req, config(1, 2, 8, 1, "1f1b", 1, Recompute.NONE, 1));

        // Assert
        assertEquals("a100-80gb", p.stages().get(0).gpuType());
        assertEquals("h100-80gb", p.stages().get(1).gpuType());
        assertTrue(p.stages().get(1).blocks() > 2 * p.stages().get(0).blocks(), p.config().label());
    }

    @Test
    void overlapHidesGradientReductionButNotForFree() {
        // Prepare
        PlanRequest req = PlanRequest.of(ModelPresets.get("megatron-18.4b"), ClusterPresets.get("dgx-a100:32"), 1024);
        ParallelConfig c = config(8, 1, 32, 1, "none", 1, Recompute.FULL, 0);

        // Execute
        Plan off = Planner.evaluate(req, c);
        Plan on = Planner.evaluate(req, c.withOverlap(true));

        // Assert
        assertTrue(on.time().dataParallel() < off.time().dataParallel());
        assertTrue(on.time().dataParallel() >= AnalyticEvaluator.OVERLAP_INTERFERENCE * off.time().dataParallel()
                * (1 - 1e-9));
        assertEquals(off.iterationSeconds(), off.time().total(), 1e-9);
        assertEquals(on.iterationSeconds(), on.time().total(), 1e-9);
    }
}
