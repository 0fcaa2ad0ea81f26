package org.dml4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dml4j.cli.report.HtmlReport;
import org.dml4j.cli.report.MetricsCsv;
import org.dml4j.cli.report.RunSummary;
import org.dml4j.core.AtomicFiles;
import org.dml4j.core.RunManifest;
import org.dml4j.core.Snapshot;
import org.dml4j.data.Dataset;
import org.dml4j.fl.ClientRound;
import org.dml4j.fl.ClientPool;
import org.dml4j.fl.Compression;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.model.Safetensors;
import org.dml4j.fl.RunStats;
import org.dml4j.sim.Simulation;
import org.dml4j.sim.RoundListener;
import org.dml4j.sim.RoundTiming;
import org.dml4j.report.Provenance;
import org.dml4j.sim.SimulationResult;

/**
 * Runs one experiment and writes its outputs into a folder: {@code config.toml} and {@code run-manifest.json} once the
 * configuration and the data are known good (the manifest says {@code running}, then {@code completed},
 * {@code failed} or {@code interrupted}, with the end time and the reason), {@code metrics.csv} and
 * {@code timing.csv} (a row appended per round, so an interrupted run keeps every whole round; {@code metrics.csv}
 * has a {@code sim_seconds} column when the run has a network or device model, and a {@code wan_bytes} column when
 * its links have a WAN: regions, or edges and a cloud), {@code events.jsonl} (the
 * coordinator's event log, versioned JSON lines), {@code clients.csv} (a row per participant's task outcome, appended
 * as they come: round, client, samples, steps, training loss, bytes up, compression level, virtual times), and at the
 * end {@code model.safetensors} (the final global model, tensors named as the model's layout),
 * {@code participants.csv} (per-participant counts), {@code staleness.csv} and {@code report.html} (also when a round
 * fails or the run is interrupted, with the rounds done so far). The folder must be new, empty or, with
 * {@code force}, held by an earlier run ({@link RunFolder}). Ctrl-C ends the run after the current round
 * ({@link Interruption}).
 *
 * <p>Checkpoints: every {@code [run] checkpoint-every} rounds and on Ctrl-C, when every part of the run can be saved,
 * {@code checkpoint.safetensors} is replaced atomically ({@link RunCheckpoints}); {@link #resume} continues a killed
 * or interrupted run from it, and its files end byte for byte as an uninterrupted run's. A completed run deletes it.
 */
public final class ExperimentRunner {
    private ExperimentRunner() {
    }

    /**
     * Where a run prints: results and summaries to {@code results} (stdout), the partition, progress and log lines
     * to {@code log} (stderr, or nowhere with {@code --quiet}).
     *
     * @param results  the summary's destination
     * @param log      the partition, progress and log lines' destination
     * @param terminal whether {@code log} is a terminal (progress redraws in place)
     */
    public record Output(PrintStream results, PrintStream log, boolean terminal) {
        /**
         * @param quiet drop the progress and log lines
         * @return stdout for results, stderr (or nothing) for the rest
         */
        public static Output standard(boolean quiet) {
            return quiet ? new Output(System.out, new PrintStream(java.io.OutputStream.nullOutputStream()), false)
                    : new Output(System.out, System.err, System.console() != null);
        }
    }

    /**
     * @param exp         the resolved experiment
     * @param out         the output folder
     * @param o           where to print
     * @param commandLine the arguments the run was started with (for the manifest)
     * @param force       replace an earlier run in {@code out}
     * @return the run's summary ({@link RunSummary#unfinished()} when a signal stopped it)
     */
    public static RunSummary run(Experiment exp, Path out, Output o, List<String> commandLine, boolean force) {
        return run(exp, out, o, commandLine, force, new InProcessEngine(), null);
    }

    /**
     * Runs on a chosen engine: the same folder and files as in process.
     *
     * @param exp         the resolved experiment
     * @param out         the output folder
     * @param o           where to print
     * @param commandLine the arguments the run was started with (for the manifest)
     * @param force       replace an earlier run in {@code out}
     * @param engine      where the participants train ({@link EngineProvider#get})
     * @param master      the engine's master ({@code --master}), or null
     * @return the run's summary ({@link RunSummary#unfinished()} when a signal stopped it)
     */
    public static RunSummary run(Experiment exp, Path out, Output o, List<String> commandLine, boolean force,
                                 EngineProvider engine, String master) {
        RunFolder.claim(out, force);
        return execute(exp, out, o, commandLine, RunCheckpoints.fresh(out), engine, master);
    }

