package org.dml4j.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.dml4j.data.DatasetInfo;
import org.dml4j.data.DatasetLocation;
import org.dml4j.data.DatasetStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code dml4j datasets list | info NAME | fetch NAME}: where the data sets are and how to get them. */
@Command(name = "datasets", mixinStandardHelpOptions = true,
        description = "List the known data sets, show where one is found and how to install it, or download it.",
        subcommands = {DatasetsCommand.ListCommand.class, DatasetsCommand.InfoCommand.class,
            DatasetsCommand.FetchCommand.class})
public final class DatasetsCommand {
    /** {@code dml4j datasets list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the known data sets and where each"
            + " is found on this machine.")
    static final class ListCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            DatasetStore store = DataStores.forCommandLine();
            System.out.printf(Locale.ROOT, "%-15s %8s %8s %-12s %s%n", "name", "train", "test", "shape", "found at");
            for (DatasetInfo i : store.list()) {
                DatasetLocation loc = store.locate(i.name());
                System.out.printf(Locale.ROOT, "%-15s %8s %8s %-12s %s%n", i.name(), size(i.trainSize()),
                        size(i.testSize()),
                        shape(i), loc == null ? "not installed (dml4j datasets info " + i.name() + ")" : loc.toString());
            }
            return 0;
        }
    }

    /** {@code dml4j datasets info NAME}. */
    @Command(name = "info", mixinStandardHelpOptions = true, description = "Describe a data set and how to get it.")
    static final class InfoCommand implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "data set name")
        String name;

        @Override
        public Integer call() {
            DatasetStore store = DataStores.forCommandLine();
            DatasetInfo i = store.describe(name);
            DatasetLocation loc = store.locate(name);
            System.out.println(i.name() + ": " + i.description());
            System.out.printf(Locale.ROOT, "  samples: %s train, %s test; shape %s; %d classes%n",
                    size(i.trainSize()), size(i.testSize()), shape(i), i.numClasses());
            System.out.println("  licence: " + i.licence() + "; " + i.homepage());
            System.out.println("  cite: " + i.citation());
            System.out.println("  found: " + (loc == null ? "no" : loc.toString()));
            if (loc == null) {
                System.out.println("  to install:");
                for (String line : i.installHint().split("\n")) {
                    System.out.println("    " + line);
                }
            }
            return 0;
        }
    }

    /** {@code dml4j datasets fetch NAME}. */
    @Command(name = "fetch", mixinStandardHelpOptions = true, description = "Fetch a data set into the user cache from"
            + " its mirrors (every file checked against its SHA-256), unless it is already on this machine.")
    static final class FetchCommand implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "data set name")
        String name;

        @picocli.CommandLine.Mixin
        DataStores.Offline offline;

        @Override
        public Integer call() {
            DatasetLocation loc = DataStores.forCommandLine().fetch(name);
            System.out.println(name + ": " + loc);
            return 0;
        }
    }

    /** Sizes are negative where they vary with the files (LEAF splits). */
    private static String size(int n) {
        return n < 0 ? "varies" : Integer.toString(n);
    }

    private static String shape(DatasetInfo i) {
        StringBuilder sb = new StringBuilder();
        for (int d : i.sampleShape()) {
            sb.append(sb.length() == 0 ? "" : "x").append(d);
        }
        return sb.toString();
    }
}
