package org.dml4j.fl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.dml4j.compress.CompressedUpdate;
import org.dml4j.compress.DownlinkCompressor;
import org.dml4j.compress.GradientCompressor;
import org.dml4j.compress.UpdateLayout;
import org.dml4j.core.Json;
import org.dml4j.core.SeedTree;
import org.dml4j.core.Snapshot;
import org.dml4j.fl.checkpoint.Checkpointable;
import org.dml4j.model.EvalResult;

/**
 * The server side of every federated mode: it runs the {@link Strategy} over the events of a {@link Transport} and
 * does what is common to all strategies: building self-contained {@link Task}s (version, model or replica, steps,
 * learning rate, compression level, seed path), the downlink broadcast with its replica (server-side error
 * feedback), byte accounting in both directions, evaluation, one metrics row per model version, per-participant
 * counts, the staleness histogram and the event log. It does no I/O and reads no clock but the transport's.
 *
 * <p>Downlink: without a downlink compressor each task carries the dense global model (its bytes are counted per
 * task). With one, the first dispatch from a version broadcasts that version's compressed change to every
 * participant (counted once per participant of the pool) and tasks carry only the version: participants start from
 * their replica.
 *
 * <p>Seed paths: a task's randomness is {@code client/<id>/<version + 1>}, with {@code /<n>} appended for the n-th
 * (n ≥ 1) further task of the same participant from the same version; {@link CoordinatorContext#random} is
 * {@code <purpose>/<index>}. Nothing depends on a worker thread, so a run is identical for any thread count.
 *
 * <p>Round exchanges ({@link org.dml4j.compress.RoundExchange}: TernGrad's shared scaler, PowerSGD's shared P and Q):
 * a participant whose compressor needs statistics of the other participants before it compresses reports a
 * {@link Statistic} through {@link Transport.Inbox#statistic}; its task stays in flight. The coordinator waits until
 * every task in flight from the same model version that has finished the same number of phases has reported this
 * phase (or ended: replied, failed, lost, cancelled), combines the reports in participant order by the phase's
 * reduction, and sends each of them the combination ({@link Transport#share}). Each report counts as uplink bytes and
 * each combination sent as downlink bytes of the open metrics row ({@link Statistic#wireBytes}); the strategy sees only
 * the replies, so every strategy runs with such a compressor unchanged (a synchronous cohort is one group; an
 * asynchronous strategy's tasks of one version are). A checkpoint cannot be taken while an exchange is open.
 *
 * <p>Checkpoints ({@link Checkpointable}): {@link #save} writes everything the coordinator keeps (the global model and
 * version, the downlink replica and compressor state, per-participant task bookkeeping and seed-path counters, the
 * open metrics row, every row made so far, the counts) and the strategy's state under {@code strategy/}, when the
 * strategy is {@link Checkpointable}. Call it between events, on the delivering thread. A coordinator built with the
 * same settings, strategy configuration and seed and given the snapshot by {@link #restore} before {@link #run}
 * continues exactly where the saved one stood: its {@code run} does not deliver {@link Event.Start} to the strategy nor
 * write the event log's header again, so the transport must be restored to the same instant too (the simulator's is;
 * a network transport re-sends the tasks still in flight).
 *
 * <p>Not thread-safe: {@link #run} is called once, and everything happens on the transport's delivering thread.
 */
public final class Coordinator implements CoordinatorContext, Checkpointable {
    /** First line of every event log: its format and version (readers reject other versions). */
    public static final String EVENT_LOG_HEADER = "{\"format\":\"dml4j-events\",\"version\":1}";

    /**
     * What a coordinator needs besides its strategy, transport, evaluator and listener.
     *
     * @param seed         root seed of the run
     * @param versions     model versions to make before the run ends, at least 1
     * @param evalEvery    evaluate every this many versions (and always the last), at least 1
     * @param pool         the participants
     * @param training     local training settings
     * @param initialModel version 0 of the global model (copied)
     * @param downlink     the server's downlink compressor, or null to send dense models
     * @param layout       the model's layout for the downlink compressor (null when there is none)
     */
    public record Settings(long seed, int versions, int evalEvery, ClientPool pool, LocalTraining training,
                           float[] initialModel, GradientCompressor downlink, UpdateLayout layout) {
        /** Validates the fields. */
        public Settings {
            if (versions < 1) {
                throw new IllegalArgumentException("rounds must be >= 1, got " + versions);
            }
            if (evalEvery < 1) {
                throw new IllegalArgumentException("eval-every must be >= 1, got " + evalEvery);
            }
            Objects.requireNonNull(pool, "pool");
            Objects.requireNonNull(training, "training");
            Objects.requireNonNull(initialModel, "initialModel");
            if (downlink != null) {
                Objects.requireNonNull(layout, "layout");
            }
        }
    }

