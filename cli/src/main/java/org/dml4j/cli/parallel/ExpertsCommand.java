package org.dml4j.cli.parallel;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dml4j.parallel.moe.AllToAllEstimate;
import org.dml4j.parallel.moe.AllToAllModel;
import org.dml4j.parallel.moe.ExpertPlacement;
import org.dml4j.parallel.moe.ExpertPlacer;
import org.dml4j.parallel.moe.ExpertPlacers;
import org.dml4j.parallel.moe.PlacementProblem;
import org.dml4j.parallel.moe.ReplacementConfig;
import org.dml4j.parallel.moe.ReplacementReport;
import org.dml4j.parallel.moe.RoutingTrace;
import org.dml4j.parallel.moe.RoutingTraceFormat;
import org.dml4j.parallel.moe.Topology;
import org.dml4j.parallel.moe.WindowedReplacement;
import org.dml4j.parallel.moe.ZipfTraceConfig;
import org.dml4j.parallel.moe.ZipfTraceGenerator;
import org.dml4j.parallel.viz.LoadChart;
import org.dml4j.report.Page;
import org.dml4j.report.Provenance;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dml4j experts}: places MoE experts on expert-parallel GPUs for a routing trace (a file in the
 * {@link RoutingTraceFormat} or a Zipf-skewed synthetic one) and compares round-robin, the EPLB-style greedy
 * baseline and our balanced placement: max/mean GPU load, all-to-all time and cross-node traffic; with several
 * windows, also re-placement policies with migration costs. Writes {@code experts.html} (load charts before and
 * after) and, for a synthetic trace, {@code trace.csv}.
 *
 * <pre>
 * DeepSeek-AI, EPLB, 2025; Lepikhin et al., "GShard", ICLR 2021; Fedus et al., "Switch Transformers", JMLR 2022.
 * </pre>
 */
@Command(name = "experts", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Place MoE experts for a routing trace and compare with round-robin and greedy (EPLB):",
            "max/mean load before and after, all-to-all time, cross-node traffic; writes load charts."})
