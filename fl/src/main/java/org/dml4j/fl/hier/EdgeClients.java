package org.dml4j.fl.hier;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.dml4j.compress.CompressedUpdate;
import org.dml4j.fl.FlClient;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Task;
import org.dml4j.model.Model;

/**
 * The client tier under an {@link EdgeAggregator}: it runs one edge round's tasks, one per client, and hands back
 * their replies. In process ({@link #local}) the clients train one after the other on the calling thread; across
 * machines the edge dispatches the tasks to the clients connected to it ({@code org.dml4j.grpc.GrpcEdgeClients}), so
 * the edge's rounds, seed paths and averaging are the same code in the simulator and over a network.
 *
 * <p>Threading: called by one edge, one round at a time.
 */
public interface EdgeClients {
    /** @return the clients' ids (global), ascending */
    int[] ids();

    /** @return the clients' total local data size (the edge's weight at the cloud) */
    int numSamples();

    /**
     * Runs one edge round.
     *
     * @param round     the round's number (the tasks' version)
     * @param broadcast when the tasks start from the clients' replicas, the compressed change that brings every
     *                  replica to this round's model (the edge→client downlink); null when the tasks carry the model
     * @param tasks     one task per client, in {@link #ids()} order
     * @param worker    a model the calling thread may train with (in process)
     * @return one reply per task, in the same order; a client that could not answer gives a {@link Reply.Failed}
     */
    List<Reply> round(int round, CompressedUpdate broadcast, List<Task> tasks, Model worker);

    /**
     * @param clients the clients, trained in process in id order (at least one)
     * @return the tier over them
     */
    static EdgeClients local(List<FlClient> clients) {
        List<FlClient> sorted = clients.stream().sorted(Comparator.comparingInt(FlClient::id)).toList();
        int[] ids = sorted.stream().mapToInt(FlClient::id).toArray();
        int samples = sorted.stream().mapToInt(FlClient::numSamples).sum();
        return new EdgeClients() {
            @Override
            public int[] ids() {
                return ids.clone();
            }

            @Override
            public int numSamples() {
                return samples;
            }

            @Override
            public List<Reply> round(int round, CompressedUpdate broadcast, List<Task> tasks, Model worker) {
                if (tasks.size() != sorted.size()) {
                    throw new IllegalArgumentException(tasks.size() + " tasks for " + sorted.size() + " clients");
                }
                List<Reply> out = new ArrayList<>(tasks.size());
                for (int i = 0; i < tasks.size(); i++) {
                    out.add(sorted.get(i).run(tasks.get(i), worker));
                }
                return out;
            }
        };
    }
}