    private final Settings settings;
    private final SeedTree seeds;
    private final Strategy strategy;
    private final Transport transport;
    private final Evaluator evaluator;
    private final CoordinatorListener listener;
    private final int dim;
    private final DownlinkCompressor downlink;
    private final RunStats stats;
    // participant state
    private final long[] taskOf;          // running task id, or -1
    private final int[] lastVersion;      // version of the participant's last dispatch
    private final int[] repeats;          // further dispatches from lastVersion
    private final int[] stepsOf;          // local steps of the running task
    private final double[] levelOf;       // compression level of the running task
    private final boolean[] unavailable;
    private final Statistic[] reported;  // the running task's report waiting for its phase's combination, or null
    private final int[] phasesDone;       // exchange phases the running task has finished
    private int openExchanges;            // running tasks that have reported at least once
    private boolean restored;
    private int idleCount;
    private int inFlight;
    // model
    private float[] global;
    private int version;
    private float[] replica;
    private int broadcastVersion = -1;
    private long nextTask;
    private boolean finished;
    private long eventsSinceCommit;
    private final long eventLimit;
    // the open metrics row
    private int rowDispatched;
    private int rowFailed;
    private double rowLearningRate = Double.NaN;
    private long rowElementsUp;
    private long rowBytesUp;
    private int rowOk;
    private long rowElementsDown;
    private long rowBytesDown;
    private long rowReceivers;
    private long totalUp;
    private long totalDown;
    private final List<RoundMetrics> rows = new ArrayList<>();

    /**
     * @param settings  the run
     * @param strategy  the server algorithm
     * @param transport how participants are reached
     * @param evaluator evaluates the global model
     * @param listener  receives rows, log lines and the event log
     */
    public Coordinator(Settings settings, Strategy strategy, Transport transport, Evaluator evaluator,
                       CoordinatorListener listener) {
        this.settings = settings;
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.seeds = SeedTree.root(settings.seed());
        this.global = settings.initialModel().clone();
        this.dim = global.length;
        this.downlink = settings.downlink() == null ? null
                : new DownlinkCompressor(settings.downlink(), settings.layout(), global,
                        seeds.child("downlink").random());
        int n = settings.pool().size();
        this.stats = new RunStats(n);
        this.taskOf = new long[n];
        this.lastVersion = new int[n];
        this.repeats = new int[n];
        this.stepsOf = new int[n];
        this.levelOf = new double[n];
        this.unavailable = new boolean[n];
        this.reported = new Statistic[n];
        this.phasesDone = new int[n];
        Arrays.fill(taskOf, -1);
        Arrays.fill(lastVersion, -1);
        this.idleCount = n;
        this.eventLimit = 1_000_000L + 1_000L * n;
    }

    /**
     * Runs the strategy until it has made the final version.
     *
     * @return one metrics row per version
     * @throws StallException when no event can come any more before the final version, naming the virtual time and
     *                        the participants waited on
     */
    public List<RoundMetrics> run() {
        if (!restored) {
            listener.onEventLog(EVENT_LOG_HEADER);
        }
        boolean stopped = transport.run(new Transport.Inbox() {
            @Override
            public void deliver(Event event) {
                Coordinator.this.deliver(event);
            }

            @Override
            public void statistic(Statistic statistic) {
                Coordinator.this.statistic(statistic);
            }
        });
        if (!stopped || !finished) {
            throw new StallException(String.format(java.util.Locale.ROOT,
                    "the run stalled at %s s (virtual) at version %d of %d: no event can arrive; %s",
                    Double.toString(now()), version, settings.versions(), waitingOn()));
        }
        return List.copyOf(rows);
    }

