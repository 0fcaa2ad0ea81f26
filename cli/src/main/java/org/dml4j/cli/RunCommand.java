package org.dml4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.dml4j.cli.config.ConfigTree;
import org.dml4j.cli.report.RunSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dml4j run FILE.toml [--set key=value ...] [--out DIR]}: one federated experiment; {@code dml4j run --resume
 * DIR} continues an interrupted or killed run from its checkpoint.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a federated-learning experiment described by a TOML file.",
            "Writes metrics.csv, timing.csv, events.jsonl, clients.csv, participants.csv, model.safetensors,"
                + " run-manifest.json, config.toml, report.html and a checkpoint every [run] checkpoint-every rounds"
                + " into a new folder (or, with --force, over an earlier run). Ctrl-C stops after the current round"
                + " with every file written (and a checkpoint), and exits with 130.",
            "--resume DIR continues a run from DIR/checkpoint.safetensors with DIR/config.toml; its files end as an"
                + " uninterrupted run's would."})
public final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "experiment file (.toml)")
    Path file;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "continue the run in DIR from its checkpoint (its config.toml; no FILE, --set or --out)")
    Path resume;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a key of the file, e.g. --set run.rounds=50 --set model.hidden=[256]")
    List<String> overrides = new ArrayList<>();

    @picocli.CommandLine.Mixin
    DataStores.Offline offline;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: runs/<run name>)")
    Path out;

    @Option(names = "--force", description = "replace an earlier run in the output folder")
    boolean force;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = EngineProvider.IN_PROCESS,
            description = "where participants train: inprocess (default, [run] threads in this JVM) or spark (the"
                + " optional module spark: ./mvnw -Pspark install -pl spark -am); same metrics for the same seed")
    String engine;

    @Option(names = "--master", paramLabel = "URL",
            description = "the engine's master: local[N] (default local[*]) or spark://HOST:PORT for --engine spark")
    String master;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (resume != null) {
            if (file != null || !overrides.isEmpty() || out != null || force) {
                throw new IllegalArgumentException("--resume " + resume + " takes the run's own config.toml and"
                        + " folder: give no FILE, --set, --out or --force with it");
            }
            RunFolder.checkResumable(resume);
            Experiment exp = load(resume.resolve("config.toml"), List.of());
            RunSummary s = ExperimentRunner.resume(exp, resume, ExperimentRunner.Output.standard(Main.quiet()),
                    spec.commandLine().getParseResult().originalArgs(), EngineProvider.get(engine), master);
            return s.unfinished() ? INTERRUPTED : 0;
        }
        if (file == null) {
            throw new IllegalArgumentException("dml4j run needs an experiment FILE (or --resume DIR)");
        }
        EngineProvider chosen = EngineProvider.get(engine);
        if (master != null && chosen.name().equals(EngineProvider.IN_PROCESS)) {
            throw new IllegalArgumentException("--master " + master + " needs a cluster engine (--engine spark); the"
                    + " in-process engine runs on [run] threads of this JVM");
        }
        Experiment exp = load(file, overrides);
        Path dir = out != null ? out : Path.of("runs", exp.name());
        RunSummary s = ExperimentRunner.run(exp, dir, ExperimentRunner.Output.standard(Main.quiet()),
                spec.commandLine().getParseResult().originalArgs(), force, chosen, master);
        return s.unfinished() ? INTERRUPTED : 0;
    }

    /** Exit status of a run stopped by Ctrl-C (128 + SIGINT, as shells report it). */
    static final int INTERRUPTED = 130;

    /**
     * @param file      an experiment file
     * @param overrides {@code key=value} overrides
     * @return the resolved experiment
     */
    static Experiment load(Path file, List<String> overrides) {
        ConfigTree tree = ConfigTree.load(file);
        for (String s : overrides) {
            tree.set(s);
        }
        String base = file.getFileName().toString().replaceFirst("\\.toml$", "");
        return Experiment.resolve(tree, base);
    }
}
