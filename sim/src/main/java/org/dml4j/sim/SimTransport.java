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

/**
 * The simulated {@link Transport}: participants in this process, time on the virtual clock of a discrete-event
 * engine. A dispatched task starts training at once on a worker thread (eagerly), while its life in virtual time is a
 * chain of events: the task's download, the local training (seconds from the device model), the reply's upload
 * (seconds from the network model for the reply's exact {@code wireBytes()}), then {@link Event.ReplyArrived}. The
 * engine releases events in (virtual time, sequence) order and the reply of a training is waited for only when its
 * virtual training ends, so the coordinator sees the same events in the same order for any number of worker threads.
 *
 * <p>Not thread-safe: {@link #run} and every call of the coordinator happen on one thread.
 */
public final class SimTransport implements Transport {
    private final EventEngine engine = new EventEngine();
    private final List<? extends Participant> participants;
    private final WorkerPool workers;
    private final DelayModel delays;
    private final Task[] task;
    private final long[] event;
    private final double[] computeSeconds;
    private final double[] downloadSeconds;
    private final CompletableFuture<Reply>[] jobs;
    private final EventHandler onStart = this::start;
    private final EventHandler onComputed = this::computed;
    private final EventHandler onUploaded = this::uploaded;
    private final EventHandler onTimer = this::timerFired;
    private final Reply[] replies;
    private Inbox inbox;
    private boolean stopped;
    private long broadcasts;

    @SuppressWarnings("unchecked")
    SimTransport(List<? extends Participant> participants, WorkerPool workers, DelayModel delays) {
        this.participants = List.copyOf(participants);
        this.workers = Objects.requireNonNull(workers, "workers");
        this.delays = Objects.requireNonNull(delays, "delays");
        int n = participants.size();
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
        double down = delays.downloadSeconds(p, t.wireBytes());
        double compute = delays.computeSeconds(p, t.localSteps(), t.seedPath());
        check(down, "download", p);
        check(compute, "compute", p);
        downloadSeconds[p] = down;
        computeSeconds[p] = compute;
        event[p] = engine.schedule(engine.now() + down + compute, onComputed, p);
    }

    private static void check(double seconds, String what, int p) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalStateException(what + " time of participant " + p + " must be finite and >= 0, got "
                    + seconds);
        }
    }

    private void computed(long arg) {
        int p = (int) arg;
        Reply r = WorkerPool.join(jobs[p], "the task " + task[p].id() + " of participant " + p);
        if (r instanceof Reply.Ok ok) {
            double up = delays.uploadSeconds(p, ok.update().wireBytes());
            check(up, "upload", p);
            replies[p] = ok.withTimes(computeSeconds[p], downloadSeconds[p], up);
            event[p] = engine.schedule(engine.now() + up, onUploaded, p);
        } else {
            task[p] = null;
            deliver(new Event.ReplyArrived(r));
        }
    }

    private void uploaded(long arg) {
        int p = (int) arg;
        Reply r = replies[p];
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
        task[participant] = null;
        replies[participant] = null;
        // the training already started keeps running; the next task of this participant waits for it
    }

    @Override
    public void broadcast(Broadcast b) {
        broadcasts++;
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