    private String waitingOn() {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        int busyCount = 0;
        for (int p = 0; p < taskOf.length; p++) {
            if (taskOf[p] >= 0) {
                busyCount++;
                if (shown++ < 20) {
                    sb.append(shown == 1 ? "" : ", ").append(p);
                }
            }
        }
        if (busyCount == 0) {
            return "no participant is running a task and the strategy '" + strategy.name()
                    + "' scheduled nothing (" + idleCount + " idle, " + countUnavailable() + " unavailable)";
        }
        return "waiting on " + busyCount + " participant(s): " + sb + (busyCount > shown ? ", ..." : "");
    }

    private int countUnavailable() {
        int c = 0;
        for (boolean u : unavailable) {
            c += u ? 1 : 0;
        }
        return c;
    }

    private void deliver(Event e) {
        if (finished) {
            return;
        }
        if (++eventsSinceCommit > eventLimit) {
            throw new StallException("the run makes no progress: " + eventLimit + " events at version " + version
                    + " of " + settings.versions() + " without a new version (virtual time " + now() + " s); "
                    + waitingOn() + "; per participant so far: " + stats);
        }
        switch (e) {
            case Event.Start s -> event("{\"t\":" + now() + ",\"e\":\"start\",\"participants\":" + taskOf.length + "}");
            case Event.ReplyArrived r -> {
                Reply reply = r.reply();
                int p = reply.participant();
                if (taskOf[p] != reply.taskId()) {
                    throw new IllegalStateException("transport delivered a reply to task " + reply.taskId()
                            + " of participant " + p + ", whose task is " + taskOf[p]);
                }
                release(p);
                clientRound(reply, p);
                if (reply instanceof Reply.Ok ok) {
                    CompressedUpdate u = ok.update();
                    rowElementsUp += u.elements();
                    rowBytesUp += u.wireBytes();
                    rowOk++;
                    stats.onAnswered(p);
                    event("{\"t\":" + now() + ",\"e\":\"reply\",\"task\":" + ok.taskId() + ",\"p\":" + p
                            + ",\"base\":" + ok.baseVersion() + ",\"bytes\":" + u.wireBytes() + ",\"loss\":"
                            + ok.trainLoss() + ",\"compute\":" + ok.computeSeconds() + ",\"down\":"
                            + ok.downloadSeconds() + ",\"up\":" + ok.uploadSeconds() + "}");
                } else {
                    Reply.Failed f = (Reply.Failed) reply;
                    rowFailed++;
                    stats.onFailed(p);
                    event("{\"t\":" + now() + ",\"e\":\"failed\",\"task\":" + f.taskId() + ",\"p\":" + p
                            + ",\"reason\":" + quote(f.reason()) + "}");
                }
            }
            case Event.Lost l -> {
                int p = l.participant();
                if (l.taskId() >= 0) {
                    if (taskOf[p] != l.taskId()) {
                        throw new IllegalStateException("transport lost task " + l.taskId() + " of participant "
                                + p + ", whose task is " + taskOf[p]);
                    }
                    release(p);
                    clientOutcome(p, l.taskId(), "lost");
                    rowFailed++;
                    stats.onLost(p);
                }
                if (!unavailable[p]) {
                    unavailable[p] = true;
                    idleCount--;
                }
                event("{\"t\":" + now() + ",\"e\":\"lost\",\"task\":" + l.taskId() + ",\"p\":" + p + ",\"reason\":"
                        + quote(l.reason()) + "}");
            }
            case Event.Idle i -> {
                int p = i.participant();
                if (unavailable[p]) {
                    unavailable[p] = false;
                    if (taskOf[p] < 0) {
                        idleCount++;
                    }
                }
                event("{\"t\":" + now() + ",\"e\":\"idle\",\"p\":" + p + "}");
            }
            case Event.Timer t -> event("{\"t\":" + now() + ",\"e\":\"timer\",\"tag\":" + t.tag() + "}");
        }
        strategy.onEvent(e, this);
    }

