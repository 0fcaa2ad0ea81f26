package org.dml4j.fl.hier;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.dml4j.compress.CompressedUpdate;
import org.dml4j.compress.CompressorState;
import org.dml4j.compress.DownlinkCompressor;
import org.dml4j.compress.GradientCompressor;
import org.dml4j.compress.UpdateCodec;
import org.dml4j.compress.UpdateLayout;
import org.dml4j.fl.FedAvg;
import org.dml4j.fl.FlClient;
import org.dml4j.fl.Participant;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Task;
import org.dml4j.model.Model;

/**
 * An edge aggregator of HierFAVG: a participant of the cloud's coordinator that is itself a FedAvg coordinator of its
 * clients.
 *
 * <pre>
 * L. Liu, J. Zhang, S. H. Song, K. B. Letaief. Client-Edge-Cloud Hierarchical Federated Learning. IEEE ICC 2020.
 * </pre>
 *
 * <p>A cloud task (model {@code w}, κ1 = {@link Task#localSteps()}) runs κ2 edge rounds: in each, every client of the
 * edge trains κ1 steps from the edge model and uploads its compressed delta (its own uplink compressor and error
 * feedback: the client→edge tier), and the edge averages the deltas weighted by data size in client-id order, exactly
 * as {@link FedAvg#average} does. After κ2 rounds the edge answers the cloud with its delta {@code w_edge − w},
 * compressed by its own compressor state (the edge→cloud tier; a residual-keeping compressor gives error feedback),
 * weighted by the edge's total data size. The edge→client downlink may be compressed too: the edge keeps its clients'
 * replica ({@link DownlinkCompressor}), so what it did not send goes out later. The cloud→edge downlink is the cloud
 * coordinator's own.
 *
 * <p>Virtual time: the edge reports the time of its κ2 rounds, from its {@link EdgeTiming}, as the reply's compute
 * seconds ({@link #timesItself()}); its clients' devices do not drop out inside an edge round (not modelled).
 *
 * <p>Seed paths: the client task of edge round {@code r} (0-based) of cloud version {@code v} uses
 * {@code client/<c>/<v·κ2 + r + 1>} and compressor round {@code v·κ2 + r}, followed by the repeat suffix of the cloud
 * task's own path when the cloud dispatches the same edge twice from one version. With κ2 = 1 and one edge holding
 * every client this is the seed path FedAvg gives each client, so the edge's model equals FedAvg's round exactly.
 *
 * <p>Regrouping: built over {@link EdgeGroups}, an edge asks for its clients at the start of every cloud task (the
 * dispatch time), so clients move between edges at cloud-round boundaries as measured links change; the edge's weight
 * toward the cloud is then the data size of the clients it had in that task. An edge left without clients answers
 * with a failure for that task, so the cloud aggregates the other edges.
 *
 * <p>Not thread-safe: one task at a time (the transport's contract).
 */
public final class EdgeAggregator implements Participant {
    private final int id;
    private final EdgeClients clients;
    private final int[] clientIds;
    private final int edgeRounds;
    private final CompressorState uplink;
    private final DownlinkCompressor downlink;
    private final EdgeTiming timing;
    private final int samples;
    private final List<FlClient> all;
    private final EdgeGroups groups;
    private long lanBytesDown;
    private long lanBytesUp;

    /**
     * @param id         the edge's id in the cloud's pool
     * @param clients    its clients (at least one)
     * @param edgeRounds κ2, edge rounds per cloud task, &gt;= 1
     * @param uplink     the edge→cloud compressor state
     * @param downlink   the edge→client compressor, or null to send the dense edge model
     * @param layout     the model's layout (for the downlink compressor)
     * @param initial    the initial model (the clients' first replica)
     * @param rng        the edge's generator for its downlink compressor state
     * @param timing     the virtual time of an edge round
     */
    public EdgeAggregator(int id, List<FlClient> clients, int edgeRounds, CompressorState uplink,
                          GradientCompressor downlink, UpdateLayout layout, float[] initial, SplittableRandom rng,
                          EdgeTiming timing) {
        this(id, checked(id, clients), edgeRounds, uplink, downlink, layout, initial, rng, timing);
    }

