package org.dml4j.cli;

import org.dml4j.core.Registry;
import org.dml4j.sim.Simulation;

/**
 * Where {@code dml4j run --engine NAME} trains an experiment's participants: {@code inprocess} (the default, this
 * JVM's worker threads) or an engine from another module on the class path, such as {@code spark} (module
 * {@code spark}, built with {@code ./mvnw -Pspark install -pl spark -am}). Every engine runs the same coordinator and
 * event engine, in virtual time, on the calling thread, so the same experiment and seed give the same metrics.
 * Registered in {@code META-INF/services} and chosen by name.
 *
 * <p>Thread-safe.
 */
public interface EngineProvider {
    /** The providers on the class path. */
    Registry<EngineProvider> REGISTRY = new Registry<>("engine", EngineProvider.class, EngineProvider::name);

    /** The default engine's name. */
    String IN_PROCESS = "inprocess";

    /** @return the name given to {@code --engine} */
    String name();

    /**
     * Builds the run's simulation on this engine; closing it releases whatever the engine started for it.
     *
     * @param exp      the resolved experiment
     * @param prepared its data, partition and spec
     * @param master   where the engine runs ({@code --master}, e.g. {@code local[2]} or {@code spark://HOST:7077}),
     *                 or null for the engine's default
     * @return the simulation
     * @throws IllegalArgumentException when this engine cannot run the experiment (naming why) or the master
     */
    Simulation simulation(Experiment exp, Experiment.Prepared prepared, String master);

    /**
     * Opens this engine once for several runs ({@code dml4j sweep}): the Spark engine starts one application that
     * every run of the session shares (its executors, their models and the clients' cached data); by default each
     * run's simulation is built as {@link #simulation} builds it.
     *
     * @param master where the engine runs, or null for its default
     * @return the session; its {@code simulation} ignores the master given to it; close it after the last run
     * @throws IllegalArgumentException when the master is not one this engine takes
     */
    default Session open(String master) {
        EngineProvider engine = this;
        return new Session() {
            @Override
            public String name() {
                return engine.name();
            }

            @Override
            public Simulation simulation(Experiment exp, Experiment.Prepared prepared, String ignored) {
                return engine.simulation(exp, prepared, master);
            }

            @Override
            public void close() {
            }
        };
    }

    /** An engine held open for several runs ({@link #open}); thread-safe as its engine is. */
    interface Session extends EngineProvider, AutoCloseable {
        /** Releases what the engine started for the session (the Spark application). */
        @Override
        void close();
    }

    /**
     * @param name an engine name
     * @return its provider
     * @throws IllegalArgumentException for an unknown name; for {@code spark} when the module is not on the class
     *     path, saying how to build it
     */
    static EngineProvider get(String name) {
        if (name.equals("spark") && !REGISTRY.names().contains("spark")) {
            throw new IllegalArgumentException("--engine spark needs the optional module spark, which is not on the"
                    + " class path. Build it once with\n  ./mvnw -Pspark -DskipTests install -pl spark -am\n"
                    + "(it downloads Spark 4.2); ./dml4j then adds spark/target/dml4j-spark.jar and spark/target/lib/*"
                    + " to its class path by itself (elsewhere, put them on the class path or in DML4J_CLASSPATH).");
        }
        return REGISTRY.get(name);
    }
}
