package org.dml4j.sim;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.dml4j.fl.Broadcast;
import org.dml4j.fl.Clock;
import org.dml4j.fl.Event;
import org.dml4j.fl.Participant;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Task;
import org.dml4j.fl.Transport;
import org.dml4j.sim.engine.EventEngine;
import org.dml4j.sim.device.DeviceModel;
import org.dml4j.sim.engine.EventHandler;
import org.dml4j.sim.network.FluidNetwork;
import org.dml4j.sim.network.NetworkTopology;

/**
 * The simulated {@link Transport}: participants in this process, time on the virtual clock of a discrete-event
 * engine. A dispatched task starts training at once on a worker thread (eagerly), while its life in virtual time is a
 * chain of events: the task's download over the {@link FluidNetwork} (its exact {@code wireBytes()}; under downlink
 * compression, the latest broadcast's), the local training (its plan from the {@link DeviceModel}: seconds per step,
 * and a dropout or the end of the device's online period, which loses the task and brings the participant back as
 * {@link Event.Idle} when it is online again; a task sent to an offline device is lost at once), the reply's upload (its
 * exact {@code wireBytes()}, sharing links max-min fairly with every other transfer), then
 * {@link Event.ReplyArrived}. A participant that {@linkplain Participant#timesItself() times itself} (an edge
 * aggregator) is waited for when its download ends, and its reply's compute seconds replace the device model's. The
 * engine releases events in (virtual time, sequence) order and the reply of a
 * training is waited for only when its virtual training ends, so the coordinator sees the same events in the same
 * order for any number of worker threads. Without a network, transfers take no time; without a device model, training
 * takes none.
 *
 * <p>Not thread-safe: {@link #run} and every call of the coordinator happen on one thread.
 */
public final class SimTransport implements Transport {
    private final EventEngine engine = new EventEngine();
    private final List<? extends Participant> participants;
    private final WorkerPool workers;
    private final DeviceModel devices;
    private final FluidNetwork network;
    private final long[] transfer;
    private final double[] phaseStart;
    private long broadcastBytes;
    private final NetworkTopology topology;
    private final boolean allWan;
    private long wanBytes;
    private final Task[] task;
    private final long[] event;
    private final double[] computeSeconds;
    private final double[] downloadSeconds;
    private final CompletableFuture<Reply>[] jobs;
    private final EventHandler onStart = this::start;
    private final EventHandler onDownloaded = this::downloaded;
    private final EventHandler onOffline = this::offline;
    private final EventHandler onDropout = this::droppedOut;
    private final EventHandler onOnline = this::online;
    private final EventHandler onComputed = this::computed;
    private final EventHandler onUploaded = this::uploaded;
    private final EventHandler onTimer = this::timerFired;
    private final Reply[] replies;
    private Inbox inbox;
    private long runNanos;
    private long deliverNanos;
    private long waitNanos;
    private boolean stopped;

    SimTransport(List<? extends Participant> participants, WorkerPool workers, NetworkTopology topology,
                 DeviceModel devices) {
        this(participants, workers, topology, devices, false);
    }

    /**
     * @param allWan whether every transfer crosses a WAN (edges talking to the cloud); else those that cross a
     *               region's link do
     */
    @SuppressWarnings("unchecked")
    SimTransport(List<? extends Participant> participants, WorkerPool workers, NetworkTopology topology,
                 DeviceModel devices, boolean allWan) {
        this.topology = topology;
        this.allWan = allWan;
        this.participants = List.copyOf(participants);
        this.workers = Objects.requireNonNull(workers, "workers");
        this.devices = devices;
        int n = participants.size();
        if (devices != null && devices.clients() != n) {
            throw new IllegalArgumentException("the device model has " + devices.clients() + " clients, the run " + n);
        }
        if (topology != null && topology.clients() != n) {
            throw new IllegalArgumentException("the network has " + topology.clients() + " clients, the run " + n);
        }
        this.network = topology == null ? null : new FluidNetwork(engine, topology);
        transfer = new long[n];
        phaseStart = new double[n];
        for (int i = 0; i < n; i++) {
            if (participants.get(i).id() != i) {
                throw new IllegalArgumentException("participant " + i + " has id " + participants.get(i).id());
            }
        }
        task = new Task[n];
        event = new long[n];
        computeSeconds = new double[n];
        downloadSeconds = new double[n];
        replies = new Reply[n];
        jobs = new CompletableFuture[n];
    }

    @Override
    public Clock clock() {
        return engine::now;
    }

    @Override
    public boolean run(Inbox target) {
        this.inbox = Objects.requireNonNull(target, "inbox");
        engine.schedule(engine.now(), onStart, 0);
        long t0 = System.nanoTime();
        engine.run();
        runNanos += System.nanoTime() - t0;
        return stopped;
    }

    private void start(long unused) {
        deliver(new Event.Start());
    }

    private void deliver(Event e) {
        if (!stopped) {
            long t0 = System.nanoTime();
            inbox.deliver(e);
            deliverNanos += System.nanoTime() - t0;
        }
    }

    /** @return bytes that crossed a WAN link so far, both directions */
    public long wanBytes() {
        return wanBytes;
    }

    private void countWan(int from, int to, long bytes) {
        if (allWan || topology != null && topology.crossesWan(from, to)) {
            wanBytes += bytes;
        }
    }