    /**
     * @param id         the edge's id in the cloud's pool
     * @param clients    its client tier (in process, or the clients connected to it over a network)
     * @param edgeRounds κ2, edge rounds per cloud task, &gt;= 1
     * @param uplink     the edge→cloud compressor state
     * @param downlink   the edge→client compressor, or null to send the dense edge model
     * @param layout     the model's layout (for the downlink compressor)
     * @param initial    the initial model (the clients' first replica)
     * @param rng        the edge's generator for its downlink compressor state
     * @param timing     the virtual time of an edge round ({@link EdgeTiming#NONE} where time is measured)
     */
    public EdgeAggregator(int id, EdgeClients clients, int edgeRounds, CompressorState uplink,
                          GradientCompressor downlink, UpdateLayout layout, float[] initial, SplittableRandom rng,
                          EdgeTiming timing) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.clientIds = clients.ids();
        if (clientIds.length == 0) {
            throw new IllegalArgumentException("edge " + id + " has no clients");
        }
        if (edgeRounds < 1) {
            throw new IllegalArgumentException("edge-rounds must be >= 1, got " + edgeRounds);
        }
        this.id = id;
        this.edgeRounds = edgeRounds;
        this.uplink = Objects.requireNonNull(uplink, "uplink");
        this.downlink = downlink == null ? null : new DownlinkCompressor(downlink, layout, initial, rng);
        this.timing = Objects.requireNonNull(timing, "timing");
        this.samples = clients.numSamples();
        this.all = null;
        this.groups = null;
    }

    /**
     * An edge whose clients (in process) are chosen per cloud task.
     *
     * @param id         the edge's id in the cloud's pool
     * @param all        every client of the run, by id
     * @param groups     which of them the edge aggregates at each cloud task
     * @param initial    the clients the edge has before the first task (its weight in the cloud's pool; at least one)
     * @param edgeRounds κ2, edge rounds per cloud task, &gt;= 1
     * @param uplink     the edge→cloud compressor state
     * @param timing     the virtual time of an edge round
     * @throws IllegalArgumentException when {@code initial} is empty
     */
    public EdgeAggregator(int id, List<FlClient> all, EdgeGroups groups, int[] initial, int edgeRounds,
                          CompressorState uplink, EdgeTiming timing) {
        if (initial.length == 0) {
            throw new IllegalArgumentException("edge " + id + " has no clients");
        }
        if (edgeRounds < 1) {
            throw new IllegalArgumentException("edge-rounds must be >= 1, got " + edgeRounds);
        }
        this.id = id;
        this.all = List.copyOf(all);
        for (int i = 0; i < this.all.size(); i++) {
            if (this.all.get(i).id() != i) {
                throw new IllegalArgumentException("client " + i + " of the run has id " + this.all.get(i).id());
            }
        }
        this.groups = Objects.requireNonNull(groups, "groups");
        this.clients = EdgeClients.local(Arrays.stream(initial).mapToObj(this.all::get).toList());
        this.clientIds = this.clients.ids();
        this.edgeRounds = edgeRounds;
        this.uplink = Objects.requireNonNull(uplink, "uplink");
        this.downlink = null;
        this.timing = Objects.requireNonNull(timing, "timing");
        this.samples = this.clients.numSamples();
    }

    private static EdgeClients checked(int id, List<FlClient> clients) {
        if (clients.isEmpty()) {
            throw new IllegalArgumentException("edge " + id + " has no clients");
        }
        return EdgeClients.local(clients);
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public int numSamples() {
        return samples;
    }

    @Override
    public boolean timesItself() {
        return true;
    }

    /** @return the ids of its clients, ascending (its first clients when it regroups) */
    public int[] clientIds() {
        return clientIds.clone();
    }

    /** @return bytes it sent to its clients so far */
    public long lanBytesDown() {
        return lanBytesDown;
    }

    /** @return bytes its clients sent it so far */
    public long lanBytesUp() {
        return lanBytesUp;
    }

    @Override
    public Reply run(Task task, Model worker) {
        return run(task, worker, 0);
    }

    @Override
    public Reply run(Task task, Model worker, double dispatchSeconds) {
        if (task.participant() != id) {
            throw new IllegalArgumentException("task for participant " + task.participant() + " given to edge " + id);
        }
        EdgeClients clients = this.clients;
        int[] clientIds = this.clientIds;
        int samples = this.samples;
        if (groups != null) {
            clientIds = groups.clientsOf(id, dispatchSeconds);
            if (clientIds.length == 0) {
                return new Reply.Failed(id, task.id(), task.version(), "edge " + id + " has no clients at "
                        + dispatchSeconds + " s (all regrouped to other edges)");
            }
            clients = EdgeClients.local(Arrays.stream(clientIds).mapToObj(all::get).toList());
            samples = clients.numSamples();
        }
        float[] start = task.model();
        float[] edge = start;
        String[] parts = task.seedPath().split("/", 4);
        String suffix = parts.length == 4 ? "/" + parts[3] : "";
        int m = clientIds.length;
        long[] down = new long[m];
        long[] up = new long[m];
        int[] steps = new int[m];
        Arrays.fill(steps, task.localSteps());
        double seconds = 0;
        double lossSum = 0;
        long lossWeight = 0;
        for (int r = 0; r < edgeRounds; r++) {
            int round = task.version() * edgeRounds + r;
            float[] from = edge;
            long downBytes = UpdateCodec.HEADER_BYTES + 4L * edge.length;
            CompressedUpdate b = null;
            if (downlink != null) {
                downlink.state().beginRound(round);
                b = downlink.broadcast(edge);
                from = downlink.replica();
                downBytes = b.wireBytes();
            }
            List<Task> tasks = new ArrayList<>(m);
            for (int c : clientIds) {
                tasks.add(new Task(task.id(), c, round, from, downlink != null, task.localSteps(),
                        task.learningRate(), task.proxMu(), Double.NaN, "client/" + c + "/" + (round + 1) + suffix));
            }
            List<Reply> replies = clients.round(round, b, tasks, worker);
            if (replies.size() != m) {
                throw new IllegalStateException("edge " + id + ": " + replies.size() + " replies to " + m + " tasks");
            }
            List<Reply.Ok> ok = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                Reply reply = replies.get(i);
                down[i] = downBytes;
                if (reply instanceof Reply.Ok o) {
                    ok.add(o);
                    up[i] = o.update().wireBytes();
                    lossSum += o.trainLoss() * o.numSamples();
                    lossWeight += o.numSamples();
                } else {
                    up[i] = 0;
                }
                lanBytesDown += down[i];
                lanBytesUp += up[i];
            }
            double s = timing.roundSeconds(id, clientIds, down, steps, up, dispatchSeconds);
            if (!(s >= 0) || s == Double.POSITIVE_INFINITY) {
                throw new IllegalStateException("edge " + id + ": round time must be finite and >= 0, got " + s);
            }
            seconds += s;
            if (ok.isEmpty()) {
                return new Reply.Failed(id, task.id(), task.version(), "every client of edge " + id
                        + " failed in edge round " + (r + 1));
            }
            edge = FedAvg.average(edge, ok, 1f);
        }
        float[] delta = new float[start.length];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = edge[i] - start[i];
        }
        uplink.beginRound(task.version());
        CompressedUpdate u = uplink.compress(delta);
        return new Reply.Ok(id, task.id(), task.version(), u, samples, lossWeight == 0 ? Double.NaN
                : lossSum / lossWeight, task.localSteps() * edgeRounds, seconds, 0, 0);
    }
}
