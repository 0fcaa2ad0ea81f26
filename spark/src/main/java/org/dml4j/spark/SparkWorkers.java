package org.dml4j.spark;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.dml4j.core.Dml4jException;
import org.dml4j.core.Snapshot;
import org.dml4j.fl.FlClient;
import org.dml4j.fl.Participant;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Task;
import org.dml4j.fl.checkpoint.CheckpointFile;
import org.dml4j.fl.checkpoint.Replies;
import org.dml4j.model.EvalResult;
import org.dml4j.model.Model;
import org.dml4j.model.ParameterLayout;
import org.dml4j.sim.SimulationSpec;
import org.dml4j.sim.WorkerPool;
import org.dml4j.sim.Workers;

/**
 * The simulator's {@link Workers} on a Spark cluster: the event engine, virtual clock and coordinator stay on the
 * driver, and the participants train in Spark jobs.
 * <ul>
 *   <li>Client shards are an RDD of client blocks, cached (memory, then disk) when the workers are made: each block
 *       is a broadcast that the executor computing its partition fetches once; the partitions hold only their index,
 *       so no task carries shard data, and a partition lost with its executor is recomputed from the broadcast.</li>
 *   <li>Each model array a task starts from (the global model of a version, or the downlink replica) is one Spark
 *       broadcast, shared by every task of that version and destroyed when no task needs it any more.</li>
 *   <li>The tasks of one coordinator event (a FedAvg cohort) go out as one job ({@link #flush}): a per-job RDD of
 *       task inputs, zipped partition by partition with the cached shards, so each Spark task carries only its own
 *       clients' tasks and runs where their data is cached. Asynchronous strategies submit a job per redispatch;
 *       jobs run concurrently and the driver waits for a reply only when its virtual training ends.</li>
 *   <li>Per-client state (compressor residual, level, generator position) lives on the driver in each
 *       {@link FlClient} and travels with the task in the checkpoint format; the reply brings the new state back.
 *       Tasks are pure functions of their inputs, so a retried, speculative or recomputed Spark task gives the same
 *       reply; the driver accepts one output per task id (which names the client and the model version) and
 *       ignores any other.</li>
 *   <li>Evaluation is a job over the test set's cached slices ({@link WorkerPool#testSlices}, packed into one
 *       partition per core), combined in slice order ({@link WorkerPool#combine}).</li>
 * </ul>
 * Replies are computed by the same {@link FlClient#run} as in process and enter the coordinator in (virtual time,
 * sequence) order, so the metrics are the in-process engine's, bit for bit.
 *
 * <p>Thread-safe as {@link Workers} requires: submit, flush and evaluate come from the simulation's thread; job
 * results arrive on this class's submitter threads.
 */
final class SparkWorkers implements Workers {
    private final JavaSparkContext sc;
    private final RunRecipe recipe;
    private final String jobGroup = "dml4j-" + UUID.randomUUID();
    private final int partitions;
    private final int[] partitionOf;
    private final JavaRDD<List<Shard>> shards;
    private final JavaRDD<List<Shard>> testSlices;
    /** This run's own data, dropped at {@link #close}; null when the engine's cache holds it. */
    private final SharedData ownsData;
    private final float[] initial;
    private final ParameterLayout layout;
    private final ExecutorService submitter;
    private final List<Pending> queue = new ArrayList<>();
    private final Map<Long, Pending> inFlight = new ConcurrentHashMap<>();
    private final Map<float[], Shared> broadcasts = new IdentityHashMap<>();
    private float[] latest;
    private final AtomicLong trainNanos = new AtomicLong();
    private final AtomicLong evalNanos = new AtomicLong();
    private final AtomicLong jobs = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();
    private volatile boolean closed;

    /** A task waiting for its job, or in one. */
    private record Pending(FlClient client, Task task, Shared model, CompletableFuture<Reply> result) {
    }

    /** One broadcast model array and how many tasks (or evaluations) still need it. */
    private static final class Shared {
        final Broadcast<float[]> broadcast;
        int users;

        Shared(Broadcast<float[]> broadcast) {
            this.broadcast = broadcast;
        }
    }

