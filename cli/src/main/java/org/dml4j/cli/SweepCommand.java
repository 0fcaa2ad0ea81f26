package org.dml4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dml4j.cli.report.HtmlReport;
import org.dml4j.cli.report.RunSummary;
import org.dml4j.core.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dml4j sweep A.toml [B.toml ...] [--vary KEY=V1,V2,...]... [--engine spark --master URL]}: a grid of runs
 * (every file times every combination of the {@code --vary} values) on one engine opened once, so that on Spark the
 * whole grid is one application: its executors, their models and the clients' cached data are shared by every run
 * with the same data. One run folder per variant, then {@code summary.md}, {@code sweep.csv} and an overlaid
 * {@code report.html}.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run a grid of experiments (files x --vary values) on one engine opened once: with --engine"
                + " spark, one Spark application whose executors and cached client data every variant shares.",
            "Each variant gets its own run folder DIR/<variant>; DIR/summary.md, DIR/sweep.csv and DIR/report.html"
                + " compare them."})
public final class SweepCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "experiment files (.toml)")
    List<Path> files;

    @Option(names = "--vary", paramLabel = "KEY=V1,V2,...",
            description = "values to sweep for a key (commas inside [...], {...} or quotes do not split); several"
                + " --vary give every combination, e.g. --vary compressor.ratio=0.01,0.1 --vary run.seed=1,2")
    List<String> vary = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override applied to every variant")
    List<String> overrides = new ArrayList<>();

    @picocli.CommandLine.Mixin
    DataStores.Offline offline;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: runs/sweep)")
    Path out = Path.of("runs", "sweep");

    @Option(names = "--force", description = "replace earlier runs in the output sub-folders")
    boolean force;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = EngineProvider.IN_PROCESS,
            description = "where participants train: inprocess (default) or spark (one application for the grid)")
    String engine;

    @Option(names = "--master", paramLabel = "URL",
            description = "the engine's master: local[N] (default local[*]) or spark://HOST:PORT for --engine spark")
    String master;

    @Option(names = "--target", paramLabel = "ACC", description = "accuracy target for the table (default: the"
            + " first variant's run.target-accuracy)")
    Double target;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /**
     * One point of the grid.
     *
     * @param file     its experiment file
     * @param settings the {@code --vary} values it takes, as {@code key=value}, in the order of the options
     * @param name     its run name and folder: the file's run name, then each varied key's last part and value
     */
    record Variant(Path file, List<String> settings, String name) {
    }

    @Override
    public Integer call() {
        EngineProvider chosen = EngineProvider.get(engine);
        // Resolve every variant first, so that a typo in the last one fails before the grid trains.
        List<Variant> grid = new ArrayList<>();
        List<Experiment> experiments = new ArrayList<>();
        Map<String, Variant> names = new HashMap<>();
        List<List<String>> axes = axes(vary);
        for (Path f : files) {
            String base = RunCommand.load(f, overrides).name();
            for (List<String> settings : combinations(axes)) {
                Variant v = new Variant(f, settings, variantName(base, settings));
                Variant clash = names.putIfAbsent(v.name(), v);
                if (clash != null) {
                    throw new IllegalArgumentException("two variants are both named '" + v.name() + "' (" + clash
                            + " and " + v + "); give the files distinct [run] names");
                }
                List<String> all = new ArrayList<>(overrides);
                all.addAll(settings);
                all.add("run.name=\"" + v.name() + "\"");
                grid.add(v);
                experiments.add(RunCommand.load(f, all));
            }
        }
        double tgt = target != null ? target : experiments.get(0).targetAccuracy();
        if (!(tgt > 0 && tgt <= 1)) {
            throw new IllegalArgumentException("--target must be in (0, 1], got " + tgt);
        }
        List<RunSummary> summaries = new ArrayList<>();
        boolean interrupted = false;
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        try (EngineProvider.Session session = chosen.open(master)) {
            for (int i = 0; i < grid.size() && !interrupted; i++) {
                Experiment e = experiments.get(i);
                RunSummary s = ExperimentRunner.run(e, out.resolve(e.name()),
                        ExperimentRunner.Output.standard(Main.quiet()), args, force, session, master);
                summaries.add(s);
                interrupted = s.unfinished(); // Ctrl-C: summarise what ran, start nothing new
            }
        }
        AtomicFiles.writeString(out.resolve("report.html"), HtmlReport.render("dml4j sweep", summaries, tgt,
                List.of()));
        String table = CompareCommand.table(summaries, tgt);
        AtomicFiles.writeString(out.resolve("summary.md"), table);
        AtomicFiles.writeString(out.resolve("sweep.csv"), csv(grid.subList(0, summaries.size()), summaries));
        System.out.print(table);
        System.err.println("sweep: " + summaries.size() + " of " + grid.size() + " variants on engine " + engine
                + (master != null ? " (" + master + ")" : "") + "; wrote " + out.resolve("summary.md") + ", "
                + out.resolve("sweep.csv") + " and " + out.resolve("report.html"));
        return interrupted ? RunCommand.INTERRUPTED : 0;
    }

    /**
     * @param vary the {@code --vary} options
     * @return per option, its {@code key=value} assignments in the order given
     * @throws IllegalArgumentException for an option without a key or without values, or a key given twice
     */
    static List<List<String>> axes(List<String> vary) {
        List<List<String>> axes = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (String opt : vary) {
            int eq = opt.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--vary expects KEY=V1,V2,..., got '" + opt + "'");
            }
            String key = opt.substring(0, eq).trim();
            if (keys.contains(key)) {
                throw new IllegalArgumentException("--vary " + key + " is given twice; list all its values in one"
                        + " --vary");
            }
            keys.add(key);
            List<String> values = splitTopLevel(opt.substring(eq + 1));
            if (values.isEmpty() || values.stream().anyMatch(String::isBlank)) {
                throw new IllegalArgumentException("--vary " + key + " needs comma-separated values, got '"
                        + opt.substring(eq + 1) + "'");
            }
            List<String> axis = new ArrayList<>();
            for (String v : values) {
                axis.add(key + "=" + v.trim());
            }
            axes.add(axis);
        }
        return axes;
    }

    /** Splits on commas outside brackets, braces and quotes. */
    private static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(s.substring(from));
        return parts;
    }

    /**
     * @param axes the assignments of each {@code --vary}
     * @return every combination, the last axis varying fastest; one empty combination when there is no axis
     */
    static List<List<String>> combinations(List<List<String>> axes) {
        List<List<String>> out = new ArrayList<>();
        out.add(List.of());
        for (List<String> axis : axes) {
            List<List<String>> next = new ArrayList<>();
            for (List<String> prefix : out) {
                for (String a : axis) {
                    List<String> c = new ArrayList<>(prefix);
                    c.add(a);
                    next.add(List.copyOf(c));
                }
            }
            out = next;
        }
        return out;
    }

    /**
     * @param base     the file's run name
     * @param settings the variant's {@code key=value} assignments
     * @return {@code base-key=value-...} with each key's last part, and characters other than letters, digits,
     *     {@code . _ = -} replaced by {@code _} (a folder name)
     */
    static String variantName(String base, List<String> settings) {
        StringBuilder sb = new StringBuilder(base);
        for (String s : settings) {
            int eq = s.indexOf('=');
            String key = s.substring(0, eq);
            sb.append('-').append(key.substring(key.lastIndexOf('.') + 1)).append('=')
                    .append(s.substring(eq + 1));
        }
        return sb.toString().replaceAll("[^A-Za-z0-9._=-]", "_");
    }

    private static String csv(List<Variant> grid, List<RunSummary> runs) {
        StringBuilder sb = new StringBuilder("variant,file,settings,final_accuracy,best_accuracy,rounds,"
                + "total_bytes_up,wall_seconds,unfinished\n");
        for (int i = 0; i < runs.size(); i++) {
            Variant v = grid.get(i);
            RunSummary s = runs.get(i);
            sb.append(v.name()).append(',').append(quote(v.file().toString())).append(',')
                    .append(quote(String.join(" ", v.settings()))).append(',').append(s.finalAccuracy()).append(',')
                    .append(s.bestAccuracy()).append(',').append(s.metrics().size()).append(',')
                    .append(s.totalBytesUp()).append(',').append(s.wallSeconds()).append(',')
                    .append(s.unfinished()).append('\n');
        }
        return sb.toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