    private void statistic(Statistic s) {
        if (finished) {
            return;
        }
        int p = s.participant();
        if (taskOf[p] != s.taskId()) {
            throw new IllegalStateException("transport delivered a statistic of task " + s.taskId()
                    + " of participant " + p + ", whose task is " + taskOf[p]);
        }
        if (reported[p] != null || s.phase() != phasesDone[p]) {
            throw new IllegalStateException("participant " + p + " reported phase " + s.phase() + " of task "
                    + s.taskId() + " after " + phasesDone[p] + " phase(s)" + (reported[p] == null ? ""
                    : " while its report of phase " + reported[p].phase() + " waits"));
        }
        reported[p] = s;
        if (s.phase() == 0) {
            openExchanges++;
        }
        rowBytesUp += s.wireBytes();
        event("{\"t\":" + now() + ",\"e\":\"statistic\",\"task\":" + s.taskId() + ",\"p\":" + p + ",\"phase\":"
                + s.phase() + ",\"bytes\":" + s.wireBytes() + "}");
        combineIfComplete(lastVersion[p], s.phase());
    }

    /**
     * Combines a phase when every running task of {@code base} with {@code phase} phases done has reported it:
     * sends the combination to each of them.
     */
    private void combineIfComplete(int base, int phase) {
        List<float[]> values = new ArrayList<>();
        org.dml4j.compress.RoundExchange.Reduction reduction = null;
        for (int q = 0; q < taskOf.length; q++) {
            if (taskOf[q] < 0 || lastVersion[q] != base || phasesDone[q] != phase) {
                continue;
            }
            Statistic r = reported[q];
            if (r == null) {
                return; // still training, or its report is on the wire
            }
            if (reduction != null && r.reduction() != reduction) {
                throw new IllegalStateException("participants of version " + base + " combine phase " + phase
                        + " differently: " + reduction + " and " + r.reduction() + " (participant " + q + ")");
            }
            reduction = r.reduction();
            values.add(r.values());
        }
        if (values.isEmpty()) {
            return;
        }
        float[] combined = reduction.combine(values);
        for (int q = 0; q < taskOf.length; q++) {
            if (taskOf[q] < 0 || lastVersion[q] != base || phasesDone[q] != phase) {
                continue;
            }
            Statistic.Shared sh = new Statistic.Shared(taskOf[q], phase, combined);
            reported[q] = null;
            phasesDone[q] = phase + 1;
            rowBytesDown += sh.wireBytes();
            event("{\"t\":" + now() + ",\"e\":\"shared\",\"task\":" + sh.taskId() + ",\"p\":" + q
                    + ",\"phase\":" + phase + ",\"reports\":" + values.size() + ",\"bytes\":" + sh.wireBytes()
                    + "}");
            transport.share(q, sh);
        }
    }

    private void clientRound(Reply reply, int p) {
        if (reply instanceof Reply.Ok ok) {
            listener.onClientRound(new ClientRound(version + 1, p, ok.taskId(), ok.baseVersion(), "ok",
                    ok.numSamples(), ok.steps(), ok.trainLoss(), ok.update().elements(), ok.update().wireBytes(),
                    levelOf[p], ok.downloadSeconds(), ok.computeSeconds(), ok.uploadSeconds(), now()));
        } else {
            listener.onClientRound(new ClientRound(version + 1, p, reply.taskId(), reply.baseVersion(), "failed",
                    settings.pool().client(p).numSamples(), stepsOf[p], Double.NaN, 0, 0, levelOf[p], 0, 0, 0,
                    now()));
        }
    }

    private void clientOutcome(int p, long task, String status) {
        listener.onClientRound(new ClientRound(version + 1, p, task, lastVersion[p], status,
                settings.pool().client(p).numSamples(), stepsOf[p], Double.NaN, 0, 0, levelOf[p], 0, 0, 0, now()));
    }

    private void release(int p) {
        taskOf[p] = -1;
        inFlight--;
        if (!unavailable[p]) {
            idleCount++;
        }
        if (reported[p] != null || phasesDone[p] > 0) {
            openExchanges--;
        }
        reported[p] = null;
        phasesDone[p] = 0;
        if (openExchanges > 0 && !finished) { // the others of its version no longer wait for it
            int base = lastVersion[p];
            long seen = 0;
            for (int k = 0; k < taskOf.length; k++) {
                Statistic r = reported[k];
                if (r != null && taskOf[k] >= 0 && lastVersion[k] == base
                        && (r.phase() >= 64 || (seen & (1L << r.phase())) == 0)) {
                    seen |= r.phase() < 64 ? 1L << r.phase() : 0;
                    combineIfComplete(base, r.phase());
                }
            }
        }
    }

