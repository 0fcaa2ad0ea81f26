package org.dml4j.bench;

import java.lang.management.ManagementFactory;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.dml4j.compress.CompressorProvider;
import org.dml4j.compress.Compressors;
import org.dml4j.core.SeedTree;
import org.dml4j.data.Dataset;
import org.dml4j.fl.Compression;
import org.dml4j.fl.LocalTraining;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.fl.async.FedBuff;
import org.dml4j.model.EvalResult;
import org.dml4j.model.Model;
import org.dml4j.model.ParameterLayout;
import org.dml4j.model.TrainResult;
import org.dml4j.model.TrainSpec;
import org.dml4j.sim.FederatedSimulation;
import org.dml4j.sim.RoundListener;
import org.dml4j.sim.RoundTiming;
import org.dml4j.sim.SimulationResult;
import org.dml4j.sim.SimulationSpec;
import org.dml4j.sim.device.DeviceProvider;
import org.dml4j.sim.device.LogNormalDevicesConfig;
import org.dml4j.sim.network.FleetNetworkConfig;
import org.dml4j.sim.network.NetworkProvider;

/**
 * A scripted scale run of the simulated runtime: many registered clients (their compressor state, links and device
 * speed created on first use), FedBuff keeping a fixed number in flight, Top-k 1% with error feedback on a model of
 * the quickstart MLP's size (159,010 parameters) whose "training" is a cheap deterministic update, so that the run
 * measures the runtime rather than the model. Prints the heap in use after a full GC, the wall time and the
 * simulator's own share of it.
 *
 * <p>Usage: {@code java -Xmx4g -cp benchmarks.jar org.dml4j.bench.RuntimeScale [clients] [in-flight] [versions]},
 * default 100000 100 200.
 */
public final class RuntimeScale {
    private RuntimeScale() {
    }

    /** A linear "model" whose step moves every parameter towards a sample's first feature. */
    static final class CheapModel implements Model {
        private final ParameterLayout layout = new ParameterLayout.Builder().add("w1", 784, 200).add("b1", 200)
                .add("w2", 200, 10).add("b2", 10).build();
        private final float[] w = new float[layout.size()];

        @Override
        public ParameterLayout layout() {
            return layout;
        }

        @Override
        public void getParams(float[] out) {
            System.arraycopy(w, 0, out, 0, w.length);
        }

        @Override
        public void setParams(float[] in) {
            System.arraycopy(in, 0, w, 0, w.length);
        }

        @Override
        public TrainResult train(Dataset data, TrainSpec spec, SplittableRandom rng) {
            float[] sample = new float[data.featureSize()];
            for (int s = 0; s < spec.steps(); s++) {
                data.copyFeatures(rng.nextInt(data.size()), sample, 0);
                float x = sample[0];
                for (int i = 0; i < w.length; i++) {
                    w[i] -= spec.learningRate() * (w[i] - x * ((i % 7) - 3));
                }
            }
            return new TrainResult(spec.steps(), spec.steps(), 0.5);
        }

        @Override
        public EvalResult evaluate(Dataset data) {
            return new EvalResult(data.size(), 1, 0.5);
        }

        @Override
        public void close() {
        }
    }

    /**
     * @param args clients, in-flight, versions
     */
    public static void main(String[] args) {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int versions = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        SplittableRandom r = new SplittableRandom(1);
        float[] f = new float[16 * 4];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) r.nextDouble();
        }
        Dataset shard = new Dataset("shard", f, new int[16], new int[] {4}, 10); // one shard object for every client
        List<Dataset> data = Collections.nCopies(clients, shard);
        SeedTree seeds = SeedTree.root(7);
        var network = NetworkProvider.REGISTRY.get("fleet").create(new FleetNetworkConfig("mobile", null, null, null,
                null, null, null, null, null, null, null, null, null, null, null), clients, seeds, null);
        var devices = DeviceProvider.REGISTRY.get("lognormal").create(LogNormalDevicesConfig.mobile(), clients,
                seeds, null);
        var topk = Compressors.bind(CompressorProvider.REGISTRY.get("topk").configType(),
                Map.of("ratio", 0.01, "error-feedback", true));
        FedBuff strategy = new FedBuff(new FedBuff.FedBuffConfig(10, 1f, inFlight, "uniform", "polynomial", 0.5, 0,
                -1));
        SimulationSpec spec = new SimulationSpec(7, versions, 2, versions, data, shard, CheapModel::new, strategy,
                Compression.uplinkOnly(topk), new LocalTraining(8, 1, 2, v -> 0.01, 0f, 0f), devices, network);
        long events = 0;
        long t0 = System.nanoTime();
        SimulationResult result;
        long[] lines = {0};
        try (FederatedSimulation sim = new FederatedSimulation(spec)) {
            result = sim.run(new RoundListener() {
                @Override
                public void onRound(RoundMetrics metrics, RoundTiming timing) {
                }

                @Override
                public void onEventLog(String jsonLine) {
                    lines[0]++;
                }
            });
            double wall = (System.nanoTime() - t0) / 1e9;
            System.gc();
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long trained = 0;
            for (int p = 0; p < clients; p++) {
                trained += result.stats().dispatched(p) > 0 ? 1 : 0;
            }
            events = lines[0];
            System.out.printf(Locale.ROOT, "clients %d, in flight %d, versions %d: %d coordinator events, %d clients"
                    + " trained, virtual %.1f s; wall %.2f s; simulator's own time %.3f s (%.1f%%); heap in use after"
                    + " GC %.0f MB of max %.0f MB%n", clients, inFlight, versions, events, trained,
                    result.rounds().get(result.rounds().size() - 1).simSeconds(), wall, result.simulatorSeconds(),
                    100 * result.simulatorSeconds() / wall, used / 1e6, Runtime.getRuntime().maxMemory() / 1e6);
        }
    }
}
