package org.dml4j.planner.published;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dml4j.core.PlanInfeasibleException;
import org.dml4j.planner.ConfigText;
import org.dml4j.planner.CostModels;
import org.dml4j.planner.Evaluation;
import org.dml4j.planner.LaunchTarget;
import org.dml4j.planner.ParallelConfig;
import org.dml4j.planner.Plan;
import org.dml4j.planner.PlanRequest;
import org.dml4j.planner.Planner;
import org.dml4j.planner.SearchSpace;
import org.dml4j.planner.cluster.ClusterPresets;
import org.dml4j.planner.cluster.ClusterSpec;
import org.dml4j.planner.cluster.GpuCatalog;
import org.dml4j.planner.cluster.GpuType;
import org.dml4j.planner.cluster.NodeGroup;
import org.dml4j.planner.cluster.SoftwareStack;
import org.dml4j.planner.model.ModelFiles;
import org.dml4j.planner.model.ModelSpec;

/**
 * The published runs of {@code published/runs.csv}: each row's source, the configuration it publishes and the
 * throughput it reports, and the planner's prediction of it.
 */
final class PublishedRuns {
    /** One published run. */
    record Run(String set, String id, String source, String model, String cluster, int batch, String stack,
               String how, String metric, double published, double lo, double hi) {
        /** @return the predicted metric's relative error against the published one */
        double error(Plan p) {
            double predicted = metric.equals("mfu") ? p.mfu() : p.tflopsPerGpu();
            return predicted / published - 1;
        }

        /**
         * @return the prediction's error in MFU points (MFU rows: predicted minus published MFU; TFLOP/s rows: the
         *         TFLOP/s error converted with the plan's ratio of model FLOPs to executed FLOPs and the peak)
         */
        double pointsError(Plan p) {
            if (metric.equals("mfu")) {
                return p.mfu() - published;
            }
            return (p.tflopsPerGpu() - published) * p.mfu() / p.tflopsPerGpu();
        }

        boolean meetsGoal() {
            return lo >= -GOAL && hi <= GOAL;
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** The validation goal: every row within 10% of the published TFLOP/s (or MFU). */
    static final double GOAL = 0.10;
    /** The goal's second reading: every row within 3 MFU points. */
    static final double GOAL_POINTS = 0.03;

    /**
     * Prefix of a row whose source states that its configuration ran on its GPUs although dml4j's memory model says
     * it does not fit (the source's software saves memory dml4j does not model): its throughput is predicted with
     * the memory limit lifted, and {@link #memoryVerdict} says what dml4j's memory model makes of it.
     */
    static final String AS_RUN = "eval-as-run:";

    /**
     * @param cluster a cluster
     * @return the same cluster with GPUs of unlimited memory (every other figure unchanged)
     */
    static ClusterSpec unlimitedMemory(ClusterSpec cluster) {
        List<NodeGroup> groups = new ArrayList<>();
        for (NodeGroup g : cluster.groups()) {
            GpuType t = g.gpu();
            GpuType big = new GpuType(t.name(), t.peakFlops(), 1e18, t.hbmBytesPerS(), t.efficiency(), t.source(),
                    t.gemmRidgeFactor());
            groups.add(new NodeGroup(big, g.nodes(), g.gpusPerNode(), g.intraBandwidth(), g.intraLatency(),
                    g.interBandwidth(), g.interLatency()));
        }
        return new ClusterSpec(cluster.name(), groups);
    }

    /**
     * @param r a row evaluated {@link #AS_RUN}
     * @return dml4j's memory verdict on the row's configuration with the GPUs' real memory: the plan, or why it
     *         does not fit
     */
    static Evaluation memoryVerdict(Run r) {
        PlanRequest req = request(r);
        String text = r.how().substring(AS_RUN.length());
        if (text.contains("v=best")) {
            text = text.replace("v=best", "v=" + predict(r).config().chunks());
        }
        return CostModels.defaultModel().prepare(req).evaluate(ConfigText.parse(text, req.cluster().gpus()));
    }

    private PublishedRuns() {
    }

    static List<Run> load(String set) {
        List<Run> out = new ArrayList<>();
        try (InputStream in = PublishedRuns.class.getResourceAsStream("/published/runs.csv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\\|");
                if (!f[0].equals(set)) {
                    continue;
                }
                double lo;
                double hi;
                if (f[10].contains(":")) {
                    String[] b = f[10].split(":");
                    lo = Double.parseDouble(b[0]);
                    hi = Double.parseDouble(b[1]);
                } else {
                    hi = Double.parseDouble(f[10]);
                    lo = -hi;
                }
                out.add(new Run(f[0], f[1], f[2], f[3], f[4], Integer.parseInt(f[5]), f[6], f[7], f[8],
                        Double.parseDouble(f[9]), lo, hi));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static ModelSpec model(String name) {
        if (name.startsWith("published/")) {
            try (InputStream in = PublishedRuns.class.getResourceAsStream("/" + name)) {
                return ModelFiles.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ModelFiles.resolve(name);
    }

    static PlanRequest request(Run r) {
        return request(r, Calibration.CURRENT);
    }

    /**
     * The fitted numbers of the compute model, as {@link CalibrationFit} varies them: the A100 and Hopper efficiency
     * factors, the {@code megatron-core} compute factor and the GEMM ridge factor.
     *
     * @param a100  A100 efficiency
     * @param hopper H100/H200 efficiency
     * @param core  {@code megatron-core} compute factor
     * @param ridge GEMM ridge factor of every GPU type
     */
    record Calibration(double a100, double hopper, double core, double ridge) {
        /** The values in the code. */
        static final Calibration CURRENT = new Calibration(GpuCatalog.A100_EFFICIENCY, GpuCatalog.HOPPER_EFFICIENCY,
                SoftwareStack.MEGATRON_CORE_COMPUTE, GpuCatalog.GEMM_RIDGE_FACTOR);

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "a100 %.3f, hopper %.3f, megatron-core %.3f, gemm-ridge %.3f", a100,
                    hopper, core, ridge);
        }
    }

    static PlanRequest request(Run r, Calibration k) {
        ClusterSpec cluster = ClusterPresets.get(r.cluster());
        List<NodeGroup> groups = new ArrayList<>();
        for (NodeGroup g : cluster.groups()) {
            GpuType t = g.gpu();
            double e = t.name().startsWith("a100") ? k.a100() : t.name().startsWith("h100") || t.name().startsWith(
                    "h200") ? k.hopper() : t.efficiency();
            GpuType c = t.withEfficiency(e, t.source()).withGemmRidgeFactor(k.ridge());
            groups.add(new NodeGroup(c, g.nodes(), g.gpusPerNode(), g.intraBandwidth(), g.intraLatency(),
                    g.interBandwidth(), g.interLatency()));
        }
        SoftwareStack s = SoftwareStack.get(r.stack());
        if (s.name().startsWith("megatron-core")) {
            s = new SoftwareStack(s.name(), k.core(), s.zeroBandwidthEfficiency(), s.forwardPrefetch(),
                    s.tpCommOverlap(), s.source());
        }
        return new PlanRequest(model(r.model()), new ClusterSpec(cluster.name(), groups), r.batch(),
                SearchSpace.defaults(), s);
    }

    /**
     * @param r a run
     * @return the planner's prediction of the run: its configuration evaluated (the fastest allowed v where the
     *         source does not give it), or, where the source gives only TP and PP, the best plan Megatron-LM can run
     *         with them
     */
    static Plan predict(Run r) {
        return predict(r, Calibration.CURRENT);
    }

    /**
     * @param r a run
     * @param k the fitted numbers to predict it with
     * @return the prediction (see {@link #predict(Run)})
     */
    static Plan predict(Run r, Calibration k) {
        PlanRequest req = request(r, k);
        if (r.how().startsWith(AS_RUN)) {
            // the source ran this configuration: its throughput is predicted whatever dml4j's memory model says
            req = new PlanRequest(req.model(), unlimitedMemory(req.cluster()), req.globalBatch(), req.space(),
                    req.stack());
        }
        if (r.how().startsWith("search:")) {
            ParallelConfig shape = ConfigText.parse(r.how().substring(7), req.cluster().gpus());
            SearchSpace s = SearchSpace.defaults().withTensorParallel(List.of(shape.tp()))
                    .withPipelineParallel(List.of(shape.pp())).withTarget(LaunchTarget.MEGATRON);
            return Planner.search(req.withSpace(s), 1).best();
        }
        String text = r.how().substring(r.how().indexOf(':') + 1);
        if (!text.contains("v=best")) {
            return Planner.evaluate(req, ConfigText.parse(text, req.cluster().gpus()));
        }
        Plan best = null;
        int blocks = req.model().blocks();
        for (int v = 2; v <= SearchSpace.DEFAULT_MAX_CHUNKS; v++) {
            ParallelConfig c = ConfigText.parse(text.replace("v=best", "v=" + v), req.cluster().gpus());
            if (c.layerSplit() == null && blocks % (c.pp() * v) != 0) {
                continue;
            }
            try {
                Plan p = Planner.evaluate(req, c);
                if (best == null || p.iterationSeconds() < best.iterationSeconds()) {
                    best = p;
                }
            } catch (PlanInfeasibleException | IllegalArgumentException e) {
                // this v does not fit or is not allowed; others may be
            }
        }
        if (best == null) {
            throw new IllegalStateException(r.id() + ": no v fits");
        }
        return best;
    }

    /** Writes a markdown table of the set's rows with their errors (for docs/planner.md), under target/. */
    static void report(String set, List<Run> runs, List<Plan> plans) {
        StringBuilder sb = new StringBuilder();
        sb.append("| id | source | stack | predicted plan | metric | published | predicted | error | MFU points |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            Plan p = plans.get(i);
            double pred = r.metric().equals("mfu") ? p.mfu() : p.tflopsPerGpu();
            String fmt = r.metric().equals("mfu") ? "%.1f%%" : "%.1f";
            double k = r.metric().equals("mfu") ? 100 : 1;
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | " + fmt + " | " + fmt + " | %+.1f%% | %+.1f "
                    + "|%n", r.id(), r.source(), r.stack(), p.config().label(), r.metric().equals("mfu") ? "MFU"
                    : "TFLOP/s", k * r.published(), k * pred, 100 * r.error(p), 100 * r.pointsError(p)));
        }
        System.out.print(sb);
        try {
            Path dir = Path.of("target");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("published-" + set + ".md"), sb.toString());
            if (Boolean.getBoolean(UPDATE_DOCS_PROP_NAME) && runs.size() == load(set).size()) {
                updateDocs(Path.of("..", "docs", "planner.md"), set, sb.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** System property that makes {@link #report} also rewrite the set's table in {@code docs/planner.md}. */
    static final String UPDATE_DOCS_PROP_NAME = "dml4j.planner.updateDocs";

    /**
     * Replaces the lines between {@code <!-- BEGIN published-SET -->} and {@code <!-- END published-SET -->} of a
     * markdown file with a table.
     */
    static void updateDocs(Path doc, String set, String table) throws IOException {
        String text = Files.readString(doc);
        String begin = "<!-- BEGIN published-" + set + " -->\n";
        String end = "<!-- END published-" + set + " -->";
        int a = text.indexOf(begin);
        int b = text.indexOf(end);
        if (a < 0 || b < a) {
            throw new IllegalStateException(doc + " has no " + begin.strip() + " ... " + end + " section");
        }
        Files.writeString(doc, text.substring(0, a + begin.length()) + table + text.substring(b));
    }

    /**
     * Predicts a run, records it for {@link #report}, and checks its error against its tolerance.
     *
     * @param r     the run
     * @param seen  runs checked so far (appended to)
     * @param plans their predictions (appended to)
     */
    static void check(Run r, List<Run> seen, List<Plan> plans) {
        Plan p = predict(r);
        double e = r.error(p);
        synchronized (seen) {
            seen.add(r);
            plans.add(p);
        }
        org.junit.jupiter.api.Assertions.assertTrue(e >= r.lo() && e <= r.hi(), String.format(Locale.ROOT,
                "%s: %s error %+.1f%% outside [%+.0f%%, %+.0f%%] (%s)", r.id(), r.metric(), 100 * e, 100 * r.lo(),
                100 * r.hi(), p.config().label()));
    }
}
