package org.dml4j.fl.testing;

import java.util.List;
import java.util.PriorityQueue;
import org.dml4j.fl.Broadcast;
import org.dml4j.fl.Clock;
import org.dml4j.fl.Event;
import org.dml4j.fl.Participant;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Task;
import org.dml4j.fl.Transport;

/**
 * A transport for tests: participants run on the calling thread when their task is dispatched, and the reply is
 * delivered {@code secondsPerStep[p] · steps + uploadSeconds[p]} later on a virtual clock, in (time, sequence)
 * order. A participant listed in {@code loseAt} is lost (with reason "dropout") instead of answering its n-th task.
 */
public final class LoopbackTransport implements Transport {
    private record Pending(double time, long seq, Event event, int participant, long taskId) {
    }

    private final List<? extends Participant> participants;
    private final double[] secondsPerStep;
    private final double[] uploadSeconds;
    private final PriorityQueue<Pending> queue = new PriorityQueue<>((a, b) -> a.time != b.time
            ? Double.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
    private double now;
    private long seq;
    private boolean stopped;
    private int dispatched;
    private final int loseEvery;

    /**
     * @param participants   by id
     * @param secondsPerStep compute seconds per local step, per participant
     * @param uploadSeconds  transfer seconds of a reply, per participant
     * @param loseEvery      every this many dispatches (counted over all participants) the task is lost; 0 never
     */
    public LoopbackTransport(List<? extends Participant> participants, double[] secondsPerStep,
                             double[] uploadSeconds, int loseEvery) {
        this.participants = List.copyOf(participants);
        this.secondsPerStep = secondsPerStep.clone();
        this.uploadSeconds = uploadSeconds.clone();
        this.loseEvery = loseEvery;
    }

    /**
     * @param participants by id
     * @return a transport without delays or losses
     */
    public static LoopbackTransport immediate(List<? extends Participant> participants) {
        return new LoopbackTransport(participants, new double[participants.size()],
                new double[participants.size()], 0);
    }

    @Override
    public Clock clock() {
        return () -> now;
    }

    @Override
    public boolean run(Inbox inbox) {
        queue.add(new Pending(now, seq++, new Event.Start(), -1, -1));
        while (!stopped && !queue.isEmpty()) {
            Pending p = queue.poll();
            now = p.time;
            inbox.deliver(p.event);
        }
        return stopped;
    }

    @Override
    public void dispatch(Task task) {
        int p = task.participant();
        dispatched++;
        double at = now + secondsPerStep[p] * task.localSteps() + uploadSeconds[p];
        if (loseEvery > 0 && dispatched % loseEvery == 0) {
            queue.add(new Pending(at, seq++, new Event.Lost(p, task.id(), "dropout"), p, task.id()));
            queue.add(new Pending(at, seq++, new Event.Idle(p), p, -1));
            return;
        }
        Reply r = participants.get(p).run(task, null);
        if (r instanceof Reply.Ok ok) {
            r = ok.withTimes(secondsPerStep[p] * task.localSteps(), 0, uploadSeconds[p]);
        }
        queue.add(new Pending(at, seq++, new Event.ReplyArrived(r), p, task.id()));
    }

    @Override
    public void cancel(int participant, long taskId) {
        if (!queue.removeIf(x -> x.taskId == taskId)) {
            throw new IllegalStateException("task " + taskId + " of participant " + participant + " is not pending");
        }
    }

    @Override
    public void broadcast(Broadcast broadcast) {
        // the toy participants start from the task's model; nothing to keep
    }

    @Override
    public void timer(double atSeconds, long tag) {
        queue.add(new Pending(Math.max(now, atSeconds), seq++, new Event.Timer(tag), -1, -1));
    }

    @Override
    public void stop() {
        stopped = true;
    }
}