    /**
     * Continues the run in {@code dir} from its checkpoint ({@link RunFolder#checkResumable} has checked it): its
     * files are cut back to the checkpoint and appended to, so that they end as an uninterrupted run's would.
     *
     * @param exp         the run's own {@code config.toml}, resolved
     * @param dir         the run folder
     * @param o           where to print
     * @param commandLine the arguments (for the manifest)
     * @return the run's summary, all rounds included
     */
    public static RunSummary resume(Experiment exp, Path dir, Output o, List<String> commandLine) {
        return resume(exp, dir, o, commandLine, new InProcessEngine(), null);
    }

    /**
     * Continues the run in {@code dir} from its checkpoint on a chosen engine.
     *
     * @param exp         the run's own {@code config.toml}, resolved
     * @param dir         the run folder
     * @param o           where to print
     * @param commandLine the arguments (for the manifest)
     * @param engine      where the participants train
     * @param master      the engine's master, or null
     * @return the run's summary, all rounds included
     */
    public static RunSummary resume(Experiment exp, Path dir, Output o, List<String> commandLine,
                                    EngineProvider engine, String master) {
        return execute(exp, dir, o, commandLine, RunCheckpoints.resume(dir), engine, master);
    }

    private static RunSummary execute(Experiment exp, Path out, Output o, List<String> commandLine,
                                      RunCheckpoints checkpoints, EngineProvider engine, String master) {
        PrintStream log = o.log();
        boolean resuming = checkpoints.resumeFrom() != null;
        Experiment.Prepared prepared = exp.prepare(log);
        String configText = toToml(exp);
        if (!resuming) {
            AtomicFiles.writeString(out.resolve("config.toml"), configText);
        }
        RunManifest manifest = exp.manifest(commandLine);
        AtomicFiles.writeString(out.resolve(RunFolder.MANIFEST), manifest.toJson());
        List<RoundMetrics> metrics = new ArrayList<>();
        List<RoundTiming> timings = new ArrayList<>();
        if (resuming) {
            RunCheckpoints.cut(out.resolve("metrics.csv"), checkpoints.keep("metrics.csv"));
            RunCheckpoints.cut(out.resolve("timing.csv"), checkpoints.keep("timing.csv"));
            metrics.addAll(MetricsCsv.read(out.resolve("metrics.csv")));
            timings.addAll(MetricsCsv.readTiming(out.resolve("timing.csv")));
            RunCheckpoints.cut(out.resolve("events.jsonl"), checkpoints.keep("events.jsonl"));
            log.println(exp.name() + ": resuming after round " + checkpoints.round() + " from "
                    + out.resolve(RunFolder.CHECKPOINT));
        }
        Progress progress = new Progress(log, o.terminal(), exp.name(), exp.rounds());
        progress.update(metrics.size(), "");
        String[] lastEval = {""};
        boolean timed = prepared.timed();
        double[] simulatorSeconds = {Double.NaN};
        RunManifest.Status end = RunManifest.Status.FAILED;
        String reason = "failed";
        try (Interruption signal = new Interruption()) {
            try (Simulation sim = engine.simulation(exp, prepared, master);
                 MetricsCsv.Rows<RoundMetrics> metricsCsv = MetricsCsv.metrics(out.resolve("metrics.csv"), timed,
                         prepared.wan(), checkpoints.keep("metrics.csv"));
                 MetricsCsv.Rows<RoundTiming> timingCsv = MetricsCsv.timing(out.resolve("timing.csv"),
                         checkpoints.keep("timing.csv"));
                 MetricsCsv.Rows<ClientRound> clientsCsv = MetricsCsv.clients(out.resolve("clients.csv"), timed,
                         checkpoints.keep("clients.csv"));
                 EventsJsonl events = EventsJsonl.open(out, resuming, false)) {
                printLevels(sim, prepared, log);
                boolean checkpointing = checkpointing(exp, sim, resuming, log);
                if (resuming) {
                    sim.resumeFrom(checkpoints.resumeFrom());
                }
                double[] levels = sim.uplinkLevels();
                SimulationResult result = sim.run(new RoundListener() {
                    @Override
                    public void onRound(RoundMetrics row, RoundTiming t) {
                        // without a network or device model there is no virtual time (the clock stays at 0)
                        RoundMetrics m = timed ? row : row.withSimSeconds(Double.NaN);
                        metrics.add(m);
                        timings.add(t);
                        metricsCsv.add(m);
                        timingCsv.add(t);
                        if (!Double.isNaN(m.testAccuracy())) {
                            lastEval[0] = String.format(Locale.ROOT, "acc %.2f%% loss %.4f ", m.testAccuracy() * 100,
                                    m.testLoss());
                        }
                        progress.update(m.round(), String.format(Locale.ROOT, "%s%.1f MB%s", lastEval[0],
                                m.totalBytes() / 1e6, timed ? String.format(Locale.ROOT, " %.0f s virtual",
                                        m.simSeconds()) : ""));
                        if (!checkpointing || m.round() == exp.rounds()) {
                            signal.check(); // else after the checkpoint the signal asks for
                        }
                    }

                    @Override
                    public void onClientRound(ClientRound c) {
                        boolean own = Double.isNaN(c.level()) && levels != null
                                && levels.length == sim.pool().size();
                        clientsCsv.add(own ? new ClientRound(c.round(), c.participant(), c.taskId(), c.baseVersion(),
                                c.status(), c.samples(), c.steps(), c.trainLoss(), c.elementsUp(), c.bytesUp(),
                                levels[c.participant()], c.downloadSeconds(), c.computeSeconds(), c.uploadSeconds(),
                                c.time()) : c);
                    }

                    @Override
                    public boolean checkpointDue(int version) {
                        return checkpointing && (version % exp.checkpointEvery() == 0 || signal.requested());
                    }

                    @Override
                    public void onCheckpoint(Snapshot s) {
                        events.flush();
                        checkpoints.write(s, Map.of("metrics.csv", metricsCsv.bytes(), "timing.csv",
                                timingCsv.bytes(), "clients.csv", clientsCsv.bytes(), EventsJsonl.FILE,
                                size(events.file())));
                        signal.check();
                    }

                    @Override
                    public void onLog(String line) {
                        log.println(line);
                    }

                    @Override
                    public void onEventLog(String jsonLine) {
                        events.write(jsonLine);
                    }
                });
                Safetensors.write(out.resolve("model.safetensors"), sim.parameterLayout(), result.finalParams(),
                        Map.of("run", exp.name(), "seed", Long.toString(exp.seed()), "rounds",
                                Integer.toString(metrics.size()), "dml4j", RunManifest.version()));
                if (result.stats() != null) { // a gossip run has no coordinator counting participants
                    writeParticipants(out.resolve("participants.csv"), sim.pool(), result.stats());
                    writeStaleness(out.resolve("staleness.csv"), result.stats());
                    printStaleness(result.stats(), log);
                }
                simulatorSeconds[0] = result.simulatorSeconds();
                checkpoints.delete();
                end = RunManifest.Status.COMPLETED;
                reason = "completed " + metrics.size() + " rounds";
            } catch (Interruption.Stop stop) {
                end = RunManifest.Status.INTERRUPTED;
                reason = "interrupted after round " + metrics.size();
                log.println();
                log.println(exp.name() + ": " + reason + "; the files hold every round done");
            } catch (IOException e) {
                reason = "could not write " + out.resolve("events.jsonl") + ": " + e.getMessage();
                throw new UncheckedIOException(reason, e);
            } catch (RuntimeException | Error e) {
                reason = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                throw e;
            } finally {
                RunSummary partial = new RunSummary(exp.name(), metrics, timings, configText);
                AtomicFiles.writeString(out.resolve("report.html"), HtmlReport.render("dml4j run: " + exp.name(),
                        List.of(partial), exp.targetAccuracy(), List.of(), labelCounts(prepared),
                        Provenance.of(manifest)));
                AtomicFiles.writeString(out.resolve(RunFolder.MANIFEST), manifest.finish(end, reason).toJson());
            }
            RunSummary summary = new RunSummary(exp.name(), metrics, timings, configText,
                    end == RunManifest.Status.INTERRUPTED);
            printSummary(summary, exp.targetAccuracy(), out, o.results());
            if (summary.wallSeconds() > 0 && !Double.isNaN(simulatorSeconds[0])) {
                o.results().printf(Locale.ROOT, "  simulator's own time (event engine, network, transport): %.2f s,"
                        + " %.1f%% of the wall time%n", simulatorSeconds[0],
                        100 * simulatorSeconds[0] / summary.wallSeconds());
            }
            return summary;
        }
    }

