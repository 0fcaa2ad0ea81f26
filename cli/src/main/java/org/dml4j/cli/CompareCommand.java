package org.dml4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.dml4j.cli.report.HtmlReport;
import org.dml4j.cli.report.MetricsCsv;
import org.dml4j.cli.report.RunSummary;
import org.dml4j.core.AtomicFiles;
import org.dml4j.core.RunManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dml4j compare A.toml B.toml ... [--out DIR]}: runs several experiments (or reads finished run folders) and
 * overlays them in one report.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Run several experiments (or read finished run folders) and overlay them in one report.",
            "Each run gets its own sub-folder; the overlay is written to DIR/report.html."})
public final class CompareCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RUN", description = "experiment files (.toml) or finished run folders")
    List<Path> runs;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override applied to every experiment file")
    List<String> overrides = new ArrayList<>();

    @picocli.CommandLine.Mixin
    DataStores.Offline offline;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: runs/compare)")
    Path out = Path.of("runs", "compare");

    @Option(names = "--force", description = "replace earlier runs in the output sub-folders")
    boolean force;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--target", paramLabel = "ACC", description = "accuracy target for the table (default: the"
            + " first experiment's run.target-accuracy, or 0.8)")
    Double target;

    @Option(names = "--svg", paramLabel = "CHART=FILE", description = "also write one chart of the overlay as a"
            + " standalone SVG file, for documents (repeatable); CHART is accuracy-by-round, accuracy-by-bytes,"
            + " accuracy-by-virtual-time, accuracy-by-wan-bytes, loss-by-round, ... (see HtmlReport.charts)")
    List<String> svg = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Map<String, Path> svgFiles = svgFiles(svg);
        // Resolve every experiment first, so a typo in the last file fails before hours of training.
        List<Object> items = new ArrayList<>();
        double tgt = target != null ? target : Double.NaN;
        Set<String> names = new HashSet<>();
        for (Path p : runs) {
            if (Files.isDirectory(p)) {
                if (!Files.exists(p.resolve("metrics.csv"))) {
                    throw new IllegalArgumentException(p + " is a folder without metrics.csv: not a dml4j run");
                }
                items.add(p);
            } else {
                Experiment e = RunCommand.load(p, overrides);
                if (!names.add(e.name())) {
                    throw new IllegalArgumentException("two experiments are named '" + e.name()
                            + "'; give each a distinct [run] name");
                }
                if (Double.isNaN(tgt)) {
                    tgt = e.targetAccuracy();
                }
                items.add(e);
            }
        }
        if (Double.isNaN(tgt)) {
            tgt = 0.8;
        }
        if (!(tgt > 0 && tgt <= 1)) {
            throw new IllegalArgumentException("--target must be in (0, 1], got " + tgt);
        }
        List<RunSummary> summaries = new ArrayList<>();
        boolean interrupted = false;
        for (Object item : items) {
            if (item instanceof Experiment e) {
                RunSummary s = ExperimentRunner.run(e, out.resolve(e.name()),
                        ExperimentRunner.Output.standard(Main.quiet()),
                        spec.commandLine().getParseResult().originalArgs(), force);
                summaries.add(s);
                if (s.unfinished()) {
                    interrupted = true;
                    break; // Ctrl-C: overlay what ran, start nothing new
                }
            } else {
                Path dir = (Path) item;
                String cfg = Files.exists(dir.resolve("config.toml")) ? Files.readString(dir.resolve("config.toml"))
                        : "";
                String status = RunFolder.status(dir);
                boolean unfinished = !status.equals(RunManifest.Status.COMPLETED.key());
                if (unfinished) {
                    System.err.println("compare: " + dir + " did not finish (status " + status + "); its row is"
                            + " marked unfinished");
                }
                summaries.add(new RunSummary(dir.getFileName().toString(), MetricsCsv.read(dir.resolve("metrics.csv")),
                        MetricsCsv.readTiming(dir.resolve("timing.csv")), cfg, unfinished));
            }
        }
        Path report = out.resolve("report.html");
        AtomicFiles.writeString(report, HtmlReport.render("dml4j compare", summaries, tgt, List.of()));
        Map<String, String> charts = HtmlReport.charts(summaries, tgt);
        for (Map.Entry<String, Path> e : svgFiles.entrySet()) {
            String chart = charts.get(e.getKey());
            if (chart == null) {
                throw new IllegalArgumentException("--svg " + e.getKey() + "=" + e.getValue() + ": these runs have no"
                        + " chart '" + e.getKey() + "' (they have: " + String.join(", ", charts.keySet()) + ")");
            }
            AtomicFiles.writeString(e.getValue(), chart + "\n");
            System.err.println("compare: wrote " + e.getValue());
        }
        String table = table(summaries, tgt);
        AtomicFiles.writeString(out.resolve("summary.md"), table);
        System.out.print(table);
        System.err.println("compare: wrote " + report + " and " + out.resolve("summary.md"));
        return interrupted ? RunCommand.INTERRUPTED : 0;
    }

    /**
     * @param specs the {@code --svg CHART=FILE} values
     * @return the files by chart name, in order
     */
    static Map<String, Path> svgFiles(List<String> specs) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new IllegalArgumentException("--svg must be CHART=FILE (e.g. accuracy-by-virtual-time=t.svg),"
                        + " got '" + spec + "'");
            }
            files.put(spec.substring(0, eq), Path.of(spec.substring(eq + 1)));
        }
        return files;
    }

    /**
     * @param runs   the runs, in order
     * @param target the accuracy target
     * @return a Markdown table: accuracy, rounds and bytes to the target (and virtual seconds when a run has virtual
     *     time), uplink traffic and realised density
     */
    static String table(List<RunSummary> runs, double target) {
        String pct = String.format(Locale.ROOT, "%.0f%%", target * 100);
        boolean timed = runs.stream().anyMatch(RunSummary::timed);
        StringBuilder sb = new StringBuilder();
        sb.append("| run | final acc | best acc | rounds to ").append(pct).append(" | uplink MB to ").append(pct)
                .append(timed ? " | MB to " + pct + " | virtual s to " + pct + " | virtual s" : "")
                .append(" | uplink MB | uplink density | total MB | seconds |\n");
        sb.append(timed ? "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
                : "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (RunSummary s : runs) {
            int r = s.roundsTo(target);
            String virtual = !timed ? "" : String.format(Locale.ROOT, " %s | %s | %.1f |",
                    r < 0 ? "–" : String.format(Locale.ROOT, "%.1f", s.bytesTo(target) / 1e6),
                    r < 0 ? "–" : String.format(Locale.ROOT, "%.1f", s.simSecondsTo(target)), s.simSeconds());
            sb.append(String.format(Locale.ROOT, "| %s | %.2f%% | %.2f%% | %s | %s |%s %.3f | %s | %.1f | %.1f |%n",
                    s.name() + (s.unfinished() ? " (unfinished)" : ""), s.finalAccuracy() * 100, s.bestAccuracy() * 100, r < 0 ? "–" : Integer.toString(r),
                    r < 0 ? "–" : String.format(Locale.ROOT, "%.3f", s.bytesUpTo(target) / 1e6), virtual,
                    s.totalBytesUp() / 1e6, HtmlReport.density(s.meanDensityUp()), s.totalBytes() / 1e6,
                    s.wallSeconds()));
        }
        return sb.toString();
    }
}
