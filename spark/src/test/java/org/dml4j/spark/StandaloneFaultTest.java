package org.dml4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.dml4j.cli.Experiment;
import org.dml4j.cli.ExperimentRunner;
import org.dml4j.cli.config.ConfigTree;
import org.dml4j.cli.report.RunSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's second "done when": on a standalone master and two workers, each a JVM of its own on loopback
 * ({@link StandaloneCluster}), the quickstart ({@code examples/quickstart.toml}: FedAvg on Fashion-MNIST, 20
 * Dirichlet-skewed clients, half a round; cut to five rounds) loses one worker to SIGKILL while its executor trains, Spark reruns the lost
 * tasks and rebuilds the lost cached shards on the other worker, and the run ends with the in-process engine's
 * metrics, byte for byte; closing the cluster leaves none of its processes running. Fashion-MNIST is fetched on first
 * use like the quickstart's.
 */
class StandaloneFaultTest {
    /** The README's quickstart itself, cut to {@link #ROUNDS} rounds. */
    private static final Path QUICKSTART = Path.of("..", "examples", "quickstart.toml");
    private static final int ROUNDS = 5;
    private static final ExperimentRunner.Output QUIET = quiet();

    @TempDir
    Path dir;

    private static ExperimentRunner.Output quiet() {
        PrintStream p = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new ExperimentRunner.Output(p, p, false);
    }

    @Test
    void losingAWorkerMidRunGivesTheInProcessMetrics() throws Exception {
        // Prepare
        Path file = QUICKSTART;
        RunSummary inProcess = ExperimentRunner.run(load(file), dir.resolve("inprocess"), QUIET,
                List.of(), false);
        assertEquals(ROUNDS, inProcess.metrics().size());

        AtomicInteger trainingJobs = new AtomicInteger();
        Set<Integer> trainingStages = ConcurrentHashMap.newKeySet();
        AtomicReference<String> victim = new AtomicReference<>();
        AtomicInteger removed = new AtomicInteger();
        AtomicInteger lostTasks = new AtomicInteger();
        List<ProcessHandle> processes;
        try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster"), 2);
             JavaSparkContext sc = new JavaSparkContext(cluster.configure(SparkEngine.conf(cluster.masterUrl(),
                     "dml4j standalone fault test")))) {
            sc.sc().addSparkListener(new SparkListener() {
                @Override
                public void onJobStart(SparkListenerJobStart e) {
                    String what = e.properties().getProperty("spark.job.description", "");
                    // the third training job (round 3's cohort): the run is under way, rounds remain after it
                    if (what.startsWith("dml4j: train") && trainingJobs.incrementAndGet() == 3) {
                        e.stageIds().foreach(s -> trainingStages.add((Integer) s));
                    }
                }

                @Override
                public void onTaskStart(SparkListenerTaskStart e) {
                    if (trainingStages.contains(e.stageId())) {
                        victim.compareAndSet(null, e.taskInfo().executorId());
                    }
                }

                @Override
                public void onTaskEnd(SparkListenerTaskEnd e) {
                    if (e.reason() instanceof ExecutorLostFailure) {
                        lostTasks.incrementAndGet();
                    }
                }

                @Override
                public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
                    removed.incrementAndGet();
                }
            });
            Thread killer = new Thread(() -> {
                try {
                    while (victim.get() == null) {
                        Thread.sleep(5);
                    }
                    cluster.killWorker(cluster.workerOf(victim.get()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "worker-killer");
            killer.setDaemon(true);
            killer.start();

            // Execute
            RunSummary spark;
            try (SparkEngine engine = new SparkEngine(sc)) {
                spark = engine.run(load(file), dir.resolve("spark"), QUIET, false);
            }
            killer.interrupt();
            killer.join(60_000);

            // Assert
            assertTrue(victim.get() != null, "a training task of round 3 ran");
            assertEquals(1, cluster.aliveWorkers(), "one worker was killed");
            assertTrue(removed.get() >= 1, "the driver lost the killed worker's executor");
            assertTrue(lostTasks.get() >= 1, "a training task died with its executor and was rerun");
            assertEquals(ROUNDS, spark.metrics().size());
            processes = cluster.processes();
            assertTrue(processes.size() >= 2, "the master and the surviving worker run: " + processes);
        }
        for (ProcessHandle p : processes) {
            assertTrue(!p.isAlive(), "pid " + p.pid() + " of the cluster outlived close()");
        }
        assertEquals(read(dir.resolve("inprocess/metrics.csv")), read(dir.resolve("spark/metrics.csv")),
                "the same metrics as in process, byte for byte, after losing a worker mid-run");
    }

    private static Experiment load(Path file) {
        ConfigTree tree = ConfigTree.load(file);
        tree.set("run.rounds=" + ROUNDS);
        return Experiment.resolve(tree, "quickstart");
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p);
    }
}