    /** @return {@code [client][label]} sample counts of the run's partition, for the report's chart */
    private static int[][] labelCounts(Experiment.Prepared prepared) {
        return prepared.spec().clientData().stream().map(Dataset::labelHistogram).toArray(int[][]::new);
    }

    private static void printLevels(Simulation sim, Experiment.Prepared prepared, PrintStream log) {
        double[] levels = sim.uplinkLevels();
        if (levels == null) {
            return;
        }
        Compression c = prepared.spec().compression();
        StringBuilder sb = new StringBuilder("compression: ").append(c.uplinkCompressor().name()).append(", ")
                .append(c.dataAware().key()).append(c.dataAware().absolute() ? " thresholds" : " ratios")
                .append(" by client:");
        for (double l : levels) {
            sb.append(String.format(Locale.ROOT, " %.4g", l));
        }
        log.println(sb);
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
        if (r > 0 && s.timed()) {
            log.printf(Locale.ROOT, "  reached %.0f%% in round %d after %.1f s virtual (%.1f s wall) and %.1f MB%n",
                    target * 100, r, s.simSecondsTo(target), s.secondsTo(target), s.bytesTo(target) / 1e6);
        } else if (r > 0) {
            log.printf(Locale.ROOT, "  reached %.0f%% in round %d after %.1f s and %.1f MB%n", target * 100, r,
                    s.secondsTo(target), s.bytesTo(target) / 1e6);
        } else {
            log.printf(Locale.ROOT, "  did not reach %.0f%%%n", target * 100);
        }
        if (wall > 0) {
            log.printf(Locale.ROOT, "  worker time inside model training/evaluation: %.1f%% (%d threads); outside: "
                    + "%.1f%%%n", 100 * busy / (threads * wall), threads, 100 * (1 - busy / (threads * wall)));
        }
        if (s.timed()) {
            log.printf(Locale.ROOT, "  virtual time %.1f s%n", s.simSeconds());
        }
        log.println("  wrote " + out.resolve("report.html") + ", " + String.join(", ", otherFiles(out)));
        if (s.unfinished() && Files.exists(out.resolve(RunFolder.CHECKPOINT))) {
            log.println("  continue it with: dml4j run --resume " + out);
        }
    }

