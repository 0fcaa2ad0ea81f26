package org.dml4j.spark;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.dml4j.cli.EngineProvider;
import org.dml4j.cli.Experiment;
import org.dml4j.cli.ExperimentRunner;
import org.dml4j.cli.report.RunSummary;
import org.dml4j.core.Snapshot;
import org.dml4j.data.Dataset;
import org.dml4j.fl.Compression;
import org.dml4j.sim.FederatedSimulation;
import org.dml4j.sim.Simulation;
import org.dml4j.sim.SimulationSpec;

/**
 * The Spark engine's entry point: runs an {@link Experiment} on a Spark master ({@code local[N]} or
 * {@code spark://HOST:PORT}) with the same numbers as the in-process engine for the same seed. The coordinator, its
 * strategy and the simulator's event engine (virtual clock, network and device models) stay on the driver; the
 * clients train on the executors ({@link SparkWorkers}).
 *
 * <pre>{@code
 * try (SparkEngine spark = new SparkEngine("local[2]", "my study")) {
 *     RunSummary s = spark.run(experiment, Path.of("runs/a"), ExperimentRunner.Output.standard(false), true);
 * }
 * }</pre>
 * One engine (one Spark application) can run many experiments, one after the other or from several threads; each
 * run distributes its own shards and drops them at its end.
 *
 * <p>Runs federated experiments (a coordinator over clients: FedAvg, FedProx, robust aggregation, FedAsync, FedBuff,
 * FedLuck, with any network and device model); hierarchical, gossip and cross-region experiments run in process
 * only. The uplink compressor's state must be checkpointable (it travels with each task).
 *
 * <p>Thread-safe.
 */
public final class SparkEngine implements AutoCloseable {
    /**
     * System property: partitions holding the client shards, at most one per client. The clients of one partition
     * train one after the other in one Spark task, so fewer partitions than a round's clients leave cores idle.
     */
    public static final String PARTITIONS_PROP_NAME = "dml4j.spark.partitions";
    /**
     * Partitions when {@link #PARTITIONS_PROP_NAME} is not set: one per client up to this many, so that a round's
     * clients are as many Spark tasks, balanced over the cores as the in-process worker threads balance them.
     */
    public static final int PARTITIONS_DEFAULT = 1024;
    /** The master when none is given: every core of this machine. */
    public static final String MASTER_DEFAULT = "local[*]";
    /** JVM flags the executors need (the launcher's): the Vector API, DJL's native access, DJL offline. */
    public static final String EXECUTOR_JAVA_OPTIONS = "--add-modules=jdk.incubator.vector"
            + " --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn";

    private final JavaSparkContext sc;
    private final boolean owned;
    private final SharedData.Cache sharedData = new SharedData.Cache();
    private volatile boolean shareData;

    /**
     * Starts a Spark application.
     *
     * @param master  {@code local[N]}, {@code local[*]} or {@code spark://HOST:PORT}
     * @param appName the application's name in Spark
     */
    public SparkEngine(String master, String appName) {
        this(new JavaSparkContext(conf(master, appName)), true);
    }

    /**
     * Runs on an application the caller started (and stops).
     *
     * @param sc the Spark context; {@link #close} leaves it running
     */
    public SparkEngine(JavaSparkContext sc) {
        this(sc, false);
    }

    private SparkEngine(JavaSparkContext sc, boolean owned) {
        this.sc = Objects.requireNonNull(sc, "sc");
        this.owned = owned;
    }

    /**
     * The configuration dml4j starts Spark with; {@code spark.*} system properties (e.g. from
     * {@code DML4J_JAVA_OPTS=-Dspark.executor.memory=4g}) win over these defaults. A local master, or a standalone
     * master on the loopback address, binds the driver to {@code 127.0.0.1}; the web UI is off unless asked for; a
     * cluster's executors get this JVM's class path (the same dml4j build at the same path on every worker) and the
     * launcher's JVM flags.
     *
     * @param master  {@code local[N]}, {@code local[*]} or {@code spark://HOST:PORT}
     * @param appName the application's name
     * @return the configuration
     * @throws IllegalArgumentException when the master is not one of those forms
     */
    public static SparkConf conf(String master, String appName) {
        Objects.requireNonNull(master, "master");
        boolean local = master.equals("local") || master.matches("local\\[(\\*|[1-9][0-9]*)(,[0-9]+)?]");
        if (!local && !master.matches("spark://[^\\s/]+(:[0-9]+)?(,[^\\s/]+(:[0-9]+)?)*")) {
            throw new IllegalArgumentException("--master must be local, local[N], local[*] or spark://HOST:PORT,"
                    + " got '" + master + "'");
        }
        SparkConf conf = new SparkConf().setMaster(master).setAppName(appName);
        conf.setIfMissing("spark.ui.enabled", "false");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        String host = local ? "127.0.0.1" : master.substring("spark://".length()).split("[:,]")[0];
        if (local || host.equals("127.0.0.1") || host.equals("localhost")
                || "127.0.0.1".equals(System.getenv("SPARK_LOCAL_IP"))) {
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
        }
        if (!local) {
            conf.setIfMissing("spark.executor.extraClassPath", System.getProperty("java.class.path"));
            conf.setIfMissing("spark.executor.extraJavaOptions", EXECUTOR_JAVA_OPTIONS);
        }
        return conf;
    }

