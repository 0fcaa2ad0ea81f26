package org.dml4j.fl.checkpoint;

import org.dml4j.core.Snapshot;

/**
 * A part of a run whose state can be saved into a checkpoint and restored into a fresh instance, so that the restored
 * run computes exactly, bit for bit, what the saved one would have computed next. Implemented by the
 * {@link org.dml4j.fl.Coordinator}, the strategies that support resuming ({@link org.dml4j.fl.FedAvg},
 * {@link org.dml4j.fl.async.FedBuff}, {@link org.dml4j.fl.async.FedAsync}, {@link org.dml4j.fl.async.FedLuck}, the
 * robust aggregators over those), {@link org.dml4j.fl.FlClient} (its
 * compressor state: error-feedback residual, adaptive level, random-generator position) and the simulator's
 * transport; compressor states have the same two methods on
 * {@link org.dml4j.compress.CompressorState} (module {@code compress} cannot see this one).
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #save} is called between events (never while the part is handling one); it writes every field that
 *       can change during a run, under the keys of the view it is given (a {@link Snapshot#under} view: keys are
 *       the part's own), and does not change the part.</li>
 *   <li>{@link #restore} is called on a freshly built instance with the same configuration and seed, before it
 *       handles any event; afterwards the instance is indistinguishable from the saved one. It throws
 *       {@link IllegalArgumentException} naming the key when the snapshot does not fit (another configuration, a
 *       missing entry).</li>
 *   <li>Randomness: parts that draw from a long-lived generator record how far it has advanced; parts that take
 *       their generators from seed paths ({@link org.dml4j.fl.CoordinatorContext#random}) keep only the counters
 *       that name the paths.</li>
 * </ul>
 *
 * <p>Strategies that cannot be resumed simply do not implement this interface; a run that asks for checkpoints is
 * then refused before it starts (see {@link org.dml4j.fl.Coordinator#checkpointUnsupported}).
 */
public interface Checkpointable {
    /** @param out where to write, a view reserved for this part */
    void save(Snapshot out);

    /** @param in what {@link #save} wrote, the same view */
    void restore(Snapshot in);

    /**
     * @return null when {@link #save} works for this instance, else why not (a wrapper whose inner part cannot be
     *     saved); checked before a run that asks for checkpoints starts
     */
    default String checkpointUnsupported() {
        return null;
    }
}
