package org.dml4j.cli.parallel;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dml4j.core.AtomicFiles;
import org.dml4j.core.PlanInfeasibleException;
import org.dml4j.parallel.pipeline.PipelineScheduler;
import org.dml4j.parallel.pipeline.PipelineSchedulers;
import org.dml4j.parallel.pipeline.StageCosts;
import org.dml4j.parallel.pipeline.Timeline;
import org.dml4j.parallel.pipeline.TimelineSimulator;
import org.dml4j.parallel.viz.GanttChart;
import org.dml4j.report.Page;
import org.dml4j.report.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dml4j schedule}: builds and simulates pipeline schedules for the given stages and prints a table (iteration
 * time, bubble, peak memory); writes {@code schedules.html} (a Gantt chart per schedule) and {@code schedules.csv}
 * to {@code --out}. Nothing is written when the input is invalid or no schedule fits.
 *
 * <pre>
 * Huang et al., "GPipe", NeurIPS 2019; Narayanan et al., Megatron-LM, SC 2021; Qi et al., "Zero Bubble (Almost)
 * Pipeline Parallelism", ICLR 2024.
 * </pre>
 */
@Command(name = "schedule", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare pipeline schedules (GPipe, 1F1B, interleaved 1F1B, ZB-H1, ZB-H2, ZB-V, adaptive)",
            "on a simulated timeline; print iteration time, bubble and peak memory, and write Gantt charts."})
