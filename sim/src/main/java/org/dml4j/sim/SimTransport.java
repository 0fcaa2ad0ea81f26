package org.dml4j.sim;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.dml4j.fl.Broadcast;
import org.dml4j.fl.Clock;
import org.dml4j.fl.Event;
import org.dml4j.fl.Participant;
import org.dml4j.fl.Progress;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Statistic;
import org.dml4j.fl.Task;
import org.dml4j.fl.Transport;
import org.dml4j.sim.engine.EventEngine;
import org.dml4j.sim.device.DeviceModel;
import org.dml4j.sim.engine.EventHandler;
import org.dml4j.sim.network.FluidNetwork;
import org.dml4j.sim.network.NetworkTopology;

/**
 * The simulated {@link Transport}: participants in this process, time on the virtual clock of a discrete-event
 * engine. A dispatched task starts training at once on its {@link Workers} (eagerly: a worker thread, or a cluster
 * job with the other tasks of the same event), while its life in virtual time is a
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
 * <p>Round exchanges ({@link Statistic}, {@link Transport#share}): tasks run through {@link Participant#begin}; when
 * the training ends with a statistic instead of a reply, the statistic is uploaded (its {@code wireBytes()}, on the
 * network like any transfer) and handed to the coordinator; the coordinator's combination is downloaded to the
 * participant, which then continues on a worker ({@link Participant#resume}, compression: no virtual compute time)
 * and uploads its next statistic or its reply. The reply's upload seconds are those of its last upload; the
 * exchanges' transfers lie between its compute and upload times.
 *
 * <p>Not thread-safe: {@link #run} and every call of the coordinator happen on one thread.
 */
public final class SimTransport implements Transport, org.dml4j.fl.checkpoint.Checkpointable {
    private java.util.function.ObjDoubleConsumer<Task> dispatchHook;
    private final EventEngine engine = new EventEngine();
    private final List<? extends Participant> participants;
    private final Workers workers;
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
    private final CompletableFuture<Progress>[] jobs;
    private final Statistic[] statistics;
    private final Statistic.Shared[] shared;
    private final EventHandler onStart = this::start;
    private final EventHandler onDownloaded = this::downloaded;
    private final EventHandler onOffline = this::offline;
    private final EventHandler onDropout = this::droppedOut;
    private final EventHandler onOnline = this::online;
    private final EventHandler onComputed = this::computed;
    private final EventHandler onUploaded = this::uploaded;
    private final EventHandler onReported = this::reported;
    private final EventHandler onShared = this::sharedArrived;
    private final EventHandler onTimer = this::timerFired;
    private final EventHandler onCheckpoint = this::checkpointFired;
    private Runnable checkpoint;
    private boolean restored;
    private final Reply[] replies;
    private Inbox inbox;
    private long runNanos;
    private long deliverNanos;
    private long waitNanos;
    private boolean stopped;

    SimTransport(List<? extends Participant> participants, Workers workers, NetworkTopology topology,
                 DeviceModel devices) {
        this(participants, workers, topology, devices, false);
    }

    /**
     * @param allWan whether every transfer crosses a WAN (edges talking to the cloud); else those that cross a
     *               region's link do
     */
    @SuppressWarnings("unchecked")
    SimTransport(List<? extends Participant> participants, Workers workers, NetworkTopology topology,
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
        statistics = new Statistic[n];
        shared = new Statistic.Shared[n];
    }

    @Override
    public Clock clock() {
        return engine::now;
    }

    @Override
    public boolean run(Inbox target) {
        this.inbox = Objects.requireNonNull(target, "inbox");
        if (!restored) {
            engine.schedule(engine.now(), onStart, 0);
        }
        long t0 = System.nanoTime();
        engine.run();
        runNanos += System.nanoTime() - t0;
        return stopped;
    }

    private void start(long unused) {
        deliver(new Event.Start());
    }

    private void deliverStatistic(Statistic st) {
        if (!stopped) {
            long t0 = System.nanoTime();
            inbox.statistic(st);
            deliverNanos += System.nanoTime() - t0;
            workers.flush();
        }
    }

