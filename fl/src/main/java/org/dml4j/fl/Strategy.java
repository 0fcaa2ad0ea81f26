package org.dml4j.fl;

/**
 * A federated-learning server algorithm as a reaction to events, after Flower's {@code Strategy}: on
 * {@link Event.Start}, {@link Event.ReplyArrived}, {@link Event.Idle}, {@link Event.Timer} and {@link Event.Lost} it
 * decides whom to dispatch and when to fold what it buffered into a new global model, through the
 * {@link CoordinatorContext}. Synchronous FedAvg is the barrier case (dispatch a cohort, wait for all of it,
 * aggregate); FedAsync, FedBuff and FedLuck are other rules over the same events.
 *
 * <p>Strategies do no I/O and read no clock but {@link CoordinatorContext#now()}, so the same strategy runs in the
 * simulator and over a network. Every implementation passes the contract suite in this module's test-jar
 * ({@code StrategyContract}).
 *
 * <p>Threading: one instance per run, called from the coordinator's thread. Deterministic given the context's seeds.
 */
public interface Strategy {
    /** @return the type name, e.g. {@code "fedavg"} */
    String name();

    /**
     * @param event what happened
     * @param ctx   the coordinator: the current model, the participants, and the actions
     */
    void onEvent(Event event, CoordinatorContext ctx);
}
