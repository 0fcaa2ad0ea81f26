package org.dml4j.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.dml4j.core.Dml4jException;
import org.dml4j.data.Dataset;
import org.dml4j.fl.Evaluator;
import org.dml4j.fl.Participant;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Task;
import org.dml4j.model.EvalResult;
import org.dml4j.model.Model;

/**
 * The simulator's worker threads, each lending one model whose parameters stay in place between uses: participants'
 * tasks run here eagerly (as soon as they are dispatched), and the global model is evaluated here on fixed slices of
 * the test set. What runs where never changes a result: tasks are seeded by their seed path and evaluation slices
 * are combined in slice order.
 *
 * <p>Measures the wall time spent inside training and evaluation (the simulator's own cost is the rest).
 */
public final class WorkerPool implements Workers {
    /**
     * The test set is evaluated in this many fixed slices, in parallel, and the results are combined in slice order;
     * a constant (not the thread count) so that the numbers do not depend on the thread count.
     */
    static final int EVAL_CHUNKS = 8;
    private final ExecutorService executor;
    private final BlockingQueue<Model> idle;
    private final List<Model> models = new ArrayList<>();
    private final List<Dataset> testChunks = new ArrayList<>();
    private final int threads;
    private final AtomicLong trainNanos = new AtomicLong();
    private final AtomicLong evalNanos = new AtomicLong();

    WorkerPool(int threads, ModelFactory factory, Dataset test) {
        this.threads = threads;
        this.idle = new ArrayBlockingQueue<>(threads);
        for (int i = 0; i < threads; i++) {
            Model m = factory.create();
            models.add(m);
            idle.add(m);
        }
        testChunks.addAll(testSlices(test));
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "dml4j-worker-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
        this.executor = Executors.newFixedThreadPool(threads, tf);
    }

    /** @return the initial parameters every worker's model starts from */
    @Override
    public float[] initialParams() {
        Model m = models.get(0);
        float[] p = new float[m.numParams()];
        m.getParams(p);
        return p;
    }

    /** @return the first worker's model (layout queries only, on the calling thread before any task runs) */
    Model anyModel() {
        return models.get(0);
    }

    @Override
    public org.dml4j.model.ParameterLayout layout() {
        return models.get(0).layout();
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public long trainNanos() {
        return trainNanos.get();
    }

    @Override
    public long evalNanos() {
        return evalNanos.get();
    }

    /**
     * Starts a task on a worker once {@code after} (the participant's previous task) is done, so that a participant
     * never runs two tasks at once and its state changes in dispatch order.
     */
    @Override
    public CompletableFuture<Reply> submit(Participant p, Task task, CompletableFuture<Reply> after) {
        return submit(p, task, after, 0);
    }

    @Override
    public CompletableFuture<Reply> submit(Participant p, Task task, CompletableFuture<Reply> after, double at) {
        Supplier<Reply> job = () -> withModel(m -> p.run(task, m, at), trainNanos);
        return after == null ? CompletableFuture.supplyAsync(job, executor)
                : after.handleAsync((r, e) -> job.get(), executor);
    }

    /**
     * Like {@link #submit}, through {@link Participant#begin}: the result is the reply or the first statistic of a
     * round exchange.
     */
    @Override
    public CompletableFuture<org.dml4j.fl.Progress> begin(Participant p, Task task,
                                                         CompletableFuture<? extends org.dml4j.fl.Progress> after,
                                                         double at) {
        Supplier<org.dml4j.fl.Progress> job = () -> withModel(m -> p.begin(task, m, at), trainNanos);
        return after == null ? CompletableFuture.supplyAsync(job, executor)
                : after.handleAsync((r, e) -> job.get(), executor);
    }

    /**
     * Continues a participant's task with the combined statistic of its phase ({@link Participant#resume}; no model
     * is borrowed: the rest of a task is compression), once {@code after} is done.
     */
    @Override
    public CompletableFuture<org.dml4j.fl.Progress> resume(Participant p, org.dml4j.fl.Statistic.Shared shared,
                                                   CompletableFuture<? extends org.dml4j.fl.Progress> after) {
        Supplier<org.dml4j.fl.Progress> job = () -> {
            long a = System.nanoTime();
            try {
                return p.resume(shared);
            } finally {
                trainNanos.addAndGet(System.nanoTime() - a);
            }
        };
        return after == null ? CompletableFuture.supplyAsync(job, executor)
                : after.handleAsync((r, e) -> job.get(), executor);
    }

    private <T> T withModel(java.util.function.Function<Model, T> f, AtomicLong nanos) {
        Model m;
        try {
            m = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Dml4jException("interrupted while waiting for a worker model", e);
        }
        try {
            long a = System.nanoTime();
            T r = f.apply(m);
            nanos.addAndGet(System.nanoTime() - a);
            return r;
        } finally {
            idle.add(m);
        }
    }

    /** Evaluates on the test slices in parallel and combines them in slice order. */
    @Override
    public EvalResult evaluate(float[] params) {
        List<CompletableFuture<EvalResult>> futures = new ArrayList<>();
        for (Dataset chunk : testChunks) {
            futures.add(CompletableFuture.supplyAsync(() -> withModel(m -> {
                m.setParams(params);
                return m.evaluate(chunk);
            }, evalNanos), executor));
        }
        List<EvalResult> results = new ArrayList<>(futures.size());
        for (CompletableFuture<EvalResult> f : futures) {
            results.add(join(f, "evaluation"));
        }
        return combine(results);
    }

    /**
     * The test set cut into {@link #EVAL_CHUNKS} fixed slices (fewer when it is smaller), as every engine evaluates
     * it.
     *
     * @param test the test set
     * @return its slices, in order
     */
    public static List<Dataset> testSlices(Dataset test) {
        List<Dataset> out = new ArrayList<>();
        int chunks = Math.min(EVAL_CHUNKS, test.size());
        for (int c = 0; c < chunks; c++) {
            int from = (int) ((long) test.size() * c / chunks);
            int to = (int) ((long) test.size() * (c + 1) / chunks);
            int[] idx = new int[to - from];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = from + i;
            }
            out.add(test.subset(idx, test.name() + "#" + c));
        }
        return out;
    }

    /**
     * Combines the slices' results in slice order, as every engine does, so that the numbers do not depend on where
     * the slices ran.
     *
     * @param slices the results of {@link #testSlices}, in order
     * @return the whole test set's loss and accuracy
     */
    public static EvalResult combine(List<EvalResult> slices) {
        double loss = 0;
        long correct = 0;
        long n = 0;
        for (EvalResult r : slices) {
            loss += r.loss() * r.samples();
            correct += Math.round(r.accuracy() * r.samples());
            n += r.samples();
        }
        return new EvalResult(n, loss / n, (double) correct / n);
    }

    static <T> T join(CompletableFuture<T> f, String what) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw new Dml4jException("a worker failed in " + what + ": " + e.getCause(), e.getCause());
        }
    }

    /**
     * Drops the tasks not started, waits for the running ones (an asynchronous run ends with tasks in flight, and a
     * model's native memory must not be freed under a training step), then closes the models.
     */
    @Override
    public void close() {
        executor.shutdownNow();
        boolean done;
        try {
            done = executor.awaitTermination(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = false;
        }
        if (done) {
            for (Model m : models) {
                m.close();
            }
        }
    }
}
