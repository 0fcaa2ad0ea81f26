package org.dml4j.cli;

import java.io.PrintWriter;
import org.dml4j.cli.parallel.ExpertsCommand;
import org.dml4j.cli.parallel.ScheduleCommand;
import org.dml4j.cli.planner.PlanCommand;
import org.dml4j.core.Dml4jException;
import org.dml4j.data.DatasetUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code dml4j} command. Configuration and data errors print one clear line (no stack trace) and
 * exit with status 2; run {@code dml4j --verbose ...} (or set {@code DML4J_DEBUG=1}) for the stack trace.
 */
@Command(name = "dml4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Communication-efficient distributed and federated learning for the JVM.",
        subcommands = {RunCommand.class, CompareCommand.class, DatasetsCommand.class,
                ScheduleCommand.class, ExpertsCommand.class, PlanCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    /** Prints the dml4j version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"dml4j " + org.dml4j.core.RunManifest.version(), "Java "
                    + System.getProperty("java.version")};
        }
    }

    /**
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * Runs the command line without exiting the JVM (used by tests).
     *
     * @param args command-line arguments
     * @return the exit status
     */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            boolean debug = System.getenv("DML4J_DEBUG") != null;
            if (ex instanceof IllegalArgumentException || ex instanceof Dml4jException
                    || ex instanceof java.io.UncheckedIOException) {
                PrintWriter err = cmd.getErr();
                err.println("dml4j: " + ex.getMessage());
                if (ex instanceof DatasetUnavailableException) {
                    err.println("Without network access, ./dml4j run examples/digits.toml runs on the digits set"
                            + " bundled in dml4j.");
                }
                if (debug) {
                    ex.printStackTrace(err);
                }
                err.flush();
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }
}
