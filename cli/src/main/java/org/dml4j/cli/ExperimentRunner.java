package org.dml4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dml4j.cli.report.HtmlReport;
import org.dml4j.cli.report.MetricsCsv;
import org.dml4j.cli.report.RunSummary;
import org.dml4j.core.AtomicFiles;
import org.dml4j.core.RunManifest;
import org.dml4j.fl.Compression;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.sim.FederatedSimulation;
import org.dml4j.sim.RoundTiming;
import org.dml4j.sim.SimulationResult;

/**
 * Runs one experiment and writes its outputs into a folder: {@code config.toml}, {@code run-manifest.json},
 * {@code metrics.csv} and {@code timing.csv} (rewritten atomically after every round, so an interrupted run keeps
 * what it did), and {@code report.html} at the end (also when a round fails, with the rounds done so far).
 */
public final class ExperimentRunner {
    private ExperimentRunner() {
    }

    /**
     * @param exp      the resolved experiment
     * @param out      the output folder
     * @param log      where to print the partition and the summary
     * @param terminal whether {@code log} is a terminal (progress redraws in place)
     * @return the run's summary
     */
    public static RunSummary run(Experiment exp, Path out, PrintStream log, boolean terminal) {
        String configText = toToml(exp);
        AtomicFiles.writeString(out.resolve("config.toml"), configText);
        AtomicFiles.writeString(out.resolve("run-manifest.json"),
                RunManifest.capture(exp.seed(), exp.tree().toMap()).toJson());
        Experiment.Prepared prepared = exp.prepare(log);
        List<RoundMetrics> metrics = new ArrayList<>();
        List<RoundTiming> timings = new ArrayList<>();
        Progress progress = new Progress(log, terminal, exp.name(), exp.rounds());
        progress.update(0, "");
        String[] lastEval = {""};
        try (FederatedSimulation sim = new FederatedSimulation(prepared.spec())) {
            double[] levels = sim.uplinkLevels();
            if (levels != null) {
                Compression c = prepared.spec().compression();
                StringBuilder sb = new StringBuilder("compression: ").append(c.uplinkCompressor().name()).append(", ")
                        .append(c.dataAware().key()).append(c.dataAware().absolute() ? " thresholds" : " ratios")
                        .append(" by client:");
                for (double l : levels) {
                    sb.append(String.format(Locale.ROOT, " %.4g", l));
                }
                log.println(sb);
            }
            SimulationResult result = sim.run((m, t) -> {
                metrics.add(m);
                timings.add(t);
                MetricsCsv.write(out.resolve("metrics.csv"), metrics, prepared.spec().timed());
                MetricsCsv.writeTiming(out.resolve("timing.csv"), timings);
                if (!Double.isNaN(m.testAccuracy())) {
                    lastEval[0] = String.format(Locale.ROOT, "acc %.2f%% loss %.4f ", m.testAccuracy() * 100,
                            m.testLoss());
                }
                progress.update(m.round(), String.format(Locale.ROOT, "%s%.1f MB", lastEval[0],
                        m.totalBytes() / 1e6));
            });
            assert result.rounds().size() == metrics.size();
        } finally {
            RunSummary partial = new RunSummary(exp.name(), metrics, timings, configText);
            AtomicFiles.writeString(out.resolve("report.html"), HtmlReport.render("dml4j run: " + exp.name(),
                    List.of(partial), exp.targetAccuracy(), List.of()));
        }
        RunSummary summary = new RunSummary(exp.name(), metrics, timings, configText);
        printSummary(summary, exp.targetAccuracy(), out, log);
        return summary;
    }

    /**
     * Prints final and best accuracy, what it took to reach the target, bytes, wall time and the share of worker
     * time spent outside the model's training and evaluation.
     *
     * @param s      the summary
     * @param target the accuracy target
     * @param out    the output folder
     * @param log    destination
     */
    private static void printSummary(RunSummary s, double target, Path out, PrintStream log) {
        double busy = 0;
        int threads = 1;
        for (RoundTiming t : s.timings()) {
            busy += t.trainSeconds() + t.evalSeconds();
            threads = t.threads();
        }
        double wall = s.wallSeconds();
        log.printf(Locale.ROOT, "%s: final accuracy %.2f%% (best %.2f%%) after %d rounds, %.1f MB on the wire, "
                + "%.1f s%n", s.name(), s.finalAccuracy() * 100, s.bestAccuracy() * 100, s.metrics().size(),
                s.totalBytes() / 1e6, wall);
        if (s.meanDensityUp() < 1) {
            log.printf(Locale.ROOT, "  uplink %.2f MB, realised density %s of the dense values%n",
                    s.totalBytesUp() / 1e6, HtmlReport.density(s.meanDensityUp()));
        }
        int r = s.roundsTo(target);
        if (r > 0) {
            log.printf(Locale.ROOT, "  reached %.0f%% in round %d after %.1f s and %.1f MB%n", target * 100, r,
                    s.secondsTo(target), s.bytesTo(target) / 1e6);
        } else {
            log.printf(Locale.ROOT, "  did not reach %.0f%%%n", target * 100);
        }
        if (wall > 0) {
            log.printf(Locale.ROOT, "  worker time inside model training/evaluation: %.1f%% (%d threads); outside: "
                    + "%.1f%%%n", 100 * busy / (threads * wall), threads, 100 * (1 - busy / (threads * wall)));
        }
        log.println("  wrote " + out.resolve("report.html") + ", metrics.csv, timing.csv, run-manifest.json");
    }

    private static String toToml(Experiment exp) {
        return "# resolved by dml4j from " + exp.tree().source() + "\n" + exp.tree().toToml();
    }
}
