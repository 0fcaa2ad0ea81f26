package org.dml4j.spark;

import java.io.Serial;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.dml4j.model.EvalResult;
import org.dml4j.model.Model;

/**
 * The executor side of an evaluation job: a partition's cached test slices, each evaluated with the broadcast global model on a model
 * from this JVM's cache. The driver combines the slices in slice order, as the in-process engine does.
 *
 * <p>Thread-safe.
 */
final class EvalSlice implements FlatMapFunction<List<Shard>, double[]> {
    @Serial
    private static final long serialVersionUID = 1L;
    private final RunRecipe recipe;
    private final Broadcast<float[]> params;

    EvalSlice(RunRecipe recipe, Broadcast<float[]> params) {
        this.recipe = recipe;
        this.params = params;
    }

    /** @return per slice, in order: {samples, loss, accuracy, nanos} */
    @Override
    public Iterator<double[]> call(List<Shard> slices) {
        List<double[]> out = new ArrayList<>(slices.size());
        Model m = recipe.borrow();
        try {
            m.setParams(params.value());
            for (Shard slice : slices) {
                long t0 = System.nanoTime();
                EvalResult r = m.evaluate(slice.dataset());
                out.add(new double[] {r.samples(), r.loss(), r.accuracy(), System.nanoTime() - t0});
            }
        } finally {
            recipe.giveBack(m);
        }
        return out.iterator();
    }
}