    private void deliver(Event e) {
        if (!stopped) {
            long t0 = System.nanoTime();
            inbox.deliver(e);
            deliverNanos += System.nanoTime() - t0;
            workers.flush(); // the tasks the coordinator dispatched for this event start together
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

    /**
     * @param hook called on the coordinator's thread at every dispatch, before the task starts, with the task and the
     *             virtual time (a hierarchical run re-measures its groups there), or null for none
     */
    void onDispatch(java.util.function.ObjDoubleConsumer<Task> hook) {
        this.dispatchHook = hook;
    }

    @Override
    public void dispatch(Task t) {
        if (dispatchHook != null) {
            dispatchHook.accept(t, engine.now());
        }
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
        jobs[p] = workers.begin(participants.get(p), t, jobs[p], engine.now());
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
            workers.flush();
            Progress r = WorkerPool.join(jobs[p], "the task " + task[p].id() + " of participant " + p);
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
        workers.flush();
        Progress progress = WorkerPool.join(jobs[p], "the task " + task[p].id() + " of participant " + p);
        waitNanos += System.nanoTime() - t0;
        if (progress instanceof Statistic st) {
            statistics[p] = st;
            countWan(p, NetworkTopology.SERVER, st.wireBytes());
            if (network == null) {
                reported(p);
            } else {
                transfer[p] = network.send(p, NetworkTopology.SERVER, st.wireBytes(), onReported, p);
            }
            return;
        }
        Reply r = (Reply) progress;
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

    /** A statistic reached the coordinator; the task waits for the combination. */
    private void reported(long arg) {
        int p = (int) arg;
        transfer[p] = FluidNetwork.NO_TRANSFER;
        Statistic st = statistics[p];
        statistics[p] = null;
        deliverStatistic(st);
    }

    @Override
    public void share(int participant, Statistic.Shared combined) {
        Task t = task[participant];
        if (t == null || t.id() != combined.taskId()) {
            throw new IllegalStateException("participant " + participant + " is not running task "
                    + combined.taskId());
        }
        shared[participant] = combined;
        countWan(NetworkTopology.SERVER, participant, combined.wireBytes());
        if (network == null) {
            event[participant] = engine.schedule(engine.now(), onShared, participant);
        } else {
            transfer[participant] = network.send(NetworkTopology.SERVER, participant, combined.wireBytes(), onShared,
                    participant);
        }
    }

    /** The combination reached the participant: it continues (compression takes no virtual time). */
    private void sharedArrived(long arg) {
        int p = (int) arg;
        transfer[p] = FluidNetwork.NO_TRANSFER;
        Statistic.Shared sh = shared[p];
        shared[p] = null;
        jobs[p] = workers.resume(participants.get(p), sh, jobs[p]);
        phaseStart[p] = engine.now();
        event[p] = engine.schedule(engine.now(), onComputed, p);
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
        statistics[participant] = null;
        shared[participant] = null;
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

    /**
     * @return null when this transport's state can be checkpointed, else why not: transfers in flight on a
     *     {@link FluidNetwork} and edge aggregators (which run rounds of their own) are not saved
     */
    @Override
    public String checkpointUnsupported() {
        return checkpointUnsupported(network != null, participants);
    }

    /**
     * @param network      whether the run has a network model
     * @param participants the participants
     * @return null when such a transport can be checkpointed, else why not
     */
    static String checkpointUnsupported(boolean network, List<? extends Participant> participants) {
        if (network) {
            return "runs with a network model cannot be checkpointed yet (the transfers in flight on the fluid"
                    + " network are not saved); remove [network] or set [run] checkpoint-every = 0";
        }
        for (Participant p : participants) {
            if (p.timesItself()) {
                return "hierarchical runs cannot be checkpointed yet (the edges' own rounds are not saved)";
            }
        }
        return null;
    }

    /**
     * Calls {@code action} at the end of the current instant: after every event already due now, between events,
     * where {@link #save} may be called. A second request before it fires is ignored.
     *
     * @param action what to do then (save the run)
     */
    void checkpointAtEndOfInstant(Runnable action) {
        if (checkpoint == null && !stopped) {
            checkpoint = Objects.requireNonNull(action, "action");
            engine.schedule(engine.now(), onCheckpoint, 0);
        }
    }

    private void checkpointFired(long unused) {
        Runnable a = checkpoint;
        checkpoint = null;
        if (!stopped) {
            a.run();
        }
    }

    /**
     * Saves the clock, the pending events (device-model steps, timers, participants coming back online) and every
     * participant's task in flight; waits for every training started so far, so that the participants' state (their
     * compressors) is final and the replies of the tasks in flight are saved with them. Call between events (from a
     * {@link #checkpointAtEndOfInstant} action).
     *
     * @param out where to write
     * @throws UnsupportedOperationException when {@link #checkpointUnsupported} says so
     */
    @Override
    public void save(org.dml4j.core.Snapshot out) {
        String why = checkpointUnsupported();
        if (why != null) {
            throw new UnsupportedOperationException(why);
        }
        int n = participants.size();
        workers.flush();
        out.putDouble("now", engine.now()).putLong("participants", n).putLong("broadcast-bytes", broadcastBytes)
                .putLong("wan-bytes", wanBytes).putDoubles("phase-start", phaseStart)
                .putDoubles("compute-seconds", computeSeconds).putDoubles("download-seconds", downloadSeconds);
        for (int p = 0; p < n; p++) {
            if (jobs[p] != null) {
                Progress pr = jobs[p].handle((ok, e) -> ok).join(); // a cancelled task's failure was never read
                if (pr instanceof Statistic && task[p] != null) {
                    throw new UnsupportedOperationException("participant " + p + " is in a round exchange: a"
                            + " checkpoint is taken between rounds of an exchanging compressor");
                }
                Reply r = pr instanceof Reply reply ? reply : null;
                if (r == null && task[p] != null) {
                    WorkerPool.join(jobs[p], "the task " + task[p].id() + " of participant " + p);
                }
                if (r != null && task[p] != null) { // only a task in flight still needs its reply
                    org.dml4j.fl.checkpoint.Replies.save(out.under("job").under(Integer.toString(p)), r);
                }
            }
            if (replies[p] != null) {
                throw new IllegalStateException("participant " + p + " has a reply on the wire");
            }
            Task t = task[p];
            if (t != null) {
                out.under("task").under(Integer.toString(p)).putLong("id", t.id()).putLong("version", t.version())
                        .putBoolean("from-replica", t.fromReplica()).putLong("steps", t.localSteps())
                        .putDouble("lr", t.learningRate()).putDouble("mu", t.proxMu()).putDouble("level", t.level())
                        .putString("seed-path", t.seedPath());
            }
        }
        List<EventEngine.Pending> pending = engine.pendingEvents();
        String[] kinds = new String[pending.size()];
        double[] times = new double[pending.size()];
        long[] args = new long[pending.size()];
        for (int i = 0; i < kinds.length; i++) {
            EventEngine.Pending e = pending.get(i);
            EventHandler h = e.handler();
            kinds[i] = h == onComputed ? "computed" : h == onDropout ? "dropout" : h == onOffline ? "offline"
                    : h == onOnline ? "online" : h == onTimer ? "timer" : null;
            if (kinds[i] == null) {
                throw new UnsupportedOperationException("the simulator has a pending event it cannot save ("
                        + h + ")");
            }
            if (!kinds[i].equals("online") && !kinds[i].equals("timer") && event[(int) e.arg()] != e.id()) {
                throw new IllegalStateException("event " + e.id() + " is not participant " + e.arg() + "'s");
            }
            times[i] = e.time();
            args[i] = e.arg();
        }
        out.putString("event-kinds", String.join(",", kinds)).putDoubles("event-times", times)
                .putLongs("event-args", args);
    }

    /**
     * Restores what {@link #save} wrote into a fresh transport over the same participants and models; {@link #run}
     * then continues from the saved instant without delivering {@link Event.Start}.
     *
     * @param in what {@link #save} wrote
     */
    @Override
    public void restore(org.dml4j.core.Snapshot in) {
        if (restored || engine.pending() > 0 || engine.now() != 0) {
            throw new IllegalStateException("restore a fresh transport, once, before run()");
        }
        String why = checkpointUnsupported();
        if (why != null) {
            throw new UnsupportedOperationException(why);
        }
        int n = participants.size();
        if (in.getLong("participants") != n) {
            throw new IllegalArgumentException("checkpoint entry '" + in.prefix() + "participants' is "
                    + in.getLong("participants") + ", this run has " + n);
        }
        engine.runUntil(in.getDouble("now"));
        broadcastBytes = in.getLong("broadcast-bytes");
        wanBytes = in.getLong("wan-bytes");
        System.arraycopy(in.getDoubles("phase-start", n), 0, phaseStart, 0, n);
        System.arraycopy(in.getDoubles("compute-seconds", n), 0, computeSeconds, 0, n);
        System.arraycopy(in.getDoubles("download-seconds", n), 0, downloadSeconds, 0, n);
        for (int p = 0; p < n; p++) {
            org.dml4j.core.Snapshot j = in.under("job").under(Integer.toString(p));
            if (j.has("kind")) {
                jobs[p] = CompletableFuture.<Progress>completedFuture(org.dml4j.fl.checkpoint.Replies.read(j,
                        Integer.MAX_VALUE));
            }
            org.dml4j.core.Snapshot t = in.under("task").under(Integer.toString(p));
            if (t.has("id")) {
                // the task's training has run (its reply is the job's): its starting model is not needed any more
                task[p] = new Task(t.getLong("id"), p, t.getInt("version"), new float[0], t.getBoolean("from-replica"),
                        t.getInt("steps"), (float) t.getDouble("lr"), (float) t.getDouble("mu"), t.getDouble("level"),
                        t.getString("seed-path"));
            }
        }
        String kindList = in.getString("event-kinds");
        String[] kinds = kindList.isEmpty() ? new String[0] : kindList.split(",");
        double[] times = in.getDoubles("event-times");
        long[] args = in.getLongs("event-args");
        if (times.length != kinds.length || args.length != kinds.length) {
            throw new IllegalArgumentException("checkpoint entries under '" + in.prefix() + "event-' differ in length");
        }
        for (int i = 0; i < kinds.length; i++) {
            EventHandler h = switch (kinds[i]) {
                case "computed" -> onComputed;
                case "dropout" -> onDropout;
                case "offline" -> onOffline;
                case "online" -> onOnline;
                case "timer" -> onTimer;
                default -> throw new IllegalArgumentException("checkpoint event kind '" + kinds[i] + "' is unknown");
            };
            long id = engine.schedule(times[i], h, args[i]);
            if (h != onOnline && h != onTimer) {
                event[(int) args[i]] = id;
            }
        }
        restored = true;
    }
}