    private void event(String json) {
        listener.onEventLog(json);
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder();
        Json.string(sb, s);
        return sb.toString();
    }

    /** @return per-participant counts and the staleness histogram so far */
    public RunStats stats() {
        return stats;
    }

    /** @return the current global parameters (the final model after {@link #run}) */
    public float[] globalModel() {
        return global.clone();
    }

    @Override
    public ClientPool pool() {
        return settings.pool();
    }

    @Override
    public LocalTraining training() {
        return settings.training();
    }

    @Override
    public int version() {
        return version;
    }

    @Override
    public int finalVersion() {
        return settings.versions();
    }

    @Override
    public float[] model() {
        return global;
    }

    @Override
    public double now() {
        return transport.clock().now();
    }

    @Override
    public SplittableRandom random(String purpose, long index) {
        return seeds.child(purpose).child(index).random();
    }

    @Override
    public int[] idle() {
        int[] out = new int[idleCount];
        int k = 0;
        for (int p = 0; p < taskOf.length; p++) {
            if (taskOf[p] < 0 && !unavailable[p]) {
                out[k++] = p;
            }
        }
        return out;
    }

    @Override
    public int inFlight() {
        return inFlight;
    }

    @Override
    public boolean busy(int participant) {
        return taskOf[participant] >= 0;
    }

    @Override
    public long dispatch(int participant, int localSteps, float learningRate, float proxMu, double level) {
        if (finished) {
            throw new IllegalStateException("the run has ended");
        }
        if (taskOf[participant] >= 0) {
            throw new IllegalStateException("participant " + participant + " is running task " + taskOf[participant]);
        }
        float[] start;
        boolean fromReplica = downlink != null;
        if (fromReplica) {
            if (broadcastVersion != version) {
                downlink.state().beginRound(version);
                CompressedUpdate b = downlink.broadcast(global);
                replica = downlink.replica();
                broadcastVersion = version;
                long receivers = taskOf.length;
                rowElementsDown += b.elements() * receivers;
                rowBytesDown += b.wireBytes() * receivers;
                rowReceivers += receivers;
                transport.broadcast(new Broadcast(version, b));
                event("{\"t\":" + now() + ",\"e\":\"broadcast\",\"version\":" + version + ",\"bytes\":"
                        + b.wireBytes() + "}");
            }
            start = replica;
        } else {
            start = global;
        }
        if (lastVersion[participant] == version) {
            repeats[participant]++;
        } else {
            lastVersion[participant] = version;
            repeats[participant] = 0;
        }
        String seedPath = "client/" + participant + "/" + (version + 1)
                + (repeats[participant] == 0 ? "" : "/" + repeats[participant]);
        Task task = new Task(nextTask++, participant, version, start, fromReplica, localSteps, learningRate, proxMu,
                level, seedPath);
        if (!fromReplica) {
            rowElementsDown += dim;
            rowBytesDown += task.wireBytes();
            rowReceivers++;
        }
        if (rowDispatched == 0) {
            rowLearningRate = learningRate;
        }
        rowDispatched++;
        taskOf[participant] = task.id();
        stepsOf[participant] = localSteps;
        levelOf[participant] = level;
        inFlight++;
        if (!unavailable[participant]) {
            idleCount--;
        }
        stats.onDispatched(participant);
        event("{\"t\":" + now() + ",\"e\":\"dispatch\",\"task\":" + task.id() + ",\"p\":" + participant
                + ",\"version\":" + version + ",\"steps\":" + localSteps + ",\"lr\":" + learningRate + ",\"level\":"
                + (Double.isNaN(level) ? "null" : Double.toString(level)) + ",\"bytes\":" + task.wireBytes() + "}");
        transport.dispatch(task);
        return task.id();
    }

    @Override
    public void cancel(int participant, String reason) {
        long task = taskOf[participant];
        if (task < 0) {
            throw new IllegalStateException("participant " + participant + " runs no task to cancel");
        }
        transport.cancel(participant, task);
        release(participant);
        clientOutcome(participant, task, "cancelled");
        rowFailed++;
        stats.onCancelled(participant);
        event("{\"t\":" + now() + ",\"e\":\"cancel\",\"task\":" + task + ",\"p\":" + participant + ",\"reason\":"
                + quote(reason) + "}");
    }