    /** @return the names of the files in the run folder besides the report, sorted: what the summary says it wrote */
    private static List<String> otherFiles(Path out) {
        try (var files = Files.list(out)) {
            return files.filter(Files::isRegularFile).map(f -> f.getFileName().toString())
                    .filter(name -> !name.equals("report.html") && !name.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the run folder " + out, e);
        }
    }

    /**
     * Whether this run writes checkpoints: {@code [run] checkpoint-every} is not 0 and every part of the simulation
     * can be saved; a run that cannot be checkpointed says why once and runs without (a resumed one is refused).
     */
    private static boolean checkpointing(Experiment exp, Simulation sim, boolean resuming, PrintStream log) {
        String why = sim.checkpointUnsupported();
        if (resuming && why != null) {
            throw new IllegalArgumentException("cannot resume: " + why);
        }
        if (exp.checkpointEvery() == 0) {
            return false;
        }
        if (why != null) {
            log.println("checkpoints: off, " + why);
            return false;
        }
        return true;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the size of " + file, e);
        }
    }

    /** {@code participants.csv}: what each participant did over the run. */
    private static void writeParticipants(Path file, ClientPool pool, RunStats stats) {
        StringBuilder sb = new StringBuilder("client,samples,dispatched,answered,failed,lost,cancelled,discarded\n");
        for (int p = 0; p < stats.participants(); p++) {
            sb.append(p).append(',').append(pool.client(p).numSamples()).append(',').append(stats.dispatched(p))
                    .append(',').append(stats.answered(p)).append(',').append(stats.failed(p)).append(',')
                    .append(stats.lost(p)).append(',').append(stats.cancelled(p)).append(',')
                    .append(stats.discarded(p)).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    /** {@code staleness.csv}: applied updates by staleness (versions); the last row holds that many and more. */
    private static void writeStaleness(Path file, RunStats stats) {
        long[] h = stats.stalenessHistogram();
        StringBuilder sb = new StringBuilder("staleness,updates\n");
        for (int i = 0; i < h.length; i++) {
            if (h[i] > 0) {
                sb.append(i).append(',').append(h[i]).append('\n');
            }
        }
        AtomicFiles.writeString(file, sb.toString());
    }

    private static void printStaleness(RunStats stats, PrintStream log) {
        long[] h = stats.stalenessHistogram();
        long total = 0;
        long stale = 0;
        double sum = 0;
        for (int i = 0; i < h.length; i++) {
            total += h[i];
            stale += i > 0 ? h[i] : 0;
            sum += (double) i * h[i];
        }
        if (stale > 0) {
            log.printf(Locale.ROOT, "  staleness of the %d applied updates: mean %.2f, max %d versions, %.1f%% fresh"
                    + " (staleness.csv)%n", total, sum / total, stats.maxStaleness(), 100.0 * h[0] / total);
        }
    }

    private static String toToml(Experiment exp) {
        return "# resolved by dml4j from " + exp.tree().source() + ", defaults included; dml4j run this file to"
                + " repeat the run\n" + exp.resolved().toToml();
    }
}
