package org.dml4j.cli;

import java.io.PrintWriter;
import org.dml4j.cli.parallel.ExpertsCommand;
import org.dml4j.cli.parallel.ScheduleCommand;
import org.dml4j.cli.planner.PlanCommand;
import org.dml4j.core.Dml4jException;
import org.dml4j.data.DatasetUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Entry point of the {@code dml4j} command. Results and summaries go to standard output; progress, logs and errors to
 * standard error. Configuration and data errors print one clear line (no stack trace) and exit with status 2; an
 * interrupted run exits with 130. Every command takes {@code --quiet} (results only) and {@code --verbose} (stack
 * traces and debug logs; {@code DML4J_DEBUG=1} does the same).
 */
@Command(name = "dml4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Communication-efficient distributed and federated learning for the JVM.",
        subcommands = {RunCommand.class, CompareCommand.class, SweepCommand.class, ServeCommand.class,
                JoinCommand.class, EdgeCommand.class, PeerCommand.class, CertsCommand.class, DatasetsCommand.class,
                ScheduleCommand.class, ExpertsCommand.class, PlanCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    private static volatile boolean quiet;
    private static volatile boolean verbose = System.getenv("DML4J_DEBUG") != null;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "print results only (no progress, partition table or log lines)")
    void quiet(boolean on) {
        quiet = on;
    }

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "print stack traces and debug logs (same as DML4J_DEBUG=1)")
    void verbose(boolean on) {
        if (on) {
            verbose = true;
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        }
    }

    /** @return whether {@code --quiet} was given */
    static boolean quiet() {
        return quiet;
    }

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
        quiet = false;
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            boolean debug = verbose;
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
