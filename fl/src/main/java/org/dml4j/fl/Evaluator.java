package org.dml4j.fl;

import org.dml4j.model.EvalResult;

/** Evaluates a global model on held-out data for the coordinator (the simulator runs it on its workers). */
@FunctionalInterface
public interface Evaluator {
    /**
     * @param params the global parameters; read only
     * @return loss and accuracy
     */
    EvalResult evaluate(float[] params);
}
