package org.dml4j.model;

import java.util.SplittableRandom;
import org.dml4j.data.Dataset;

/**
 * A trainable classifier whose parameters are exposed as one flat {@code float[]} laid out by
 * {@link #layout()}. Federated code moves only these flat vectors; how the model computes (DJL, PyTorch, plain Java)
 * stays behind this interface.
 *
 * <p>Call order: {@link #setParams} (optional), then any number of {@link #train} / {@link #evaluate} calls, then
 * {@link #close}. Parameters stay in place inside the model between calls; {@link #getParams} copies them out.
 *
 * <p>Threading: one instance per worker thread. An instance is not thread-safe, but separate instances may train
 * concurrently, each on its own thread.
 */
public interface Model extends AutoCloseable {
    /** @return the parameter layout: names, shapes and offsets in the flat vector */
    ParameterLayout layout();

    /** @return the number of parameters, {@code layout().size()} */
    default int numParams() {
        return layout().size();
    }

    /**
     * Copies the current parameters into {@code out}.
     *
     * @param out destination of length {@link #numParams()}
     */
    void getParams(float[] out);

    /**
     * Replaces the parameters.
     *
     * @param in source of length {@link #numParams()}
     */
    void setParams(float[] in);

    /**
     * Runs local SGD on {@code data}, updating the parameters in place.
     *
     * @param data the local training data
     * @param spec steps, batch size and optimiser settings
     * @param rng  source of the sample order; the same generator state gives the same result
     * @return loss and counts
     * @throws org.dml4j.core.DivergenceException when the loss becomes non-finite
     */
    TrainResult train(Dataset data, TrainSpec spec, SplittableRandom rng);

    /**
     * @param data the data to evaluate on
     * @return mean loss and accuracy over all of {@code data}
     */
    EvalResult evaluate(Dataset data);

    /** Releases native memory. */
    @Override
    void close();
}