    /**
     * Distributes the shards and the test slices (cached) and builds one model on the driver for the initial
     * parameters and the layout.
     *
     * @param sc         the Spark context (not stopped by {@link #close})
     * @param spec       the run
     * @param recipe     how executors rebuild the clients' models, training and compression
     * @param partitions how many partitions hold the client shards (at most one per client)
     * @param cache      the engine's cache of data shared between runs, or null to distribute this run's own data
     *                   (and drop it at {@link #close})
     */
    SparkWorkers(JavaSparkContext sc, SimulationSpec spec, RunRecipe recipe, int partitions, SharedData.Cache cache) {
        this.sc = Objects.requireNonNull(sc, "sc");
        this.recipe = Objects.requireNonNull(recipe, "recipe");
        int n = spec.clientData().size();
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        this.partitions = Math.min(partitions, n);
        Model driverModel = spec.models().create();
        try {
            initial = new float[driverModel.numParams()];
            driverModel.getParams(initial);
            layout = driverModel.layout();
        } finally {
            recipe.giveBack(driverModel); // in local mode the executors reuse it
        }
        SharedData data = cache == null ? SharedData.distribute(sc, spec, this.partitions)
                : cache.get(sc, spec, this.partitions);
        ownsData = cache == null ? data : null;
        partitionOf = data.partitionOf();
        shards = data.shards();
        testSlices = data.testSlices();
        AtomicInteger threadNo = new AtomicInteger();
        submitter = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dml4j-spark-job-" + threadNo.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public CompletableFuture<Reply> submit(Participant participant, Task task, CompletableFuture<Reply> after) {
        if (!(participant instanceof FlClient client)) {
            throw new UnsupportedOperationException("the Spark engine trains clients (a coordinator over clients);"
                    + " participant " + participant.id() + " is a " + participant.getClass().getSimpleName());
        }
        Pending p = new Pending(client, task, acquire(task.model()), new CompletableFuture<>());
        if (after == null || after.isDone()) {
            synchronized (queue) {
                queue.add(p);
            }
        } else { // the previous task's reply brings the state this one starts from
            after.whenComplete((r, e) -> {
                synchronized (queue) {
                    queue.add(p);
                }
                flush();
            });
        }
        return p.result();
    }

    @Override
    public void flush() {
        List<Pending> batch;
        synchronized (queue) {
            if (queue.isEmpty()) {
                return;
            }
            batch = new ArrayList<>(queue);
            queue.clear();
        }
        if (closed) {
            for (Pending p : batch) {
                fail(p, new Dml4jException("the Spark engine was closed"));
            }
            return;
        }
        List<List<TaskInput>> perPartition = new ArrayList<>(partitions);
        for (int i = 0; i < partitions; i++) {
            perPartition.add(new ArrayList<>());
        }
        for (Pending p : batch) {
            Snapshot state = new Snapshot();
            p.client().save(state);
            int c = p.task().participant();
            perPartition.get(partitionOf[c]).add(new TaskInput(p.task(), p.model().broadcast,
                    CheckpointFile.encode(state)));
            inFlight.put(p.task().id(), p);
        }
        int[] ids = java.util.stream.IntStream.range(0, partitions).filter(i -> !perPartition.get(i).isEmpty())
                .toArray();
        submitter.execute(() -> runJob(perPartition, ids, batch));
    }

    private void runJob(List<List<TaskInput>> perPartition, int[] ids, List<Pending> batch) {
        try {
            sc.setJobGroup(jobGroup, "dml4j: train " + batch.size() + " clients", true);
            JavaRDD<List<TaskInput>> inputs = sc.parallelize(perPartition, partitions);
            List<TaskOutput>[] outputs = shards.zipPartitions(inputs, new TrainPartition(recipe))
                    .collectPartitions(ids);
            jobs.incrementAndGet();
            for (List<TaskOutput> part : outputs) {
                for (TaskOutput o : part) {
                    accept(o);
                }
            }
            for (Pending p : batch) {
                if (!p.result().isDone()) {
                    fail(p, new Dml4jException("the Spark job returned no reply for task " + p.task().id()
                            + " of client " + p.task().participant()));
                }
            }
        } catch (RuntimeException e) {
            for (Pending p : batch) {
                fail(p, closed ? new Dml4jException("the Spark engine was closed", e) : e);
            }
        } finally {
            sc.clearJobGroup();
        }
    }

