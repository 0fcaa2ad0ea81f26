package org.dml4j.spark;

import java.io.Serial;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction2;
import org.dml4j.core.Snapshot;
import org.dml4j.fl.FlClient;
import org.dml4j.fl.Reply;
import org.dml4j.fl.checkpoint.CheckpointFile;
import org.dml4j.fl.checkpoint.Replies;
import org.dml4j.model.Model;
import org.dml4j.sim.FederatedSimulation;

/**
 * The executor side of a training job: one partition of cached client shards zipped with that partition's tasks.
 * Each task rebuilds its client from the shard and the state it carries ({@link FlClient#restore}), trains on a model
 * borrowed from this JVM's cache (built once per executor and reused), and returns the reply and the client's new
 * state. Exactly the code the in-process engine runs ({@link FlClient#run}), so the replies are bit for bit the same.
 *
 * <p>Thread-safe: Spark calls it from several task threads of one executor at once.
 */
final class TrainPartition implements FlatMapFunction2<Iterator<List<Shard>>, Iterator<List<TaskInput>>, TaskOutput> {
    @Serial
    private static final long serialVersionUID = 1L;
    /**
     * Tests only (local masters, where the executors are this JVM): while positive, the first attempt of a Spark
     * task fails after its clients have trained, and the count goes down, so that Spark retries the task (with a
     * master such as {@code local[2,4]}) and the test can check that nothing is counted twice.
     */
    static final java.util.concurrent.atomic.AtomicInteger FAIL_FIRST_ATTEMPTS =
            new java.util.concurrent.atomic.AtomicInteger();
    private final RunRecipe recipe;

    TrainPartition(RunRecipe recipe) {
        this.recipe = recipe;
    }

    @Override
    public Iterator<TaskOutput> call(Iterator<List<Shard>> shards, Iterator<List<TaskInput>> tasks) {
        Map<Integer, Shard> byClient = new HashMap<>();
        while (shards.hasNext()) {
            for (Shard s : shards.next()) {
                byClient.put(s.id(), s);
            }
        }
        List<TaskInput> inputs = new ArrayList<>();
        while (tasks.hasNext()) {
            inputs.addAll(tasks.next());
        }
        List<TaskOutput> out = new ArrayList<>(inputs.size());
        if (inputs.isEmpty()) {
            return out.iterator();
        }
        RunRecipe.Resolved r = recipe.resolve();
        Model model = recipe.borrow();
        try {
            for (TaskInput in : inputs) {
                Shard shard = byClient.get(in.client);
                if (shard == null) {
                    throw new IllegalStateException("client " + in.client + " is not in this partition's shards "
                            + byClient.keySet());
                }
                long t0 = System.nanoTime();
                FlClient client = new FlClient(in.client, shard.dataset(), FederatedSimulation.uplinkState(r.uplink,
                        r.layout(model), r.seeds, in.client, r.compression, r.levels), r.training, r.seeds,
                        r.compression.dataAware().absolute());
                if (in.state != null) {
                    client.restore(CheckpointFile.decode(in.state));
                }
                Reply reply = client.run(in.task(), model);
                long nanos = System.nanoTime() - t0;
                Snapshot state = new Snapshot();
                client.save(state);
                Snapshot rs = new Snapshot();
                Replies.save(rs, reply);
                out.add(new TaskOutput(in.taskId, in.client, in.version, CheckpointFile.encode(rs),
                        CheckpointFile.encode(state), nanos));
            }
        } finally {
            recipe.giveBack(model);
        }
        org.apache.spark.TaskContext ctx = org.apache.spark.TaskContext.get();
        if (ctx != null && ctx.attemptNumber() == 0 && FAIL_FIRST_ATTEMPTS.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("injected failure of a first attempt (test)");
        }
        return out.iterator();
    }
}
