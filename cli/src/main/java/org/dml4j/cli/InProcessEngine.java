package org.dml4j.cli;

import org.dml4j.sim.Simulation;

/**
 * The default engine: the simulator in this JVM, participants training on {@code [run] threads} worker threads.
 * Thread-safe (stateless).
 */
public final class InProcessEngine implements EngineProvider {
    @Override
    public String name() {
        return IN_PROCESS;
    }

    @Override
    public Simulation simulation(Experiment exp, Experiment.Prepared prepared, String master) {
        if (master != null) {
            throw new IllegalArgumentException("--master " + master + " needs a cluster engine (--engine spark); the"
                    + " in-process engine runs on [run] threads of this JVM");
        }
        return prepared.simulation();
    }
}
