package org.dml4j.cli.planner;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dml4j.core.AtomicFiles;
import org.dml4j.core.Json;
import org.dml4j.planner.ConfigText;
import org.dml4j.planner.GradientCompression;
import org.dml4j.planner.LaunchTarget;
import org.dml4j.planner.MemoryBreakdown;
import org.dml4j.planner.ParallelConfig;
import org.dml4j.planner.Plan;
import org.dml4j.planner.PlanRequest;
import org.dml4j.planner.Planner;
import org.dml4j.planner.SearchResult;
import org.dml4j.planner.SearchSpace;
import org.dml4j.planner.StageSummary;
import org.dml4j.planner.TimeBreakdown;
import org.dml4j.planner.cluster.ClusterFiles;
import org.dml4j.planner.cluster.ClusterSpec;
import org.dml4j.planner.cluster.SoftwareStack;
import org.dml4j.planner.export.DeepSpeedExporter;
import org.dml4j.planner.export.PlanExporter;
import org.dml4j.planner.export.PlanExporters;
import org.dml4j.planner.model.ModelFiles;
import org.dml4j.planner.model.ModelPresets;
import org.dml4j.planner.model.ModelSpec;
import org.dml4j.planner.model.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dml4j plan --model PRESET|FILE --cluster PRESET|FILE --global-batch N [--top N] [--evaluate PLAN]
 * [--json FILE] [--export megatron|deepspeed] [--out DIR]}: searches data, tensor, pipeline and expert parallelism, micro-batch size, pipeline schedule,
 * recomputation, ZeRO stage and gradient compression for the model on the cluster, prints the best plans as a table
 * with the best plan's time and memory breakdown, and writes the chosen exports (and {@code plans.json}) atomically
 * into the output folder. With {@code --evaluate "tp=..,pp=..,..."} it evaluates that one plan instead (see
 * {@link ConfigText} for the keys) and prints its iteration time, TFLOP/s per GPU, MFU, peak memory per stage and
 * time breakdown; {@code --json FILE} writes the same predictions as JSON ({@code iteration_seconds},
 * {@code tflops_per_gpu}, {@code mfu}, {@code peak_memory_gib}, ...). {@code --target megatron|deepspeed} keeps only
 * plans that stack can launch as exported; without it, an export whose stack cannot run the best plan gets the best
 * plan it can run (searched again, its own prediction printed and written in the export's header).
 *
 * <pre>
 * Narayanan et al., SC 2021 (Megatron-LM); Rajbhandari et al., SC 2020 (ZeRO); Korthikanti et al. 2022.
 * </pre>
 *
 * <p>One instance per invocation.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Find the fastest parallel execution plans (TP/PP/DP/EP, micro-batch, pipeline schedule, "
            + "recomputation, ZeRO, gradient compression) for a model on a cluster.",
            "Models: a preset (megatron-1.7b ... megatron-1t, gpt3-175b, llama2-7b/13b/70b, llama3-8b/405b, "
                + "mixtral-8x7b) or a JSON file.",
            "Clusters: NAME:NODES with NAME one of dgx-a100, dgx-a100-40gb, dgx-h100, dgx-h200, dgx1-v100, pcie-l40s, "
                + "or a JSON file (mixed GPU types allowed)."})
