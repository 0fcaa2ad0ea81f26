package org.dml4j.cli.planner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dml4j.planner.ConfigText;
import org.dml4j.planner.MemoryBreakdown;
import org.dml4j.planner.ParallelConfig;
import org.dml4j.planner.Plan;
import org.dml4j.planner.PlanRequest;
import org.dml4j.report.BarChart;
import org.dml4j.report.Bars;
import org.dml4j.report.Page;
import org.dml4j.report.Provenance;
import org.dml4j.report.Rule;

/**
 * The {@code report.html} of {@code dml4j plan}, drawn with the report kit: the request (model, cluster, batch,
 * stack), the plans as a table, each plan's predicted iteration time on its critical stage as a bar stacked by kind
 * (compute, recomputation, collectives, bubble, optimizer), and each plan's peak memory on its most loaded GPU
 * stacked by kind against the GPU's memory; then the provenance footer. Stateless and thread-safe.
 */
final class PlanReport {
    private static final double GIB = 1024.0 * 1024 * 1024;
    /** Legend names of {@link PlanCommand#timeParts}'s values, in its order. */
    private static final String[] TIME_PARTS = {"compute", "recompute", "tensor-parallel", "pipeline bubble",
        "pipeline p2p", "data-parallel", "ZeRO gathers", "expert all-to-all", "compression", "optimizer"};
    private static final List<String> MEMORY_PARTS = List.of("weights", "gradients", "optimizer", "activations",
            "working", "reserve and residuals");

    private PlanReport() {
    }

    /**
     * Writes the report atomically.
     *
     * @param file    the target file
     * @param request what was planned
     * @param plans   the plans found (best first) or the one evaluated
     */
    static void write(Path file, PlanRequest request, List<Plan> plans) {
        page(request, plans, Provenance.current()).write(file);
    }

    /**
     * @param request    what was planned
     * @param plans      the plans, best first, at least one
     * @param provenance what the footer names
     * @return the page
     */
    static Page page(PlanRequest request, List<Plan> plans, Provenance provenance) {
        if (plans.isEmpty()) {
            throw new IllegalArgumentException("plans must not be empty");
        }
        Page page = new Page("dml4j plan: " + request.model().name() + " on " + request.cluster().name(), provenance);
        page.paragraph(String.format(Locale.ROOT, "Model %s: %.1f B parameters, %d blocks, sequence %d, %s. Cluster "
                        + "%s, %d GPUs. Global batch %d; stack %s; cost model %s.", request.model().name(),
                request.model().parameterCount() / 1e9, request.model().blocks(), request.model().seqLength(),
                request.model().precision().key(), request.cluster().describe(), request.cluster().gpus(),
                request.globalBatch(), request.stack().name(), plans.get(0).costModel()));
        List<List<String>> rows = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < plans.size(); i++) {
            Plan p = plans.get(i);
            ParallelConfig c = p.config();
            names.add("#" + (i + 1));
            rows.add(List.of("#" + (i + 1), c.label(), ConfigText.format(c), Integer.toString(p.microbatches()),
                    String.format(Locale.ROOT, "%.3f", p.iterationSeconds()),
                    String.format(Locale.ROOT, "%.1f", p.tflopsPerGpu()),
                    String.format(Locale.ROOT, "%.1f%%", 100 * p.mfu()),
                    String.format(Locale.ROOT, "%.1f%%", 100 * p.bubbleFraction()),
                    String.format(Locale.ROOT, "%.1f / %.0f", p.peakMemoryBytes() / GIB, p.memoryLimitBytes() / GIB)));
        }
        page.table(List.of("#", "plan", "configuration", "micro-batches", "iteration (s)", "TFLOP/s per GPU", "MFU",
                "bubble", "peak memory GiB"), rows);
        int width = Math.max(640, Math.min(1340, 200 + 60 * plans.size()));
        page.heading("Predicted time per iteration")
                .figure(BarChart.stacked("Iteration time on the critical stage, by kind", "plan", "seconds", names,
                        parts(List.of(TIME_PARTS), plans, true), List.of(), width), "Each bar adds up to the plan's predicted "
                        + "iteration time; communication hidden behind computation is not counted.");
        double limit = plans.get(0).memoryLimitBytes() / GIB;
        boolean sameLimit = plans.stream().allMatch(p -> p.memoryLimitBytes() / GIB == limit);
        page.heading("Peak memory per GPU")
                .figure(BarChart.stacked("Peak memory of the most loaded GPU, by kind", "plan", "GiB", names,
                        parts(MEMORY_PARTS, plans, false), sameLimit ? List.of(new Rule(String.format(Locale.ROOT,
                                "GPU memory %.0f GiB", limit), limit)) : List.of(), width), "");
        return page;
    }

    private static List<Bars> parts(List<String> names, List<Plan> plans, boolean time) {
        double[][] v = new double[names.size()][plans.size()];
        for (int i = 0; i < plans.size(); i++) {
            double[] parts = time ? PlanCommand.timeParts(plans.get(i).time(), TIME_PARTS).values().stream()
                    .mapToDouble(o -> (Double) o).toArray() : memoryParts(plans.get(i).memory());
            for (int k = 0; k < parts.length; k++) {
                v[k][i] = Math.max(0, parts[k]);
            }
        }
        List<Bars> bars = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            bars.add(new Bars(names.get(k), v[k]));
        }
        return bars;
    }

    private static double[] memoryParts(MemoryBreakdown m) {
        return new double[] {m.weights() / GIB, m.gradients() / GIB, m.optimizer() / GIB, m.activations() / GIB,
            m.working() / GIB, m.other() / GIB};
    }
}