    @Override
    public void discard(Reply.Ok reply, String reason) {
        rowFailed++;
        stats.onDiscarded(reply.participant());
        event("{\"t\":" + now() + ",\"e\":\"discard\",\"task\":" + reply.taskId() + ",\"p\":" + reply.participant()
                + ",\"base\":" + reply.baseVersion() + ",\"reason\":" + quote(reason) + "}");
    }

    @Override
    public void commit(float[] next, List<Reply.Ok> applied) {
        if (finished) {
            throw new IllegalStateException("the run has ended");
        }
        if (next.length != dim) {
            throw new IllegalArgumentException("model length must be " + dim + ", got " + next.length);
        }
        double lossSum = 0;
        long lossWeight = 0;
        StringBuilder ids = new StringBuilder();
        for (Reply.Ok ok : applied) {
            lossSum += ok.trainLoss() * ok.numSamples();
            lossWeight += ok.numSamples();
            stats.onApplied(version - ok.baseVersion());
            ids.append(ids.isEmpty() ? "" : ",").append(ok.participant());
        }
        global = next;
        version++;
        eventsSinceCommit = 0;
        double testLoss = Double.NaN;
        double testAcc = Double.NaN;
        if (version % settings.evalEvery() == 0 || version == settings.versions()) {
            EvalResult ev = evaluator.evaluate(global);
            testLoss = ev.loss();
            testAcc = ev.accuracy();
        }
        totalUp += rowBytesUp;
        totalDown += rowBytesDown;
        double densityUp = rowOk == 0 ? Double.NaN : rowElementsUp / ((double) rowOk * dim);
        double densityDown = rowReceivers == 0 ? Double.NaN : rowElementsDown / ((double) rowReceivers * dim);
        RoundMetrics m = new RoundMetrics(version, rowDispatched, rowFailed, rowLearningRate,
                lossWeight == 0 ? Double.NaN : lossSum / lossWeight, testLoss, testAcc, rowElementsUp, rowBytesUp,
                densityUp, rowElementsDown, rowBytesDown, densityDown, totalUp, totalDown, now());
        event("{\"t\":" + now() + ",\"e\":\"commit\",\"version\":" + version + ",\"applied\":[" + ids + "]"
                + ",\"accuracy\":" + (Double.isNaN(testAcc) ? "null" : Double.toString(testAcc)) + "}");
        rowDispatched = 0;
        rowFailed = 0;
        rowLearningRate = Double.NaN;
        rowElementsUp = 0;
        rowBytesUp = 0;
        rowOk = 0;
        rowElementsDown = 0;
        rowBytesDown = 0;
        rowReceivers = 0;
        rows.add(m);
        if (version == settings.versions()) {
            finished = true;
            transport.stop();
        }
        listener.onRow(m);
    }

    @Override
    public void timer(double delaySeconds, long tag) {
        if (!(delaySeconds >= 0) || !Double.isFinite(delaySeconds)) {
            throw new IllegalArgumentException("timer delay must be finite and >= 0, got " + delaySeconds);
        }
        transport.timer(now() + delaySeconds, tag);
    }

    @Override
    public void log(String line) {
        listener.onLog(line);
    }

    @Override
    public boolean finished() {
        return finished;
    }

    /** The strategy's part of a checkpoint lives under this key of the coordinator's view. */
    public static final String STRATEGY_KEY = "strategy";

    /**
     * @param strategy a strategy
     * @return null when runs of it can be checkpointed, else why not (for a clear refusal before the run starts)
     */
    public static String checkpointUnsupported(Strategy strategy) {
        return strategy instanceof Checkpointable c ? c.checkpointUnsupported() : "the strategy '" + strategy.name()
                + "' cannot be checkpointed (it keeps state that is not saved); supported: fedavg, fedprox, fedbuff,"
                + " fedasync, fedluck and the robust aggregators over them";
    }

