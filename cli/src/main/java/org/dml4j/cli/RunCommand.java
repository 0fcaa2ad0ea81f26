package org.dml4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.dml4j.cli.config.ConfigTree;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dml4j run FILE.toml [--set key=value ...] [--out DIR]}: one federated experiment. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a federated-learning experiment described by a TOML file.",
            "Writes metrics.csv, timing.csv, run-manifest.json, config.toml and report.html."})
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

    @Override
    public Integer call() {
        Experiment exp = load(file, overrides);
        Path dir = out != null ? out : Path.of("runs", exp.name());
        ExperimentRunner.run(exp, dir, System.err, System.console() != null);
        return 0;
    }

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