public final class PlanCommand implements Callable<Integer> {
    private static final double GIB = 1024.0 * 1024 * 1024;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "PRESET|FILE", description = "model preset or JSON file")
    String model;

    @Option(names = "--cluster", required = true, paramLabel = "PRESET|FILE",
            description = "cluster preset (e.g. dgx-a100:384) or JSON file")
    String cluster;

    @Option(names = "--global-batch", required = true, paramLabel = "N", description = "samples per iteration")
    long globalBatch;

    @Option(names = "--top", paramLabel = "N", defaultValue = "5", description = "plans to show (default: 5)")
    int top;

    @Option(names = "--export", paramLabel = "FORMAT", split = ",",
            description = "write the best plan as megatron (launch arguments) and/or deepspeed (JSON config)")
    List<String> export = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR",
            description = "folder for the exports, plans.json and report.html, written when --out or --export is given"
                    + " (default: runs/plan-<model>)")
    Path out;

    @Option(names = "--tp", paramLabel = "N", split = ",", description = "tensor-parallel sizes to consider")
    List<Integer> tp = new ArrayList<>();

    @Option(names = "--pp", paramLabel = "N", split = ",", description = "pipeline-parallel sizes to consider")
    List<Integer> pp = new ArrayList<>();

    @Option(names = "--schedules", paramLabel = "NAME", split = ",",
            description = "pipeline schedules (default: 1f1b, interleaved, zb-h1, zb-h2, zb-v, adaptive; also gpipe, "
                + "v-half, v-min, dualpipev)")
    List<String> schedules = new ArrayList<>();

    @Option(names = "--compression", paramLabel = "NAME", split = ",",
            description = "data-parallel gradient compressors to consider: none, topk, qsgd (default: all)")
    List<String> compression = new ArrayList<>();

    @Option(names = "--max-micro-batch", paramLabel = "N", defaultValue = "16",
            description = "largest micro-batch size tried (default: 16)")
    int maxMicroBatch;

    @Option(names = "--precision", paramLabel = "P",
            description = "compute precision: bf16, fp16, fp8, tf32, fp32 (default: the model's, bf16 for presets)")
    String precision;

    @Option(names = "--reserved-gib", paramLabel = "GIB", defaultValue = "2",
            description = "memory per GPU kept for the runtime (default: 2)")
    double reservedGib;

    @Option(names = "--evaluate", paramLabel = "PLAN",
            description = {"evaluate one fixed plan instead of searching, as key=value pairs: tp, pp, dp (default: "
                + "GPUs / (tp x pp)), ep, mb, schedule, v, recompute (none|selective|full), zero (0-3), sp, overlap, "
                + "compression, layout (blocks per stage, e.g. 7/8x14/7)",
                "e.g. \"tp=8,pp=64,dp=6,mb=1,schedule=interleaved,v=2,recompute=full,zero=1,sp=true\""})
    String evaluate;

    @Option(names = "--stack", paramLabel = "NAME", defaultValue = SoftwareStack.DEFAULT,
            description = "training software the plan runs on: megatron-core (default), megatron-core-tp-overlap "
                + "(with --tp-comm-overlap), megatron-2021, deepspeed-zero (its compute and ZeRO-3 factors; see "
                + "docs/planner.md)")
    String stack;

    @Option(names = "--target", paramLabel = "STACK", defaultValue = "any",
            description = "keep only plans this stack can launch as exported: any (default), megatron, deepspeed")
    String target;

    @Option(names = "--json", paramLabel = "FILE",
            description = "write the evaluated (or best) plan's predictions as JSON: iteration_seconds, "
                + "tflops_per_gpu, mfu, peak_memory_gib, per-stage memory and the time breakdown")
    Path json;

    /** Creates the command; picocli fills the options. */
    public PlanCommand() {
    }

    @Override
    public Integer call() {
        if (top < 1) {
            throw new IllegalArgumentException("--top must be >= 1, got " + top);
        }
        List<PlanExporter> exporters = new ArrayList<>();
        for (String e : export) {
            exporters.add(PlanExporters.get(e.trim()));
        }
        ModelSpec m = ModelFiles.resolve(model);
        if (precision != null) {
            m = m.withPrecision(Precision.parse("--precision", precision));
        }
        ClusterSpec c = ClusterFiles.resolve(cluster);
        LaunchTarget launch = LaunchTarget.parse(target);
        SearchSpace space = SearchSpace.defaults().withTensorParallel(tp).withPipelineParallel(pp)
                .withMaxMicroBatch(maxMicroBatch).withReservedMemory(reservedGib * GIB).withTarget(launch);
        if (!schedules.isEmpty()) {
            space = space.withSchedules(schedules);
        }
        if (!compression.isEmpty()) {
            List<GradientCompression> comps = new ArrayList<>();
            for (String name : compression) {
                comps.add(GradientCompression.get(name.trim()));
            }
            space = space.withCompressions(comps);
        }
        SoftwareStack software = SoftwareStack.get(stack);
        if (software.tpCommOverlap() && (launch == LaunchTarget.DEEPSPEED
                || exporters.stream().anyMatch(e -> e.target() == LaunchTarget.DEEPSPEED))) {
            // refused before the search, so that no export is half written when the DeepSpeed exporter refuses
            throw new IllegalArgumentException("--stack " + software.name() + " overlaps tensor-parallel"
                    + " communication (Megatron-LM's --tp-comm-overlap), which DeepSpeed cannot run; plan for"
                    + " --target/--export deepspeed with --stack megatron-core");
        }
        PlanRequest request = new PlanRequest(m, c, globalBatch, space, software);
        PrintWriter w = spec.commandLine().getOut();
        Plan chosen;
        SearchResult result = null;
        if (evaluate != null) {
            ParallelConfig config = ConfigText.parse(evaluate, c.gpus());
            String why = launch.whyNot(m, config);
            if (why != null) {
                throw new IllegalArgumentException("--evaluate: " + launch.key() + " cannot run this plan: " + why);
            }
            chosen = Planner.evaluate(request, config);
            printModel(w, request);
            printEvaluation(w, chosen);
        } else {
            long t0 = System.nanoTime();
            result = Planner.search(request, top);
            double secs = (System.nanoTime() - t0) / 1e9;
            printModel(w, request);
            printSearch(w, result, secs);
            printTable(w, result.plans());
            printDetails(w, result.best());
            chosen = result.best();
        }
        if (json != null) {
            AtomicFiles.writeString(json, Json.write(evaluationJson(request, chosen)));
            w.println("wrote " + json);
        }
        if (!exporters.isEmpty() || out != null) {
            Path dir = out != null ? out : Path.of("runs", "plan-" + Path.of(m.name()).getFileName().toString()
                    .replaceFirst("\\.json$", ""));
            for (PlanExporter ex : exporters) {
                Plan exported = chosen;
                String why = ex.target().whyNot(m, chosen.config());
                if (why != null && evaluate == null) {
                    exported = Planner.search(request.withSpace(space.withTarget(ex.target())), 1).best();
                    w.printf(Locale.ROOT, "note: the best plan cannot run on %s (%s); %s gets the best plan it can "
                                    + "run: %s, %.3f s per iteration (%+.1f%%), %.1f TFLOP/s per GPU%n", ex.name(), why,
                            ex.fileName(), exported.config().label(), exported.iterationSeconds(),
                            100 * (exported.iterationSeconds() / chosen.iterationSeconds() - 1),
                            exported.tflopsPerGpu());
                }
                Path file = dir.resolve(ex.fileName());
                AtomicFiles.writeString(file, ex.export(request, exported));
                w.println("wrote " + file);
                if (ex instanceof DeepSpeedExporter ds) {
                    for (String note : ds.notes(request, exported)) {
                        w.println("  note: " + note);
                    }
                }
            }
            Path plans = dir.resolve("plans.json");
            AtomicFiles.writeString(plans, Json.write(plansJson(request,
                    result != null ? result.plans() : List.of(chosen))));
            w.println("wrote " + plans);
            Path report = dir.resolve("report.html");
            PlanReport.write(report, request, result != null ? result.plans() : List.of(chosen));
            w.println("wrote " + report);
        }
        w.flush();
        return 0;
    }

    private static String name(ModelSpec m) {
        return ModelPresets.exists(m.name()) ? m.name() : "'" + m.name() + "'";
    }

    private static void printModel(PrintWriter w, PlanRequest r) {
        ModelSpec m = r.model();
        w.printf(Locale.ROOT, "model %s: %.1f B parameters, %d blocks, sequence %d, %s%n", name(m),
                m.parameterCount() / 1e9, m.blocks(), m.seqLength(), m.precision().key());
        w.printf(Locale.ROOT, "cluster %s: %s, %d GPUs; global batch %d; stack %s%n", r.cluster().name(),
                r.cluster().describe(), r.cluster().gpus(), r.globalBatch(), r.stack().name());
    }

    private static void printEvaluation(PrintWriter w, Plan p) {
        w.printf(Locale.ROOT, "%nplan: %s (%s)%n", p.config().label(), ConfigText.format(p.config()));
        w.printf(Locale.ROOT, "  iteration time %.3f s, %.1f TFLOP/s per GPU, MFU %.1f%%, %.1f samples/s, %d "
                        + "micro-batches per pipeline%n", p.iterationSeconds(), p.tflopsPerGpu(), 100 * p.mfu(),
                p.samplesPerSecond(), p.microbatches());
        w.printf(Locale.ROOT, "  peak memory %.1f of %.1f GiB per GPU (most loaded stage)%n", p.peakMemoryBytes() / GIB,
                p.memoryLimitBytes() / GIB);
        TimeBreakdown t = p.time();
        double total = t.total();
        w.printf(Locale.ROOT, "  time on the critical stage: compute %s, recompute %s, tensor-parallel %s, pipeline "
                        + "bubble %s, pipeline p2p %s, exposed data-parallel %s, ZeRO gathers %s, expert all-to-all "
                        + "%s, compression %s, optimizer %s%n", pct(t.compute(), total), pct(t.recompute(), total),
                pct(t.tensorParallel(), total), pct(t.bubble(), total), pct(t.pipelineP2p(), total),
                pct(t.dataParallel(), total), pct(t.zeroGather(), total), pct(t.expertParallel(), total),
                pct(t.compression(), total), pct(t.optimizer(), total));
        w.printf(Locale.ROOT, "  %5s %-12s %6s %6s %9s %14s%n", "stage", "gpu", "first", "blocks", "busy (s)",
                "peak GiB");
        for (StageSummary s : p.stages()) {
            w.printf(Locale.ROOT, "  %5d %-12s %6d %6d %9.3f %14s%n", s.stage(), s.gpuType(), s.firstBlock(),
                    s.blocks(), s.busySeconds(), String.format(Locale.ROOT, "%.1f/%.0f", s.memoryBytes() / GIB,
                            s.memoryLimitBytes() / GIB));
        }
    }

    private static void printSearch(PrintWriter w, SearchResult res, double secs) {
        w.printf(Locale.ROOT, "searched %d configurations in %.2f s: %d over memory by bound, %d evaluated, %d cut by "
                        + "the time bound, %d pipelines simulated%n%n", res.candidates(), secs, res.memoryPruned(),
                res.evaluated(), res.boundSkipped(), res.simulations());
    }

    private static void printTable(PrintWriter w, List<Plan> plans) {
        String fmt = "%2s %3s %3s %4s %3s %3s %-14s %-9s %4s %3s %-6s %9s %8s %6s %12s%n";
        w.printf(Locale.ROOT, fmt, "#", "TP", "PP", "DP", "EP", "MB", "schedule", "recompute", "ZeRO", "SP", "compr",
                "iter (s)", "TFLOP/s", "MFU", "memory GiB");
        int i = 1;
        for (Plan p : plans) {
            ParallelConfig c = p.config();
            String sched = c.schedule() + (c.chunks() > 1 ? " v" + c.chunks() : "");
            w.printf(Locale.ROOT, fmt, i++, c.tp(), c.pp(), c.dp(), c.ep(), c.microBatch(), sched,
                    c.recompute().key(), c.zeroStage(), c.sequenceParallel() ? "on" : "-", c.compression().name(),
                    String.format(Locale.ROOT, "%.3f", p.iterationSeconds()),
                    String.format(Locale.ROOT, "%.1f", p.tflopsPerGpu()),
                    String.format(Locale.ROOT, "%.1f%%", 100 * p.mfu()),
                    String.format(Locale.ROOT, "%.1f/%.0f", p.peakMemoryBytes() / GIB, p.memoryLimitBytes() / GIB));
        }
    }

    private static void printDetails(PrintWriter w, Plan best) {
        TimeBreakdown t = best.time();
        double total = t.total();
        w.printf(Locale.ROOT, "%nbest plan: %s%n", best.config().label());
        w.printf(Locale.ROOT, "  time per iteration %.3f s: compute %s, recompute %s, tensor-parallel %s, "
                        + "expert all-to-all %s, pipeline p2p %s, bubble %s, data-parallel %s, compression %s, "
                        + "optimizer %s%n", total, pct(t.compute(), total), pct(t.recompute(), total),
                pct(t.tensorParallel(), total), pct(t.expertParallel(), total), pct(t.pipelineP2p(), total),
                pct(t.bubble(), total), pct(t.dataParallel() + t.zeroGather(), total), pct(t.compression(), total),
                pct(t.optimizer(), total));
        MemoryBreakdown mem = best.memory();
        w.printf(Locale.ROOT, "  peak memory %.1f of %.1f GiB per GPU: weights %.1f, gradients %.1f, optimizer %.1f, "
                        + "activations %.1f, working %.1f, reserve and residuals %.1f%n", mem.total() / GIB,
                best.memoryLimitBytes() / GIB, mem.weights() / GIB, mem.gradients() / GIB, mem.optimizer() / GIB,
                mem.activations() / GIB, mem.working() / GIB, mem.other() / GIB);
        if (best.stages().size() > 1) {
            StringBuilder sb = new StringBuilder();
            for (StageSummary s : best.stages()) {
                sb.append(sb.length() == 0 ? "" : " ").append(s.blocks());
            }
            w.printf(Locale.ROOT, "  blocks per stage: %s; bubble %.1f%% of device time; stage GPUs: %s%n", sb,
                    100 * best.bubbleFraction(), stageTypes(best));
        }
    }

    private static String stageTypes(Plan p) {
        List<String> runs = new ArrayList<>();
        String prev = null;
        int count = 0;
        for (StageSummary s : p.stages()) {
            if (s.gpuType().equals(prev)) {
                count++;
            } else {
                if (prev != null) {
                    runs.add(count + " x " + prev);
                }
                prev = s.gpuType();
                count = 1;
            }
        }
        runs.add(count + " x " + prev);
        return String.join(", ", runs);
    }

    private static String pct(double x, double total) {
        if (x <= 0) {
            return "0";
        }
        return String.format(Locale.ROOT, "%.2f s (%.1f%%)", x, 100 * x / total);
    }

    /** Names of {@link #timeParts}'s values in the {@code --json} document. */
    private static final String[] EVAL_KEYS = {"compute", "recompute", "tensor_parallel", "pipeline_bubble",
        "pipeline_p2p", "data_parallel", "zero_gather", "expert_all_to_all", "compression", "optimizer"};
    /** The same names in {@code plans.json} (format version 1). */
    private static final String[] PLANS_KEYS = {"compute", "recompute", "tensor-parallel", "bubble", "pipeline-p2p",
        "data-parallel", "zero-gather", "expert-parallel", "compression", "optimizer"};

    static Map<String, Object> timeParts(TimeBreakdown t, String[] keys) {
        double[] v = {t.compute(), t.recompute(), t.tensorParallel(), t.bubble(), t.pipelineP2p(), t.dataParallel(),
            t.zeroGather(), t.expertParallel(), t.compression(), t.optimizer()};
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < v.length; i++) {
            m.put(keys[i], v[i]);
        }
        return m;
    }

    /** The {@code --json} document: the plan's predictions under snake_case keys. */
    static Map<String, Object> evaluationJson(PlanRequest r, Plan p) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format_version", 1);
        root.put("model", r.model().name());
        root.put("cluster", r.cluster().describe());
        root.put("gpus", p.gpus());
        root.put("global_batch", r.globalBatch());
        root.put("plan", p.config().label());
        root.put("config", ConfigText.format(p.config()));
        root.put("cost_model", p.costModel());
        root.put("stack", r.stack().name());
        root.put("iteration_seconds", p.iterationSeconds());
        root.put("tflops_per_gpu", p.tflopsPerGpu());
        root.put("mfu", p.mfu());
        root.put("peak_memory_gib", p.peakMemoryBytes() / GIB);
        root.put("memory_limit_gib", p.memoryLimitBytes() / GIB);
        root.put("samples_per_second", p.samplesPerSecond());
        root.put("microbatches", p.microbatches());
        root.put("bubble_fraction", p.bubbleFraction());
        root.put("time_seconds", timeParts(p.time(), EVAL_KEYS));
        MemoryBreakdown mem = p.memory();
        Map<String, Object> mb = new LinkedHashMap<>();
        mb.put("weights", mem.weights() / GIB);
        mb.put("gradients", mem.gradients() / GIB);
        mb.put("optimizer", mem.optimizer() / GIB);
        mb.put("activations", mem.activations() / GIB);
        mb.put("working", mem.working() / GIB);
        mb.put("other", mem.other() / GIB);
        root.put("peak_memory_breakdown_gib", mb);
        List<Object> stages = new ArrayList<>();
        for (StageSummary s : p.stages()) {
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("stage", s.stage());
            st.put("gpu", s.gpuType());
            st.put("first_block", s.firstBlock());
            st.put("blocks", s.blocks());
            st.put("busy_seconds", s.busySeconds());
            st.put("peak_memory_gib", s.memoryBytes() / GIB);
            st.put("memory_limit_gib", s.memoryLimitBytes() / GIB);
            stages.add(st);
        }
        root.put("stages", stages);
        return root;
    }

    private static Map<String, Object> plansJson(PlanRequest r, List<Plan> plansList) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format-version", 1);
        root.put("model", r.model().name());
        root.put("cluster", r.cluster().describe());
        root.put("gpus", r.cluster().gpus());
        root.put("global-batch", r.globalBatch());
        List<Object> list = new ArrayList<>();
        for (Plan p : plansList) {
            ParallelConfig c = p.config();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", c.label());
            m.put("tp", c.tp());
            m.put("pp", c.pp());
            m.put("dp", c.dp());
            m.put("ep", c.ep());
            m.put("micro-batch", c.microBatch());
            m.put("microbatches", p.microbatches());
            m.put("schedule", c.schedule());
            m.put("chunks", c.chunks());
            m.put("recompute", c.recompute().key());
            m.put("zero-stage", c.zeroStage());
            m.put("sequence-parallel", c.sequenceParallel());
            m.put("compression", c.compression().name());
            m.put("overlap-grad-reduce", c.overlapGradReduce());
            m.put("layer-split", c.layerSplit());
            m.put("iteration-seconds", p.iterationSeconds());
            m.put("tflops-per-gpu", p.tflopsPerGpu());
            m.put("mfu", p.mfu());
            m.put("peak-memory-gib", p.peakMemoryBytes() / GIB);
            m.put("time-seconds", timeParts(p.time(), PLANS_KEYS));
            list.add(m);
        }
        root.put("plans", list);
        return root;
    }
}
