package org.dml4j.fl;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A federated-learning server algorithm, after Flower's {@code Strategy}: it decides which clients train in a round
 * and what they do ({@link #configureRound}), then folds their replies into the new global model
 * ({@link #aggregate}). Strategies do no I/O, so the same strategy runs in the simulator and over gRPC.
 *
 * <p>Call order per round: {@code configureRound}, then exactly one {@code aggregate} with the replies of the clients
 * of that plan, sorted by client id (arrival order must never change the result).
 *
 * <p>Threading: one instance per experiment, called from one thread. Deterministic given the generator.
 */
public interface Strategy {
    /** @return the type name, e.g. {@code "fedavg"} */
    String name();

    /**
     * @param round    the round, from 1
     * @param pool     the clients
     * @param training local training settings
     * @param rng      this round's generator (client sampling)
     * @return the plan
     */
    RoundPlan configureRound(int round, ClientPool pool, LocalTraining training, SplittableRandom rng);

    /**
     * @param round   the round
     * @param global  the current global parameters; not modified
     * @param replies the replies, sorted by client id; failed ones included
     * @return the new global parameters (a new array)
     */
    float[] aggregate(int round, float[] global, List<ClientReply> replies);
}