    /**
     * Saves the coordinator's state and its strategy's (under {@value #STRATEGY_KEY}/); see the class comment.
     *
     * @param out where to write
     * @throws IllegalStateException         when the run has ended
     * @throws UnsupportedOperationException when the strategy or the downlink compressor cannot be checkpointed
     */
    @Override
    public void save(Snapshot out) {
        if (finished) {
            throw new IllegalStateException("the run has ended: nothing to resume");
        }
        if (openExchanges > 0) {
            throw new UnsupportedOperationException("a round exchange is open (" + openExchanges + " task(s) between"
                    + " phases): a checkpoint is taken between rounds of an exchanging compressor");
        }
        String unsupported = checkpointUnsupported(strategy);
        if (unsupported != null) {
            throw new UnsupportedOperationException(unsupported);
        }
        out.putString("strategy-name", strategy.name()).putLong("participants", taskOf.length)
                .putLong("final-version", settings.versions()).putLong("seed", settings.seed())
                .putLong("version", version).putFloats("global", global).putLong("next-task", nextTask)
                .putLongs("task-of", taskOf).putInts("last-version", lastVersion).putInts("repeats", repeats)
                .putInts("steps-of", stepsOf).putDoubles("level-of", levelOf)
                .putBytes("unavailable", booleans(unavailable)).putLong("idle", idleCount)
                .putLong("in-flight", inFlight).putLong("broadcast-version", broadcastVersion)
                .putLong("events-since-commit", eventsSinceCommit).putLong("row-dispatched", rowDispatched)
                .putLong("row-failed", rowFailed).putDouble("row-learning-rate", rowLearningRate)
                .putLong("row-elements-up", rowElementsUp).putLong("row-bytes-up", rowBytesUp)
                .putLong("row-ok", rowOk).putLong("row-elements-down", rowElementsDown)
                .putLong("row-bytes-down", rowBytesDown).putLong("row-receivers", rowReceivers)
                .putLong("total-up", totalUp).putLong("total-down", totalDown);
        if (replica != null) {
            out.putFloats("replica", replica);
        }
        if (downlink != null) {
            downlink.save(out.under("downlink"));
        }
        saveRows(out.under("rows"), rows);
        stats.save(out.under("stats"));
        ((Checkpointable) strategy).save(out.under(STRATEGY_KEY));
    }

    /**
     * Restores what {@link #save} wrote; call once, before {@link #run}, on a coordinator built with the same
     * settings and a fresh strategy of the same configuration.
     *
     * @param in what {@link #save} wrote
     * @throws IllegalArgumentException naming the entry when the snapshot belongs to another run (seed, pool size,
     *                                  rounds, strategy or model size differ)
     */
    @Override
    public void restore(Snapshot in) {
        if (restored || version != 0 || nextTask != 0) {
            throw new IllegalStateException("restore a fresh coordinator, once, before run()");
        }
        String unsupported = checkpointUnsupported(strategy);
        if (unsupported != null) {
            throw new UnsupportedOperationException(unsupported);
        }
        in.expect("strategy-name", strategy.name());
        int n = taskOf.length;
        expectLong(in, "participants", n);
        expectLong(in, "final-version", settings.versions());
        expectLong(in, "seed", settings.seed());
        version = in.getInt("version");
        global = in.getFloats("global", dim);
        nextTask = in.getLong("next-task");
        long[] t = in.getLongs("task-of", n);
        int[] lv = in.getInts("last-version", n);
        int[] rp = in.getInts("repeats", n);
        int[] st = in.getInts("steps-of", n);
        double[] lvl = in.getDoubles("level-of", n);
        byte[] un = in.getBytes("unavailable", n);
        System.arraycopy(t, 0, taskOf, 0, n);
        System.arraycopy(lv, 0, lastVersion, 0, n);
        System.arraycopy(rp, 0, repeats, 0, n);
        System.arraycopy(st, 0, stepsOf, 0, n);
        System.arraycopy(lvl, 0, levelOf, 0, n);
        for (int p = 0; p < n; p++) {
            unavailable[p] = un[p] != 0;
        }
        idleCount = in.getInt("idle");
        inFlight = in.getInt("in-flight");
        broadcastVersion = in.getInt("broadcast-version");
        eventsSinceCommit = in.getLong("events-since-commit");
        rowDispatched = in.getInt("row-dispatched");
        rowFailed = in.getInt("row-failed");
        rowLearningRate = in.getDouble("row-learning-rate");
        rowElementsUp = in.getLong("row-elements-up");
        rowBytesUp = in.getLong("row-bytes-up");
        rowOk = in.getInt("row-ok");
        rowElementsDown = in.getLong("row-elements-down");
        rowBytesDown = in.getLong("row-bytes-down");
        rowReceivers = in.getLong("row-receivers");
        totalUp = in.getLong("total-up");
        totalDown = in.getLong("total-down");
        replica = in.has("replica") ? in.getFloats("replica", dim) : null;
        if (downlink != null) {
            downlink.restore(in.under("downlink"));
        }
        rows.clear();
        rows.addAll(readRows(in.under("rows")));
        if (rows.size() != version) {
            throw new IllegalArgumentException("checkpoint holds " + rows.size() + " metrics rows at version "
                    + version);
        }
        stats.restore(in.under("stats"));
        ((Checkpointable) strategy).restore(in.under(STRATEGY_KEY));
        restored = true;
    }

