package org.dml4j.fl;

/**
 * What a {@link Participant} hands back from a part of a task: its {@link Reply} (the task is done), or a
 * {@link Statistic} it needs combined with the other participants' before it can finish (a round exchange of its
 * compressor, {@link org.dml4j.compress.RoundExchange}).
 */
public sealed interface Progress permits Reply, Statistic {
    /** @return the participant */
    int participant();

    /** @return its task */
    long taskId();
}