    /** Takes the one output of a task, restores its client's new state, then completes its future. */
    private void accept(TaskOutput o) {
        Pending p = inFlight.remove(o.taskId);
        if (p == null || p.task().participant() != o.client || p.task().version() != o.version) {
            ignored.incrementAndGet(); // not a task in flight: a copy of one already answered
            if (p != null) {
                inFlight.put(o.taskId, p);
            }
            return;
        }
        Reply r = Replies.read(CheckpointFile.decode(o.reply), initial.length);
        p.client().restore(CheckpointFile.decode(o.state));
        trainNanos.addAndGet(o.trainNanos);
        release(p.model());
        p.result().complete(r);
    }

    private void fail(Pending p, RuntimeException e) {
        if (p.result().completeExceptionally(e)) {
            inFlight.remove(p.task().id(), p);
            release(p.model());
        }
    }

    private Shared acquire(float[] model) {
        synchronized (broadcasts) {
            Shared s = broadcasts.get(model);
            if (s == null) {
                s = new Shared(sc.broadcast(model));
                broadcasts.put(model, s);
            }
            s.users++;
            float[] before = latest;
            latest = model;
            if (before != null && before != model) {
                destroyIfUnused(before);
            }
            return s;
        }
    }

    private void release(Shared s) {
        synchronized (broadcasts) {
            s.users--;
            for (Map.Entry<float[], Shared> e : broadcasts.entrySet()) {
                if (e.getValue() == s) {
                    destroyIfUnused(e.getKey());
                    return;
                }
            }
        }
    }

    /** Destroys an array's broadcast once no task needs it and it is not the latest model. Holds the lock. */
    private void destroyIfUnused(float[] model) {
        Shared s = broadcasts.get(model);
        if (s != null && s.users <= 0 && model != latest) {
            broadcasts.remove(model);
            s.broadcast.destroy();
        }
    }

    @Override
    public EvalResult evaluate(float[] params) {
        Shared s = acquire(params);
        try {
            sc.setJobGroup(jobGroup, "dml4j: evaluate", true);
            List<double[]> parts = testSlices.flatMap(new EvalSlice(recipe, s.broadcast)).collect();
            List<EvalResult> results = new ArrayList<>(parts.size());
            for (double[] r : parts) {
                results.add(new EvalResult((long) r[0], r[1], r[2]));
                evalNanos.addAndGet((long) r[3]);
            }
            return WorkerPool.combine(results);
        } finally {
            sc.clearJobGroup();
            release(s);
        }
    }

    @Override
    public float[] initialParams() {
        return initial.clone();
    }

    @Override
    public ParameterLayout layout() {
        return layout;
    }

    @Override
    public int threads() {
        return sc.defaultParallelism();
    }

    @Override
    public long trainNanos() {
        return trainNanos.get();
    }

    @Override
    public long evalNanos() {
        return evalNanos.get();
    }

    /** @return training jobs run so far */
    long jobs() {
        return jobs.get();
    }

    /** @return task outputs the driver ignored (not a task in flight) */
    long ignored() {
        return ignored.get();
    }

    /** @return how many partitions hold the client shards */
    int partitions() {
        return partitions;
    }

    /**
     * Cancels this run's jobs still running (an asynchronous run ends with tasks in flight), drops the cached shards
     * and the broadcasts; the Spark context stays up.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!inFlight.isEmpty()) { // an asynchronous run ends with tasks in flight
            sc.cancelJobGroup(jobGroup);
        }
        submitter.shutdown();
        try {
            submitter.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsData != null) {
            ownsData.unpersist();
        }
        synchronized (broadcasts) {
            for (Shared s : broadcasts.values()) {
                s.broadcast.destroy();
            }
            broadcasts.clear();
        }
    }
}
