package org.dml4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link CompressionBenchmark} and prints (and optionally writes) a Markdown table of the scores as ratios to the
 * streaming pass and to the quickselect reference measured in the same run, with the goals.
 *
 * <p>Usage: {@code java -cp benchmarks.jar org.dml4j.bench.CompressionReport [JMH options] [--out FILE]}, e.g.
 * {@code -f 1 -wi 3 -i 5}.
 */
public final class CompressionReport {
    private CompressionReport() {
    }

    /**
     * @param args JMH command-line options, plus {@code --out FILE} to write the table
     * @throws RunnerException            when JMH fails
     * @throws CommandLineOptionException for bad JMH options
     * @throws IOException                when the table cannot be written
     */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException, IOException {
        Path out = null;
        java.util.List<String> jmhArgs = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]);
            } else {
                jmhArgs.add(args[i]);
            }
        }
        CommandLineOptions cli = new CommandLineOptions(jmhArgs.toArray(new String[0]));
        Collection<RunResult> results = new Runner(new OptionsBuilder().parent(cli)
                .include(CompressionBenchmark.class.getName() + ".*").build()).run();
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            scores.put(name, new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
        }
        String table = table(scores);
        System.out.println(table);
        if (out != null) {
            Files.writeString(out, table);
        }
    }

    static String table(Map<String, double[]> scores) {
        double pass = scores.getOrDefault("pass", new double[] {Double.NaN})[0];
        double qs = scores.getOrDefault("quickselect", new double[] {Double.NaN})[0];
        Map<String, String> goals = Map.of(
                "topk", "≥ 5× faster than quickselect, ≤ 3× pass",
                "threshold", "≤ 3× pass", "sign", "≤ 3× pass", "qsgd", "≤ 3× pass", "qsgdWhole", "≤ 3× pass",
                "sparseDecodeAccumulate", "≤ 3× pass", "sparseAccumulate", "≤ 3× pass");
        StringBuilder sb = new StringBuilder();
        sb.append("| benchmark | ms/op | ± (99.9%) | × pass | quickselect / this | goal | met |\n");
        sb.append("|---|---:|---:|---:|---:|---|---|\n");
        for (Map.Entry<String, double[]> e : scores.entrySet()) {
            String name = e.getKey();
            double s = e.getValue()[0];
            double ratio = s / pass;
            String goal = goals.getOrDefault(name, "");
            String met = "";
            if (name.equals("topk")) {
                met = qs / s >= 5 && ratio <= 3 ? "yes" : "no";
            } else if (!goal.isEmpty()) {
                met = ratio <= 3 ? "yes" : "no";
            }
            sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.1f | %s | %s |%n", name, s,
                    e.getValue()[1], ratio, qs / s, goal, met));
        }
        return sb.toString();
    }
}
