package org.dml4j.bench;

import java.lang.management.ManagementFactory;
import java.util.BitSet;
import java.util.Locale;
import java.util.SplittableRandom;
import org.dml4j.core.SeedTree;
import org.dml4j.sim.device.AvailabilityConfig;
import org.dml4j.sim.device.DeviceModel;
import org.dml4j.sim.device.DeviceProvider;
import org.dml4j.sim.device.LogNormalDevicesConfig;
import org.dml4j.sim.engine.EventEngine;
import org.dml4j.sim.engine.EventHandler;
import org.dml4j.sim.network.FleetNetworkConfig;
import org.dml4j.sim.network.FluidNetwork;
import org.dml4j.sim.network.NetworkProvider;
import org.dml4j.sim.network.NetworkTopology;

/**
 * A scripted run of the simulator alone at fleet scale: {@code clients} registered clients on the {@code mobile}
 * network and device presets (1–20 Mb/s uplinks changing every 10 s, log-normal step times with a ~10x spread,
 * online half of every hour with a phase per client, 2% dropout), of which {@code inFlight} run a task at any time:
 * download the model, run the local steps, upload a compressed update, and make way for another client drawn at
 * random. No training happens: this measures the engine, the fluid network and the device model, and the heap they
 * retain. It prints the events fired, events per second of wall time, the heap in use after a full GC at the end,
 * the largest heap seen during the run, and a checksum of the completion times (identical across runs with the same
 * arguments).
 *
 * <p>Usage: {@code java -Xmx4g -cp benchmarks.jar org.dml4j.bench.FleetScaleRun [clients] [inFlight] [tasks]
 * [modelBytes]}; defaults 100000, 100, 200000, 1600000.
 */
public final class FleetScaleRun {
    private static final double RATIO = 0.1;
    private static final int STEPS = 10;

    private final EventEngine engine = new EventEngine();
    private final FluidNetwork net;
    private final DeviceModel devices;
    private final int clients;
    private final long modelBytes;
    private final long tasksWanted;
    private final SplittableRandom pick;
    private final BitSet busy;
    private final int[] client;
    private final long[] task;
    private final long[] transfer;
    private final long[] offline;
    private long nextTask;
    private long completed;
    private long dropped;
    private double checksum;
    private long maxHeap;

    private final EventHandler onDownloaded = this::downloaded;
    private final EventHandler onComputed = this::computed;
    private final EventHandler onDropout = this::droppedOut;
    private final EventHandler onUploaded = this::uploaded;
    private final EventHandler onOffline = this::offlineDuringUpload;
    private final EventHandler onRetry = this::start;

    private FleetScaleRun(int clients, int inFlight, long tasks, long modelBytes) {
        SeedTree seeds = SeedTree.root(42);
        NetworkTopology topology = NetworkProvider.REGISTRY.get("fleet")
                .create(FleetNetworkConfig.ofPreset("mobile"), clients, seeds, null);
        net = new FluidNetwork(engine, topology);
        LogNormalDevicesConfig dc = new LogNormalDevicesConfig("mobile", null, null, null,
                new AvailabilityConfig("periodic", 0.5, 3600.0, null), 0.02);
        devices = DeviceProvider.REGISTRY.get("lognormal").create(dc, clients, seeds, null);
        this.clients = clients;
        this.modelBytes = modelBytes;
        this.tasksWanted = tasks;
        this.pick = seeds.child("bench").child("pick").random();
        this.busy = new BitSet(clients);
        this.client = new int[inFlight];
        this.task = new long[inFlight];
        this.transfer = new long[inFlight];
        this.offline = new long[inFlight];
    }

    /** Picks an idle client that is online now and starts its download; retries later when none is found. */
    private void start(long slot) {
        int s = (int) slot;
        if (completed + dropped >= tasksWanted) {
            return;
        }
        double now = engine.now();
        for (int attempt = 0; attempt < 64; attempt++) {
            int c = pick.nextInt(clients);
            if (!busy.get(c) && devices.isOnline(c, now)) {
                busy.set(c);
                client[s] = c;
                task[s] = nextTask++;
                transfer[s] = net.send(NetworkTopology.SERVER, c, modelBytes, onDownloaded, s);
                return;
            }
        }
        engine.scheduleAfter(1.0, onRetry, s);
    }

    private void downloaded(long slot) {
        int s = (int) slot;
        DeviceModel.TaskPlan p = devices.plan(client[s], task[s], engine.now(), STEPS);
        if (p.dropsOut()) {
            engine.schedule(p.dropoutAt(), onDropout, s);
        } else {
            engine.schedule(p.end(), onComputed, s);
        }
    }

    private void computed(long slot) {
        int s = (int) slot;
        int c = client[s];
        transfer[s] = net.send(c, NetworkTopology.SERVER, (long) (RATIO * modelBytes), onUploaded, s);
        double until = devices.onlineUntil(c, engine.now());
        offline[s] = until == Double.POSITIVE_INFINITY ? EventEngine.NO_EVENT
                : engine.schedule(until, onOffline, s);
    }

    private void uploaded(long slot) {
        int s = (int) slot;
        engine.cancel(offline[s]);
        completed++;
        checksum += engine.now() * 1e-6 + client[s];
        finish(s);
    }

    private void offlineDuringUpload(long slot) {
        int s = (int) slot;
        if (net.cancel(transfer[s])) {
            droppedOut(slot);
        }
    }

    private void droppedOut(long slot) {
        dropped++;
        finish((int) slot);
    }

    private void finish(int s) {
        busy.clear(client[s]);
        if ((completed + dropped) % 10_000 == 0) {
            maxHeap = Math.max(maxHeap, usedHeap());
        }
        start(s);
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * @param args {@code [clients] [inFlight] [tasks] [modelBytes]}
     */
    public static void main(String[] args) {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        long tasks = args.length > 2 ? Long.parseLong(args[2]) : 200_000;
        long bytes = args.length > 3 ? Long.parseLong(args[3]) : 1_600_000;
        FleetScaleRun run = new FleetScaleRun(clients, inFlight, tasks, bytes);
        long t0 = System.nanoTime();
        for (int s = 0; s < inFlight; s++) {
            run.start(s);
        }
        run.engine.run();
        double wall = (System.nanoTime() - t0) / 1e9;
        System.gc();
        long retained = usedHeap();
        long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
        System.out.printf(Locale.ROOT, "clients %d, in flight %d, tasks %d completed + %d dropped, virtual %.1f s%n",
                clients, inFlight, run.completed, run.dropped, run.engine.now());
        System.out.printf(Locale.ROOT, "events %d in %.2f s wall: %.0f events/s; rate recomputations %d; links %d%n",
                run.engine.fired(), wall, run.engine.fired() / wall, run.net.recomputations(), run.net.linksCreated());
        System.out.printf(Locale.ROOT, "heap: %.1f MB retained after GC, %.1f MB largest sampled, %.0f MB max%n",
                retained / 1e6, Math.max(run.maxHeap, retained) / 1e6, max / 1e6);
        System.out.printf(Locale.ROOT, "checksum %.6f%n", run.checksum);
    }
}
