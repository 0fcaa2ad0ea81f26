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
import org.dml4j.sim.engine.EventHandler;
import org.dml4j.sim.network.FluidNetwork;
import org.dml4j.sim.network.NetworkTopology;

/**
 * The simulated {@link Transport}: participants in this process, time on the virtual clock of a discrete-event
 * engine. A dispatched task starts training at once on a worker thread (eagerly), while its life in virtual time is a
 * chain of events: the task's download over the {@link FluidNetwork} (its exact {@code wireBytes()}; under downlink
 * compression, the latest broadcast's), the local training (seconds from the device model), the reply's upload (its
 * exact {@code wireBytes()}, sharing links max-min fairly with every other transfer), then
 * {@link Event.ReplyArrived}. The engine releases events in (virtual time, sequence) order and the reply of a
 * training is waited for only when its virtual training ends, so the coordinator sees the same events in the same
 * order for any number of worker threads. Without a network, transfers take no time.
 *
 * <p>Not thread-safe: {@link #run} and every call of the coordinator happen on one thread.
 */
public final class SimTransport implements Transport {
    private final EventEngine engine = new EventEngine();
    private final List<? extends Participant> participants;
    private final WorkerPool workers;
    private final DelayModel delays;
    private final FluidNetwork network;
    private final long[] transfer;
    private final double[] phaseStart;
    private long broadcastBytes;
    private final Task[] task;
    private final long[] event;
    private final double[] computeSeconds;
    private final double[] downloadSeconds;
    private final CompletableFuture<Reply>[] jobs;
    private final EventHandler onStart = this::start;
    private final EventHandler onDownloaded = this::downloaded;
    private final EventHandler onComputed = this::computed;
    private final EventHandler onUploaded = this::uploaded;
    private final EventHandler onTimer = this::timerFired;
    private final Reply[] replies;
    private Inbox inbox;
    private boolean stopped;
    private long broadcasts;

    @SuppressWarnings("unchecked")
    SimTransport(List<? extends Participant> participants, WorkerPool workers, NetworkTopology topology,
                 DelayModel delays) {
        this.participants = List.copyOf(participants);
        this.workers = Objects.requireNonNull(workers, "workers");
        this.delays = Objects.requireNonNull(delays, "delays");
        int n = participants.size();
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

    /** @return downlink broadcasts sent so far */
    public long broadcasts() {
        return broadcasts;
    }

    @Override
    public boolean run(Inbox target) {
        this.inbox = Objects.requireNonNull(target, "inbox");
        engine.schedule(engine.now(), onStart, 0);
        engine.run();
        return stopped;
    }

    private void start(long unused) {
        deliver(new Event.Start());
    }

    private void deliver(Event e) {
        if (!stopped) {
            inbox.deliver(e);
        }
    }

    @Override
    public void dispatch(Task t) {
        int p = t.participant();
        if (task[p] != null) {
            throw new IllegalStateException("participant " + p + " is running task " + task[p].id());
        }
        task[p] = t;
        jobs[p] = workers.submit(participants.get(p), t, jobs[p]);
        phaseStart[p] = engine.now();
        long bytes = t.fromReplica() ? broadcastBytes : t.wireBytes();
        if (network == null) {
            downloaded(p);
        } else {
            transfer[p] = network.send(NetworkTopology.SERVER, p, bytes, onDownloaded, p);
        }
    }

    private void downloaded(long arg) {
        int p = (int) arg;
        transfer[p] = FluidNetwork.NO_TRANSFER;
        downloadSeconds[p] = engine.now() - phaseStart[p];
        double compute = delays.computeSeconds(p, task[p].localSteps(), task[p].seedPath());
        check(compute, "compute", p);
        computeSeconds[p] = compute;
        event[p] = engine.schedule(engine.now() + compute, onComputed, p);
    }

    private static void check(double seconds, String what, int p) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalStateException(what + " time of participant " + p + " must be finite and >= 0, got "
                    + seconds);
        }
    }

    private void computed(long arg) {
        int p = (int) arg;
        event[p] = EventEngine.NO_EVENT;
        Reply r = WorkerPool.join(jobs[p], "the task " + task[p].id() + " of participant " + p);
        if (r instanceof Reply.Ok ok) {
            replies[p] = ok;
            phaseStart[p] = engine.now();
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
        broadcasts++;
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
