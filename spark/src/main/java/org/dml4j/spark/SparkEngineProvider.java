package org.dml4j.spark;

import org.dml4j.cli.EngineProvider;
import org.dml4j.cli.Experiment;
import org.dml4j.model.ParameterLayout;
import org.dml4j.core.Snapshot;
import org.dml4j.fl.ClientPool;
import org.dml4j.sim.RoundListener;
import org.dml4j.sim.Simulation;
import org.dml4j.sim.SimulationResult;

/**
 * {@code dml4j run --engine spark [--master URL]}: a Spark application for the run ({@link SparkEngine}), stopped
 * when the run ends. Registered in {@code META-INF/services}. Thread-safe (stateless).
 */
public final class SparkEngineProvider implements EngineProvider {
    /** The engine's name. */
    public static final String NAME = "spark";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Simulation simulation(Experiment exp, Experiment.Prepared prepared, String master) {
        SparkEngine engine = new SparkEngine(master == null ? SparkEngine.MASTER_DEFAULT : master,
                "dml4j " + exp.name());
        try {
            return new Owning(engine.simulation(exp, prepared), engine);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /**
     * One Spark application for every run of the session ({@code dml4j sweep}): runs with the same client data share
     * its cached shards ({@link SparkEngine#shareData}).
     */
    @Override
    public Session open(String master) {
        SparkEngine engine = new SparkEngine(master == null ? SparkEngine.MASTER_DEFAULT : master, "dml4j sweep");
        engine.shareData(true);
        return new Session() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public Simulation simulation(Experiment exp, Experiment.Prepared prepared, String ignored) {
                return engine.simulation(exp, prepared);
            }

            @Override
            public void close() {
                engine.close();
            }
        };
    }

    /** A simulation that stops its engine when closed. */
    private record Owning(Simulation sim, SparkEngine engine) implements Simulation {
        @Override
        public SimulationResult run(RoundListener listener) {
            return sim.run(listener);
        }

        @Override
        public ClientPool pool() {
            return sim.pool();
        }

        @Override
        public ParameterLayout parameterLayout() {
            return sim.parameterLayout();
        }

        @Override
        public double[] uplinkLevels() {
            return sim.uplinkLevels();
        }

        @Override
        public String checkpointUnsupported() {
            return sim.checkpointUnsupported();
        }

        @Override
        public void resumeFrom(Snapshot checkpoint) {
            sim.resumeFrom(checkpoint);
        }

        @Override
        public void close() {
            try {
                sim.close();
            } finally {
                engine.close();
            }
        }
    }
}