    /**
     * Whether later runs share their cached data ({@code dml4j sweep}): when on, a run's shards and test slices stay
     * cached after it ends and a later run with the same data (content for content) and partition count uses them
     * instead of distributing its own; {@link #close} drops them. Off by default: each run distributes its own data
     * and drops it at its end.
     *
     * @param on share data between runs from now on
     */
    public void shareData(boolean on) {
        this.shareData = on;
    }

    /** @return how many distinct data sets the runs that share data have distributed so far */
    int sharedDistributions() {
        return sharedData.distributions();
    }

    /** @return the Spark context */
    public JavaSparkContext context() {
        return sc;
    }

    /**
     * Builds an experiment's simulation on this engine: its shards distributed and cached, the same coordinator
     * and event engine as in process.
     *
     * @param exp      the resolved experiment
     * @param prepared its data, partition and spec ({@link Experiment#prepare})
     * @return the simulation; close it to drop its cached shards (the engine stays up)
     * @throws IllegalArgumentException when the experiment is not a flat federated one, or its compressor's state
     *     cannot travel with a task
     */
    public Simulation simulation(Experiment exp, Experiment.Prepared prepared) {
        if (prepared.gossip() != null || prepared.crossRegion() != null || prepared.hierarchy() != null) {
            throw new IllegalArgumentException("the Spark engine runs federated experiments (a coordinator over"
                    + " clients); " + (prepared.gossip() != null ? "[gossip]" : prepared.crossRegion() != null
                    ? "[cross-region]" : "[topology] mode = \"hierarchical\"") + " runs with --engine inprocess");
        }
        SimulationSpec spec = prepared.spec();
        Compression compression = spec.compression();
        int[] sizes = spec.clientData().stream().mapToInt(Dataset::size).toArray();
        double[] levels = compression.dataAware().levels(sizes, compression.meanLevel());
        Dataset first = spec.clientData().get(0);
        RunRecipe recipe = new RunRecipe(exp, first.sampleShape(), first.numClasses(), levels);
        int partitions = Integer.getInteger(PARTITIONS_PROP_NAME, Math.max(PARTITIONS_DEFAULT,
                4 * sc.defaultParallelism()));
        SparkWorkers workers = new SparkWorkers(sc, spec, recipe, partitions, shareData ? sharedData : null);
        try {
            checkStateTravels(compression, workers);
        } catch (RuntimeException e) {
            workers.close();
            throw e;
        }
        return new FederatedSimulation(spec, null, workers);
    }

    /** Each client's compressor state travels with its task in the checkpoint format: check that it can. */
    private static void checkStateTravels(Compression compression, SparkWorkers workers) {
        try {
            compression.uplinkCompressor().newState(FederatedSimulation.updateLayout(workers.layout()),
                    new SplittableRandom(0)).save(new Snapshot());
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException("the Spark engine sends each client's compressor state with its task,"
                    + " and compressor '" + compression.uplinkCompressor().name() + "' cannot save its state: "
                    + e.getMessage() + "; run it with --engine inprocess");
        }
    }

    /**
     * Runs an experiment into a run folder, as {@code dml4j run --engine spark} does: the same files as in process.
     *
     * @param exp   the resolved experiment
     * @param out   the run folder (new, empty, or with {@code force} an earlier run's)
     * @param o     where to print
     * @param force replace an earlier run in {@code out}
     * @return the run's summary
     */
    public RunSummary run(Experiment exp, Path out, ExperimentRunner.Output o, boolean force) {
        return ExperimentRunner.run(exp, out, o, List.of("--engine", "spark", "--master", sc.master()), force,
                provider(), null);
    }

    /** @return an engine provider that builds simulations on this engine (and ignores the master) */
    public EngineProvider provider() {
        return new EngineProvider() {
            @Override
            public String name() {
                return SparkEngineProvider.NAME;
            }

            @Override
            public Simulation simulation(Experiment exp, Experiment.Prepared prepared, String master) {
                return SparkEngine.this.simulation(exp, prepared);
            }
        };
    }

    /** Drops the shared cached data, and stops the Spark application when this engine started it. */
    @Override
    public void close() {
        sharedData.clear();
        if (owned) {
            sc.stop();
        }
    }
}
