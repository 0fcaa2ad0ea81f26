package org.dml4j.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.dml4j.cli.Experiment;
import org.dml4j.cli.ExperimentRunner;
import org.dml4j.cli.InProcessEngine;
import org.dml4j.cli.config.ConfigTree;
import org.dml4j.cli.report.RunSummary;
import org.dml4j.core.AtomicFiles;
import org.dml4j.sim.RoundTiming;

/**
 * Issue 15's benchmark, in one JVM and one run: (1) the Spark engine's per-round overhead against the in-process
 * engine on the same small experiment (FedAvg, digits, an MLP: training is cheap, so the difference per round is the
 * engine's own cost: a job, a broadcast, task and state serialization), and (2) the wall time of a 1,000-client,
 * 100-per-round CNN run on Fashion-MNIST on {@code local[N]} against in process with {@code N} threads. Both pairs
 * must give the same {@code metrics.csv}; the benchmark fails otherwise. One Spark application serves every Spark
 * run; its start is timed apart.
 *
 * <pre>
 * java ... org.dml4j.spark.EngineBenchmark [--out DIR] [--master local[2]] [--threads 2]
 *      [--overhead-rounds 20] [--cnn-rounds 3] [--cnn-clients 1000] [--cnn-per-round 100] [--skip-cnn]
 * </pre>
 * {@code benchmarks/spark-engine.sh} builds and runs it; {@code benchmarks/SPARK.md} holds the numbers measured.
 *
 * <p>Not thread-safe (a main program).
 */
public final class EngineBenchmark {
    private static final String OVERHEAD = """
            [run]
            name = "overhead"
            seed = 1
            rounds = %d
            threads = %d
            [data]
            dataset = "digits"
            [partition]
            type = "shards"
            clients = 10
            classes-per-client = 3
            [model]
            type = "mlp"
            hidden = [64]
            [training]
            batch-size = 16
            local-epochs = 1
            momentum = 0.9
            schedule = { type = "constant", learning-rate = 0.05 }
            [strategy]
            type = "fedavg"
            fraction = 0.5
            """;
    private static final String CNN = """
            [run]
            name = "cnn"
            seed = 7
            rounds = %d
            threads = %d
            eval-every = %d
            [data]
            dataset = "fashion-mnist"
            max-test = 2000
            [partition]
            type = "iid"
            clients = %d
            [model]
            type = "cnn"
            [training]
            batch-size = 32
            local-epochs = 1
            momentum = 0.9
            schedule = { type = "constant", learning-rate = 0.05 }
            [strategy]
            type = "fedavg"
            fraction = %s
            """;

    private EngineBenchmark() {
    }