    /**
     * @return wall seconds the simulator itself spent in {@link #run}: the engine, the network and this transport,
     *     without the coordinator and strategy (event handling, aggregation, evaluation) and without waiting for
     *     training results
     */
    public double ownSeconds() {
        return (runNanos - deliverNanos - waitNanos) / 1e9;
    }

    @Override
    public void dispatch(Task t) {
        int p = t.participant();
        if (task[p] != null) {
            throw new IllegalStateException("participant " + p + " is running task " + task[p].id());
        }
        task[p] = t;
        phaseStart[p] = engine.now();
        if (devices != null && !devices.isOnline(p, engine.now())) {
            event[p] = engine.schedule(engine.now(), onOffline, p); // an offline device never starts the task
            return;
        }
        jobs[p] = workers.submit(participants.get(p), t, jobs[p]);
        long bytes = t.fromReplica() ? broadcastBytes : t.wireBytes();
        countWan(NetworkTopology.SERVER, p, bytes);
        if (network == null) {
            downloaded(p);
        } else {
            transfer[p] = network.send(NetworkTopology.SERVER, p, bytes, onDownloaded, p);
        }
    }

    private void downloaded(long arg) {
        int p = (int) arg;
        transfer[p] = FluidNetwork.NO_TRANSFER;
        double now = engine.now();
        downloadSeconds[p] = now - phaseStart[p];
        if (participants.get(p).timesItself()) { // an edge aggregator: the time of its inner rounds
            Reply r = WorkerPool.join(jobs[p], "the task " + task[p].id() + " of participant " + p);
            computeSeconds[p] = r instanceof Reply.Ok ok ? ok.computeSeconds() : 0;
            event[p] = engine.schedule(now + computeSeconds[p], onComputed, p);
            return;
        }
        if (devices == null) {
            computeSeconds[p] = 0;
            event[p] = engine.schedule(now, onComputed, p);
            return;
        }
        DeviceModel.TaskPlan plan = devices.plan(p, task[p].id(), now, task[p].localSteps());
        computeSeconds[p] = plan.computeSeconds();
        event[p] = plan.dropsOut() ? engine.schedule(plan.dropoutAt(), onDropout, p)
                : engine.schedule(now + plan.computeSeconds(), onComputed, p);
    }

    /** The participant was offline when its task was sent: lost now, idle again when it comes back. */
    private void offline(long arg) {
        lose((int) arg, "offline");
    }

    /** The participant dropped out during its computation (a random dropout, or its online period ended). */
    private void droppedOut(long arg) {
        int p = (int) arg;
        lose(p, devices.isOnline(p, engine.now()) ? "dropout" : "went offline");
    }

    private void lose(int p, String reason) {
        Task t = task[p];
        task[p] = null;
        event[p] = EventEngine.NO_EVENT;
        deliver(new Event.Lost(p, t.id(), reason));
        double back = devices.nextOnline(p, engine.now());
        if (back < Double.POSITIVE_INFINITY) {
            engine.schedule(back, onOnline, p);
        }
    }

    private void online(long arg) {
        deliver(new Event.Idle((int) arg));
    }

    private void computed(long arg) {
        int p = (int) arg;
        event[p] = EventEngine.NO_EVENT;
        long t0 = System.nanoTime();
        Reply r = WorkerPool.join(jobs[p], "the task " + task[p].id() + " of participant " + p);
        waitNanos += System.nanoTime() - t0;
        if (r instanceof Reply.Ok ok) {
            replies[p] = ok;
            phaseStart[p] = engine.now();
            countWan(p, NetworkTopology.SERVER, ok.update().wireBytes());
            if (network == null) {
                uploaded(p);
            } else {
                transfer[p] = network.send(p, NetworkTopology.SERVER, ok.update().wireBytes(), onUploaded, p);
            }
        } else {
            task[p] = null;
            deliver(new Event.ReplyArrived(r));
        }
    }

    private void uploaded(long arg) {
        int p = (int) arg;
        transfer[p] = FluidNetwork.NO_TRANSFER;
        if (devices != null && devices.onlineUntil(p, phaseStart[p]) < engine.now()) {
            replies[p] = null;
            lose(p, "went offline during the upload");
            return;
        }
        Reply.Ok r = ((Reply.Ok) replies[p]).withTimes(computeSeconds[p], downloadSeconds[p],
                engine.now() - phaseStart[p]);
        replies[p] = null;
        task[p] = null;
        deliver(new Event.ReplyArrived(r));
    }

    @Override
    public void cancel(int participant, long taskId) {
        Task t = task[participant];
        if (t == null || t.id() != taskId) {
            throw new IllegalStateException("participant " + participant + " is not running task " + taskId);
        }
        engine.cancel(event[participant]);
        if (network != null) {
            network.cancel(transfer[participant]);
        }
        task[participant] = null;
        replies[participant] = null;
        // the training already started keeps running; the next task of this participant waits for it
    }

    @Override
    public void broadcast(Broadcast b) {
        broadcastBytes = b.delta().wireBytes();
    }

    @Override
    public void timer(double atSeconds, long tag) {
        engine.schedule(Math.max(atSeconds, engine.now()), onTimer, tag);
    }

    private void timerFired(long tag) {
        deliver(new Event.Timer(tag));
    }

    @Override
    public void stop() {
        stopped = true;
        engine.stop();
    }
}
