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

/** {@code dml4j run FILE.toml [--set key=value ...] [--out DIR]}: one federated experiment. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a federated-learning experiment described by a TOML file.",
            "Writes metrics.csv, timing.csv, events.jsonl, clients.csv, run-manifest.json, config.toml and report.html"
                + " into a new folder (or, with --force, over an earlier run). Ctrl-C stops after the current round"
                + " with every file written, and exits with 130."})
public final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "experiment file (.toml)")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a key of the file, e.g. --set run.rounds=50 --set model.hidden=[256]")
    List<String> overrides = new ArrayList<>();

    @picocli.CommandLine.Mixin
    DataStores.Offline offline;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: runs/<run name>)")
    Path out;

    @Option(names = "--force", description = "replace an earlier run in the output folder")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Experiment exp = load(file, overrides);
        Path dir = out != null ? out : Path.of("runs", exp.name());
        RunSummary s = ExperimentRunner.run(exp, dir, ExperimentRunner.Output.standard(Main.quiet()),
                spec.commandLine().getParseResult().originalArgs(), force);
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
