package org.dml4j.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dml4j.core.SeedTree;
import org.dml4j.core.Snapshot;
import org.dml4j.fl.Compression;
import org.dml4j.fl.DataAware;
import org.dml4j.fl.FedAvg;
import org.dml4j.fl.LocalTraining;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.fl.Strategy;
import org.dml4j.fl.async.FedAsync;
import org.dml4j.fl.async.FedBuff;
import org.dml4j.fl.async.FedLuck;
import org.dml4j.fl.robust.RobustStrategy;
import org.dml4j.fl.checkpoint.CheckpointFile;
import org.dml4j.sim.network.NetworkProvider;
import org.dml4j.sim.network.UniformNetworkConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A simulation checkpointed mid-run and resumed in a fresh simulation makes exactly the rows, event log and final
 * model of an uninterrupted one: tasks in flight, buffered replies, device-model events, the clients' error-feedback
 * residuals and the downlink replica all come back.
 */
class CheckpointResumeTest {
    private static final int ROUNDS = 12;
    private static final int AT = 5;

    private static Strategy strategy(String kind) {
        return switch (kind) {
            case "fedavg" -> new FedAvg("fedavg", 0.5, 1, 1f, 0f, 0.4, 0);
            case "fedbuff" -> new FedBuff(new FedBuff.FedBuffConfig(3, 1f, 5, "uniform", "polynomial", 0.5, 0, -1));
            case "fedluck" -> new FedLuck(new FedLuck.FedLuckConfig(1.5, 0.7f, 2, 60, 0.01, 1.0, 2, -1));
            case "median-fedasync" -> new RobustStrategy("median", new FedAsync(FedAsync.FedAsyncConfig.defaults()),
                    new RobustStrategy.AggregationConfig("median", 0.1, 1, 1, 0), 1f);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static SimulationSpec spec(String kind) {
        Compression c = new Compression(FederatedSimulationTest.topk(Map.of("ratio", 0.5, "error-feedback", true)),
                DataAware.UNIFORM, Double.NaN, FederatedSimulationTest.topk(Map.of("ratio", 0.5)));
        return new SimulationSpec(11, ROUNDS, 2, 2, FederatedSimulationTest.clients(false),
                FederatedSimulationTest.data(50, 99, false), FederatedSimulationTest.FakeModel::new, strategy(kind), c,
                new LocalTraining(8, 1, 0, round -> 0.1, 0f, 0f), VirtualTimeTest.devices(p -> 0.05 * (1 + p % 3),
                        0.15), null);
    }

    /** What a run produced; {@code checkpoint} and {@code eventsAt} when it stopped at its checkpoint. */
    private record Run(List<RoundMetrics> rows, List<String> events, float[] model, Snapshot checkpoint,
                       int eventsAt) {
    }

    /** Stops a run at its checkpoint, as Ctrl-C or SIGKILL would. */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private static Run run(SimulationSpec spec, Snapshot resume, boolean stopAtCheckpoint) {
        List<RoundMetrics> rows = new ArrayList<>();
        List<String> events = new ArrayList<>();
        Snapshot[] saved = {null};
        int[] at = {-1};
        try (FederatedSimulation sim = new FederatedSimulation(spec)) {
            assertNull(sim.checkpointUnsupported());
            if (resume != null) {
                sim.resumeFrom(resume);
            }
            SimulationResult r = sim.run(new RoundListener() {
                @Override
                public void onRound(RoundMetrics m, RoundTiming t) {
                    rows.add(m);
                }

                @Override
                public void onEventLog(String line) {
                    events.add(line);
                }

                @Override
                public boolean checkpointDue(int version) {
                    return version == AT;
                }

                @Override
                public void onCheckpoint(Snapshot s) {
                    saved[0] = CheckpointFile.decode(CheckpointFile.encode(s)); // through the file format
                    at[0] = events.size();
                    if (stopAtCheckpoint) {
                        throw new Stop();
                    }
                }
            });
            return new Run(r.rounds(), events, r.finalParams(), saved[0], at[0]);
        } catch (Stop stop) {
            return new Run(rows, events, null, saved[0], at[0]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fedavg", "fedbuff", "fedluck", "median-fedasync"})
    void aResumedRunMakesWhatTheUninterruptedOneMade(String kind) {
        // Prepare
        Run whole = run(spec(kind), null, false);
        Run stopped = run(spec(kind), null, true);
        int version = stopped.checkpoint().under("coordinator").getInt("version");
        assertTrue(version >= AT && version < ROUNDS, "checkpoint at version " + version);

        // Execute
        Run resumed = run(spec(kind), stopped.checkpoint(), false);

        // Assert
        assertEquals(whole.rows(), resumed.rows());
        assertArrayEquals(whole.model(), resumed.model());
        List<String> joined = new ArrayList<>(stopped.events().subList(0, stopped.eventsAt()));
        joined.addAll(resumed.events());
        assertEquals(whole.events(), joined, "the event log continues where the checkpoint stood");
        assertTrue(whole.events().stream().anyMatch(l -> l.contains("\"e\":\"lost\"")), "dropouts happened");
    }

    @Test
    void aNetworkOrAStrategyWithoutCheckpointsIsRefusedWithTheReason() {
        SimulationSpec s = spec("fedavg");
        SimulationSpec withNetwork = new SimulationSpec(s.seed(), s.rounds(), s.threads(), s.evalEvery(),
                s.clientData(), s.test(), s.models(), s.strategy(), s.compression(), s.training(), s.devices(),
                NetworkProvider.REGISTRY.get("uniform").create(new UniformNetworkConfig(1, 1, 0, null, null, false,
                        10, 1000, 0, null, null, null), 7, SeedTree.root(1), null));
        try (FederatedSimulation sim = new FederatedSimulation(withNetwork)) {
            assertTrue(sim.checkpointUnsupported().contains("network"), sim.checkpointUnsupported());
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> sim.resumeFrom(new Snapshot()));
            assertTrue(e.getMessage().contains("network"), e.getMessage());
        }
        Strategy plain = new Strategy() { // a strategy that does not implement Checkpointable
            @Override
            public String name() {
                return "plain";
            }

            @Override
            public void onEvent(org.dml4j.fl.Event event, org.dml4j.fl.CoordinatorContext ctx) {
            }
        };
        SimulationSpec p = new SimulationSpec(s.seed(), s.rounds(), s.threads(), s.evalEvery(), s.clientData(),
                s.test(), s.models(), new RobustStrategy("median", plain, new RobustStrategy.AggregationConfig(
                "median", 0.1, 1, 1, 0), 1f), s.compression(), s.training(), s.devices(), null);
        try (FederatedSimulation sim = new FederatedSimulation(p)) {
            assertTrue(sim.checkpointUnsupported().contains("the strategy 'plain' cannot be checkpointed"),
                    sim.checkpointUnsupported());
        }
    }
}
