package org.dml4j.spark;

import java.io.Serial;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.dml4j.model.EvalResult;
import org.dml4j.model.Model;

/**
 * The executor side of an evaluation job: one cached test slice evaluated with the broadcast global model on a model
 * from this JVM's cache. The driver combines the slices in slice order, as the in-process engine does.
 *
 * <p>Thread-safe.
 */
final class EvalSlice implements Function<Shard, double[]> {
    @Serial
    private static final long serialVersionUID = 1L;
    private final RunRecipe recipe;
    private final Broadcast<float[]> params;

    EvalSlice(RunRecipe recipe, Broadcast<float[]> params) {
        this.recipe = recipe;
        this.params = params;
    }

    /** @return {samples, loss, accuracy, nanos} */
    @Override
    public double[] call(Shard slice) {
        Model m = recipe.borrow();
        try {
            long t0 = System.nanoTime();
            m.setParams(params.value());
            EvalResult r = m.evaluate(slice.dataset());
            return new double[] {r.samples(), r.loss(), r.accuracy(), System.nanoTime() - t0};
        } finally {
            recipe.giveBack(m);
        }
    }
}