public final class ExpertsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Where the tokens come from. */
    static final class Source {
        @Option(names = "--trace", paramLabel = "FILE", required = true,
                description = "routing trace (CSV, '# dml4j routing trace v1')")
        Path trace;

        @Option(names = "--zipf", paramLabel = "S", required = true,
                description = "generate a Zipf-skewed trace with exponent S instead")
        Double zipf;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--experts", paramLabel = "E", description = "experts (default 64; with --trace, from the file)")
    Integer experts;

    @Option(names = "--gpus", paramLabel = "G", defaultValue = "16", description = "expert-parallel GPUs "
            + "(default ${DEFAULT-VALUE})")
    int gpus;

    @Option(names = "--slots", paramLabel = "S", description = "expert slots per GPU (default ceil(E/G) + 1: one "
            + "spare slot per GPU for replicas)")
    Integer slots;

    @Option(names = "--gpus-per-node", paramLabel = "N", description = "GPUs per node (default min(8, G))")
    Integer gpusPerNode;

    @Option(names = "--tokens", paramLabel = "T", description = "synthetic tokens per window (default 100000 x E)")
    Long tokens;

    @Option(names = "--windows", paramLabel = "W", defaultValue = "1", description = "synthetic windows "
            + "(default ${DEFAULT-VALUE})")
    int windows;

    @Option(names = "--drift", paramLabel = "X", defaultValue = "0.1", description = "share of experts changing "
            + "popularity rank per synthetic window (default ${DEFAULT-VALUE})")
    double drift;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "seed of the synthetic trace (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--bytes-per-token", paramLabel = "B", defaultValue = "8192",
            description = "bytes of one token's hidden state (default ${DEFAULT-VALUE}: hidden 4096 in bf16)")
    double bytesPerToken;

    @Option(names = "--expert-bytes", paramLabel = "B", defaultValue = "1.4e9",
            description = "bytes copied when a replica moves (default ${DEFAULT-VALUE}: weights and Adam state)")
    double expertBytes;

    @Option(names = "--seconds-per-token", paramLabel = "S", defaultValue = "2e-7",
            description = "expert compute time per routed token (default ${DEFAULT-VALUE})")
    double secondsPerToken;

    @Option(names = "--steps-per-window", paramLabel = "N", defaultValue = "100",
            description = "training steps one window spans (default ${DEFAULT-VALUE})")
    int stepsPerWindow;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/experts",
            description = "output folder (default ${DEFAULT-VALUE})")
    Path out;

    /** Creates the command; picocli fills the options. */
    public ExpertsCommand() {
    }

    @Override
    public Integer call() {
        RoutingTrace trace = trace();
        int e = trace.experts();
        if (gpus < 1) {
            throw new IllegalArgumentException("--gpus must be >= 1, got " + gpus);
        }
        int s = slots != null ? slots : (e + gpus - 1) / gpus + 1;
        int perNode = gpusPerNode != null ? gpusPerNode : Math.min(8, gpus);
        if (perNode < 1 || gpus % perNode != 0) {
            throw new IllegalArgumentException("--gpus-per-node must divide --gpus (" + gpus + "), got " + perNode);
        }
        Topology topology = Topology.dgxA100();
        topology = new Topology(perNode, topology.intraBandwidth(), topology.interBandwidth(),
                topology.intraLatency(), topology.interLatency());
        RoutingTrace merged = trace.merged();
        PlacementProblem problem = merged.problem(0, gpus, s, perNode);
        List<ExpertPlacement> placements = new ArrayList<>();
        for (String name : List.of("round-robin", "greedy", "eplb-hierarchical", "balanced")) {
            if (name.equals("eplb-hierarchical") && (e % (gpus / perNode) != 0
                    || e / (gpus / perNode) > perNode * s)) {
                continue; // one expert group per node needs E divisible by the nodes and room on each node
            }
            placements.add(ExpertPlacers.get(name).place(problem));
        }
        PrintWriter pw = spec.commandLine().getOut();
        pw.printf(Locale.ROOT, "experts: E = %d on G = %d GPUs (%d per node), %d slots per GPU, %d window(s), "
                + "%.0f routed tokens%n", e, gpus, perNode, s, trace.windows(), problem.totalLoad());
        pw.printf(Locale.ROOT, "routing: max/mean is under each placer's own assumption; 'even split' and "
                + "'load-balanced' recompute it with a replica's tokens divided equally or to balance GPUs%n");
        pw.printf(Locale.ROOT, "%-18s %9s %12s %12s %16s %10s %11s %13s%n", "placement", "max/mean", "max tokens",
                "replicas", "all-to-all (ms)", "cross-node", "even split", "load-balanced");
        double steps = Math.max(1, trace.windows()) * (double) stepsPerWindow;
        List<List<String>> cells = new ArrayList<>();
        for (ExpertPlacement pl : placements) {
            AllToAllEstimate est = AllToAllModel.estimate(pl, problem.scaled(1 / steps), topology, bytesPerToken);
            double crossShare = est.intraBytes() + est.interBytes() == 0 ? 0
                    : est.interBytes() / (est.intraBytes() + est.interBytes());
            double even = pl.withRouting(ExpertPlacement.Routing.EVEN_SPLIT).imbalance();
            double balanced = pl.withRouting(ExpertPlacement.Routing.LOAD_BALANCED).imbalance();
            pw.printf(Locale.ROOT, "%-18s %9.4f %12.0f %12d %16.4f %9.1f%% %11.4f %13.4f%n", pl.placer(),
                    pl.imbalance(), pl.maxLoad(), pl.totalReplicas(), est.seconds() * 1e3, 100 * crossShare, even,
                    balanced);
            cells.add(List.of(pl.placer(), String.format(Locale.ROOT, "%.4f", pl.imbalance()),
                    String.format(Locale.ROOT, "%.0f", pl.maxLoad()), Integer.toString(pl.totalReplicas()),
                    String.format(Locale.ROOT, "%.4f", est.seconds() * 1e3),
                    String.format(Locale.ROOT, "%.1f%%", 100 * crossShare),
                    String.format(Locale.ROOT, "%.4f", even), String.format(Locale.ROOT, "%.4f", balanced)));
        }
        Page report = new Page("Expert placement: E = " + e + ", G = " + gpus, Provenance.current());
        report.paragraph(String.format(Locale.ROOT, "%d experts on %d GPUs (%d per node), %d slots per GPU; "
                + "all-to-all per step of %d, %.0f bytes per token, on NVLink %.0f GB/s and %.0f GB/s between nodes.",
                e, gpus, perNode, s, stepsPerWindow, bytesPerToken, topology.intraBandwidth() / 1e9,
                topology.interBandwidth() / 1e9));
        report.paragraph("max/mean under each routing assumption: even split (EPLB's: a replicated expert's tokens "
                + "divided equally among its replicas) and load-balanced (shares chosen to minimise the most loaded GPU); "
                + "the first max/mean column is under the placer's own assumption.");
        report.table(List.of("placement", "max/mean", "max tokens", "replicas", "all-to-all (ms)", "cross-node",
                "max/mean, even split", "max/mean, load-balanced"), cells);
        report.figure(LoadChart.perGpu(placements, 1200), "Tokens per GPU before (round-robin) and after "
                + "(greedy EPLB baseline, balanced); dashed line: mean");
        report.figure(LoadChart.perExpert(problem.loads(), 1200), "Tokens per expert, hottest first");
        if (trace.windows() > 1) {
            windowed(trace, pw, report, s, topology);
        }
        Path html = out.resolve("experts.html");
        if (source.zipf != null) {
            Path csv = out.resolve("trace.csv");
            RoutingTraceFormat.write(csv, trace);
            pw.println("wrote " + csv);
        }
        report.write(html);
        pw.println("wrote " + html);
        pw.flush();
        return 0;
    }

    private void windowed(RoutingTrace trace, PrintWriter pw, Page report, int s, Topology topology) {
        ReplacementConfig base = new ReplacementConfig(s, topology, bytesPerToken, expertBytes, secondsPerToken,
                stepsPerWindow, ReplacementConfig.Policy.STATIC);
        pw.printf(Locale.ROOT, "%nre-placement over %d windows (placement from the previous window; moving a replica "
                + "copies %.3g bytes)%n", trace.windows(), expertBytes);
        pw.printf(Locale.ROOT, "%-12s %-13s %14s %10s %10s %12s%n", "placer", "policy", "mean max/mean", "changes",
                "migrated", "time (s)");
        List<List<String>> cells = new ArrayList<>();
        record Run(String placer, ReplacementConfig.Policy policy) {
        }
        List<Run> runs = List.of(new Run("round-robin", ReplacementConfig.Policy.STATIC),
                new Run("greedy", ReplacementConfig.Policy.STATIC),
                new Run("greedy", ReplacementConfig.Policy.EVERY_WINDOW),
                new Run("balanced", ReplacementConfig.Policy.STATIC),
                new Run("balanced", ReplacementConfig.Policy.EVERY_WINDOW),
                new Run("balanced", ReplacementConfig.Policy.COST_AWARE));
        for (Run run : runs) {
            ExpertPlacer placer = ExpertPlacers.get(run.placer());
            ReplacementReport r = WindowedReplacement.run(trace, gpus, placer, base.withPolicy(run.policy()));
            String policy = run.policy().name().toLowerCase(Locale.ROOT).replace('_', '-');
            pw.printf(Locale.ROOT, "%-12s %-13s %14.4f %10d %10d %12.4f%n", run.placer(), policy, r.meanImbalance(),
                    r.replacements(), r.totalMigrations(), r.totalSeconds());
            cells.add(List.of(run.placer(), policy, String.format(Locale.ROOT, "%.4f", r.meanImbalance()),
                    Integer.toString(r.replacements()), Integer.toString(r.totalMigrations()),
                    String.format(Locale.ROOT, "%.4f", r.totalSeconds())));
        }
        report.heading("Re-placement over " + trace.windows() + " windows");
        report.table(List.of("placer", "policy", "mean max/mean", "changes", "replicas moved", "time (s)"), cells);
    }

    private RoutingTrace trace() {
        if (source.trace != null) {
            int expected = experts != null ? experts : 0;
            if (expected < 0) {
                throw new IllegalArgumentException("--experts must be >= 1, got " + expected);
            }
            RoutingTrace t = RoutingTraceFormat.read(source.trace, expected);
            if (t.hasSources() && t.sources() != gpus) {
                throw new IllegalArgumentException(source.trace + " has sources=" + t.sources() + " but --gpus is "
                        + gpus);
            }
            return t;
        }
        int e = experts != null ? experts : 64;
        long t = tokens != null ? tokens : 100_000L * e;
        return ZipfTraceGenerator.generate(new ZipfTraceConfig(e, windows, t, source.zipf, gpus, drift, seed));
    }
}