    /**
     * @param args see the class comment
     * @throws IOException when a result cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of("runs", "spark-benchmark");
        String master = "local[2]";
        int threads = 2;
        int overheadRounds = 20;
        int cnnRounds = 3;
        int cnnClients = 1000;
        int cnnPerRound = 100;
        boolean cnn = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--master" -> master = value(args, ++i, a);
                case "--threads" -> threads = positive(value(args, ++i, a), a);
                case "--overhead-rounds" -> overheadRounds = positive(value(args, ++i, a), a);
                case "--cnn-rounds" -> cnnRounds = positive(value(args, ++i, a), a);
                case "--cnn-clients" -> cnnClients = positive(value(args, ++i, a), a);
                case "--cnn-per-round" -> cnnPerRound = positive(value(args, ++i, a), a);
                case "--skip-cnn" -> cnn = false;
                default -> throw new IllegalArgumentException("unknown option '" + a + "'; see the Javadoc of "
                        + EngineBenchmark.class.getName());
            }
        }
        if (overheadRounds < 3) {
            throw new IllegalArgumentException("--overhead-rounds must be at least 3 (round 1 is left out), got "
                    + overheadRounds);
        }
        if (cnnPerRound > cnnClients) {
            throw new IllegalArgumentException("--cnn-per-round " + cnnPerRound + " exceeds --cnn-clients "
                    + cnnClients);
        }
        Files.createDirectories(out);
        List<String> report = new ArrayList<>();
        report.add(String.format(Locale.ROOT, "machine: %d cores seen by the JVM, Java %s, %s; master %s, in-process"
                        + " threads %d", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("os.arch"), master, threads));
        long start = System.nanoTime();
        try (SparkEngine spark = new SparkEngine(master, "dml4j engine benchmark")) {
            double appStart = (System.nanoTime() - start) / 1e9;
            report.add(String.format(Locale.ROOT, "Spark application start: %.2f s (not in any run below)",
                    appStart));

            Path file = out.resolve("overhead.toml");
            Files.writeString(file, String.format(Locale.ROOT, OVERHEAD, overheadRounds, threads));
            Pair o = pair(file, out.resolve("overhead"), spark);
            double a = meanAfterFirst(o.inProcess), b = meanAfterFirst(o.spark);
            double ma = medianAfterFirst(o.inProcess), mb = medianAfterFirst(o.spark);
            report.add(String.format(Locale.ROOT, "overhead (digits, 10 clients, 5 a round, MLP [64], %d rounds;"
                    + " round 1 left out): in-process %.4f s/round (median %.4f), spark %.4f s/round (median %.4f);"
                    + " spark overhead %.4f s/round (median %.4f), ratio %.2f; metrics.csv identical",
                    overheadRounds, a, ma, b, mb, b - a, mb - ma, b / a));

            if (cnn) {
                file = out.resolve("cnn.toml");
                Files.writeString(file, String.format(Locale.ROOT, CNN, cnnRounds, threads, cnnRounds, cnnClients,
                        Double.toString((double) cnnPerRound / cnnClients)));
                Pair c = pair(file, out.resolve("cnn"), spark);
                report.add(String.format(Locale.ROOT, "CNN (Fashion-MNIST, %d clients iid, %d a round, cnn [32,64]"
                        + " k5 512, batch 32, 1 local epoch, %d rounds, evaluated once at the end on 2,000 test"
                        + " images): in-process %.1f s, spark %.1f s, ratio %.2f; per round (round 1 left out)"
                        + " in-process %.2f s, spark %.2f s; metrics.csv identical", cnnClients, cnnPerRound,
                        cnnRounds, c.inProcess.wallSeconds(), c.spark.wallSeconds(),
                        c.spark.wallSeconds() / c.inProcess.wallSeconds(), meanAfterFirst(c.inProcess),
                        meanAfterFirst(c.spark)));
            }
        }
        String text = String.join("\n", report) + "\n";
        AtomicFiles.writeString(out.resolve("results.txt"), text);
        System.out.print(text);
    }

    /** The in-process and the Spark run of one experiment file. */
    private record Pair(RunSummary inProcess, RunSummary spark) {
    }

    private static Pair pair(Path file, Path out, SparkEngine spark) {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        ExperimentRunner.Output o = new ExperimentRunner.Output(quiet, quiet, false);
        RunSummary a = ExperimentRunner.run(load(file), out.resolve("inprocess"), o, List.of("inprocess"), true,
                new InProcessEngine(), null);
        RunSummary b = spark.run(load(file), out.resolve("spark"), o, true);
        try {
            if (!Arrays.equals(Files.readAllBytes(out.resolve("inprocess/metrics.csv")),
                    Files.readAllBytes(out.resolve("spark/metrics.csv")))) {
                throw new IllegalStateException("the engines' metrics.csv differ in " + out
                        + ": the comparison is void");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Pair(a, b);
    }

    private static Experiment load(Path file) {
        return Experiment.resolve(ConfigTree.load(file), "benchmark");
    }

    private static double[] wallAfterFirst(RunSummary s) {
        List<RoundTiming> t = s.timings();
        return t.subList(1, t.size()).stream().mapToDouble(RoundTiming::wallSeconds).toArray();
    }

    private static double meanAfterFirst(RunSummary s) {
        return Arrays.stream(wallAfterFirst(s)).average().orElse(Double.NaN);
    }

    private static double medianAfterFirst(RunSummary s) {
        double[] w = wallAfterFirst(s);
        Arrays.sort(w);
        return w.length == 0 ? Double.NaN : w.length % 2 == 1 ? w[w.length / 2]
                : (w[w.length / 2 - 1] + w[w.length / 2]) / 2;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int positive(String v, String option) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a positive integer, got '" + v + "'");
    }
}