public final class ScheduleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--stages", paramLabel = "P", description = "pipeline stages (devices); taken from "
            + "--stage-times when given")
    Integer stages;

    @Option(names = "--microbatches", paramLabel = "M", required = true, description = "micro-batches per iteration")
    int microbatches;

    @Option(names = "--v", paramLabel = "V", defaultValue = "2",
            description = "model chunks per device for the chunked schedules, interleaved 1F1B and ZB-V (which "
                    + "needs 2); default ${DEFAULT-VALUE}")
    int chunks;

    @Option(names = "--f", paramLabel = "T", defaultValue = "1", description = "forward time of every stage")
    double forward;

    @Option(names = "--b", paramLabel = "T", defaultValue = "1", description = "backward-for-inputs time of every "
            + "stage")
    double backward;

    @Option(names = "--w", paramLabel = "T", defaultValue = "1", description = "backward-for-weights time of every "
            + "stage")
    double weight;

    @Option(names = "--stage-times", paramLabel = "FILE", description = "CSV with a header (forward,backward,weight"
            + "[,activation,static,speed,memory-limit]) and one row per stage; replaces --stages/--f/--b/--w")
    Path stageTimes;

    @Option(names = "--p2p", paramLabel = "T", defaultValue = "0", description = "point-to-point transfer time "
            + "between devices")
    double p2p;

    @Option(names = "--activation", paramLabel = "BYTES", description = "activation memory per micro-batch per "
            + "stage (default 1, so peak memory counts micro-batches)")
    Double activation;

    @Option(names = "--memory-limit", paramLabel = "BYTES", description = "memory limit of every device")
    Double memoryLimit;

    @Option(names = "--weight-memory-fraction", paramLabel = "X", defaultValue = "1",
            description = "share of activations a split B keeps until its W (default ${DEFAULT-VALUE})")
    double weightMemoryFraction;

    @Option(names = "--schedules", paramLabel = "LIST", split = ",",
            defaultValue = "gpipe,1f1b,interleaved,zb-h1,zb-h2,zb-v,adaptive",
            description = "schedules to compare (default ${DEFAULT-VALUE})")
    List<String> schedules;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/schedule",
            description = "output folder for schedules.html and schedules.csv (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--width", paramLabel = "PX", defaultValue = "1400", description = "chart width in pixels")
    int width;

    /** Creates the command; picocli fills the options. */
    public ScheduleCommand() {
    }

    /** One schedule's outcome: a timeline, or why there is none. */
    private record Row(String name, int v, Timeline timeline, String problem) {
    }

    @Override
    public Integer call() {
        StageCosts costs = costs();
        List<PipelineScheduler> chosen = new ArrayList<>();
        for (String name : schedules) {
            chosen.add(PipelineSchedulers.get(name.strip()));
        }
        List<Row> rows = new ArrayList<>();
        for (PipelineScheduler s : chosen) {
            int v = s.defaultChunks() > 1 ? chunks : s.defaultChunks();
            try {
                Timeline t = TimelineSimulator.simulate(s.schedule(costs, microbatches, v), costs);
                rows.add(new Row(s.name(), v, t, null));
            } catch (PlanInfeasibleException e) {
                rows.add(new Row(s.name(), v, null, e.getMessage()));
            } catch (IllegalArgumentException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("microbatches (m) must be >= 1")) {
                    throw e;
                }
                rows.add(new Row(s.name(), v, null, "not applicable: " + e.getMessage()));
            }
        }
        if (rows.stream().allMatch(r -> r.timeline() == null)) {
            StringBuilder sb = new StringBuilder("no schedule can run these stages:");
            for (Row r : rows) {
                sb.append("\n  ").append(r.name()).append(": ").append(r.problem());
            }
            throw new PlanInfeasibleException(sb.toString());
        }
        PrintWriter pw = spec.commandLine().getOut();
        pw.println(table(costs, rows));
        Page report = new Page("Pipeline schedules: p = " + costs.stages() + ", m = " + microbatches,
                Provenance.current());
        report.paragraph("Stage costs: " + describe(costs));
        List<List<String>> cells = new ArrayList<>();
        for (Row r : rows) {
            cells.add(cells(r));
        }
        report.table(HEADER, cells);
        for (Row r : rows) {
            if (r.timeline() != null) {
                GanttChart.addTo(report, r.timeline(), width);
            }
        }
        Path html = out.resolve("schedules.html");
        Path csv = out.resolve("schedules.csv");
        StringBuilder csvText = new StringBuilder(String.join(",", CSV_HEADER)).append('\n');
        for (Row r : rows) {
            csvText.append(csv(r)).append('\n');
        }
        AtomicFiles.writeString(csv, csvText.toString());
        report.write(html);
        pw.println("wrote " + html + " and " + csv);
        pw.flush();
        return 0;
    }

    private static final List<String> HEADER = List.of("schedule", "v", "iteration time", "bubble (idle share)",
            "bubble / ideal", "pipelined iteration", "peak memory", "critical-path comm");
    private static final List<String> CSV_HEADER = List.of("schedule", "v", "iteration_time", "bubble_fraction",
            "bubble_ratio", "pipelined_iteration_time", "peak_memory", "critical_path_comm", "note");

    StageCosts costs() {
        StageCosts.Builder b;
        if (stageTimes != null) {
            b = StageTimesFile.read(stageTimes);
            StageCosts fromFile = b.build();
            if (stages != null && stages != fromFile.stages()) {
                throw new IllegalArgumentException("--stages " + stages + " does not match the " + fromFile.stages()
                        + " stages in " + stageTimes);
            }
        } else {
            if (stages == null) {
                throw new IllegalArgumentException("--stages is required (or give --stage-times FILE)");
            }
            if (stages < 1) {
                throw new IllegalArgumentException("--stages must be >= 1, got " + stages);
            }
            b = StageCosts.builder(stages).forward(forward).backward(backward).weight(weight);
            b.activationMemory(1);
        }
        if (microbatches < 1) {
            throw new IllegalArgumentException("--microbatches must be >= 1, got " + microbatches);
        }
        if (chunks < 1) {
            throw new IllegalArgumentException("--v must be >= 1, got " + chunks);
        }
        b.p2pTime(p2p).weightMemoryFraction(weightMemoryFraction);
        if (activation != null) {
            b.activationMemory(activation);
        }
        if (memoryLimit != null) {
            b.memoryLimit(memoryLimit);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("stage costs: " + e.getMessage(), e);
        }
    }

    private static String describe(StageCosts c) {
        return "forward " + java.util.Arrays.toString(c.forwardTimes()) + ", backward "
                + java.util.Arrays.toString(c.backwardTimes()) + ", weight " + java.util.Arrays.toString(c.weightTimes())
                + ", p2p " + c.p2pTime() + ", activation " + java.util.Arrays.toString(c.activationMemories())
                + ", memory limit " + java.util.Arrays.toString(c.memoryLimits()) + ", speed "
                + java.util.Arrays.toString(c.deviceSpeeds());
    }

    private static List<String> cells(Row r) {
        Timeline t = r.timeline();
        if (t == null) {
            return List.of(r.name(), Integer.toString(r.v()), r.problem(), "", "", "", "", "");
        }
        return List.of(r.name(), Integer.toString(r.v()), num(t.iterationTime()),
                String.format(Locale.ROOT, "%.1f%%", 100 * t.bubbleFraction()),
                String.format(Locale.ROOT, "%.4f", t.bubbleRatio()), num(t.pipelinedIterationTime()),
                num(t.maxPeakMemory()), num(t.criticalPathCommunication()));
    }

    private static String csv(Row r) {
        Timeline t = r.timeline();
        if (t == null) {
            return r.name() + "," + r.v() + ",,,,,,,\"" + r.problem().replace("\"", "'") + "\"";
        }
        return String.format(Locale.ROOT, "%s,%d,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,", r.name(), r.v(),
                t.iterationTime(), t.bubbleFraction(), t.bubbleRatio(), t.pipelinedIterationTime(), t.maxPeakMemory(),
                t.criticalPathCommunication());
    }

    private String table(StageCosts costs, List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "pipeline: p = %d stages, m = %d micro-batches, p2p %s%n",
                costs.stages(), microbatches, num(costs.p2pTime())));
        sb.append(String.format(Locale.ROOT, "%-12s %2s %12s %8s %9s %12s %12s %10s%n", "schedule", "v", "iteration",
                "bubble", "bub/ideal", "pipelined", "peak memory", "crit comm"));
        for (Row r : rows) {
            Timeline t = r.timeline();
            if (t == null) {
                sb.append(String.format(Locale.ROOT, "%-12s %2d  %s%n", r.name(), r.v(), r.problem()));
                continue;
            }
            sb.append(String.format(Locale.ROOT, "%-12s %2d %12s %7.1f%% %9.4f %12s %12s %10s%n", r.name(), r.v(),
                    num(t.iterationTime()), 100 * t.bubbleFraction(), t.bubbleRatio(),
                    num(t.pipelinedIterationTime()), num(t.maxPeakMemory()), num(t.criticalPathCommunication())));
        }
        return sb.toString().stripTrailing();
    }

    static String num(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return Long.toString((long) x);
        }
        String s = String.format(Locale.ROOT, "%.6g", x);
        if (s.contains(".") && !s.contains("e")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }
}