    /** @return the rows made so far (after {@link #restore}: the saved ones) */
    public List<RoundMetrics> rows() {
        return List.copyOf(rows);
    }

    private static void expectLong(Snapshot in, String key, long expected) {
        long v = in.getLong(key);
        if (v != expected) {
            throw new IllegalArgumentException("checkpoint entry '" + in.prefix() + key + "' is " + v
                    + ", this run has " + expected);
        }
    }

    private static byte[] booleans(boolean[] b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) (b[i] ? 1 : 0);
        }
        return out;
    }

    /**
     * Saves metrics rows as columns (one array a field).
     *
     * @param out  where to write
     * @param rows the rows
     */
    public static void saveRows(Snapshot out, List<RoundMetrics> rows) {
        int n = rows.size();
        long[][] l = new long[9][n];
        double[][] d = new double[7][n];
        for (int i = 0; i < n; i++) {
            RoundMetrics m = rows.get(i);
            l[0][i] = m.round();
            l[1][i] = m.clients();
            l[2][i] = m.failed();
            l[3][i] = m.elementsUp();
            l[4][i] = m.bytesUp();
            l[5][i] = m.elementsDown();
            l[6][i] = m.bytesDown();
            l[7][i] = m.totalBytesUp();
            l[8][i] = m.totalBytesDown();
            d[0][i] = m.learningRate();
            d[1][i] = m.trainLoss();
            d[2][i] = m.testLoss();
            d[3][i] = m.testAccuracy();
            d[4][i] = m.densityUp();
            d[5][i] = m.densityDown();
            d[6][i] = m.simSeconds();
        }
        for (int k = 0; k < l.length; k++) {
            out.putLongs(ROW_LONGS[k], l[k]);
        }
        for (int k = 0; k < d.length; k++) {
            out.putDoubles(ROW_DOUBLES[k], d[k]);
        }
    }

    /**
     * @param in what {@link #saveRows} wrote
     * @return the rows
     */
    public static List<RoundMetrics> readRows(Snapshot in) {
        long[][] l = new long[ROW_LONGS.length][];
        double[][] d = new double[ROW_DOUBLES.length][];
        for (int k = 0; k < l.length; k++) {
            l[k] = in.getLongs(ROW_LONGS[k]);
        }
        for (int k = 0; k < d.length; k++) {
            d[k] = in.getDoubles(ROW_DOUBLES[k]);
        }
        int n = l[0].length;
        for (long[] a : l) {
            check(in, a.length, n);
        }
        for (double[] a : d) {
            check(in, a.length, n);
        }
        List<RoundMetrics> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new RoundMetrics((int) l[0][i], (int) l[1][i], (int) l[2][i], d[0][i], d[1][i], d[2][i],
                    d[3][i], l[3][i], l[4][i], d[4][i], l[5][i], l[6][i], d[5][i], l[7][i], l[8][i], d[6][i]));
        }
        return out;
    }

    private static void check(Snapshot in, int len, int n) {
        if (len != n) {
            throw new IllegalArgumentException("checkpoint columns under '" + in.prefix() + "' differ in length");
        }
    }

    private static final String[] ROW_LONGS = {"round", "clients", "failed", "elements-up", "bytes-up",
        "elements-down", "bytes-down", "total-bytes-up", "total-bytes-down"};
    private static final String[] ROW_DOUBLES = {"learning-rate", "train-loss", "test-loss", "test-accuracy",
        "density-up", "density-down", "sim-seconds"};
}
