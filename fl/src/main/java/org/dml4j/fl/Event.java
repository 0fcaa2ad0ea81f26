package org.dml4j.fl;

import java.util.Objects;

/** What a {@link Strategy} reacts to. Transports deliver them to the coordinator on one thread, in time order. */
public sealed interface Event permits Event.Start, Event.ReplyArrived, Event.Idle, Event.Timer, Event.Lost {
    /** The run begins; every participant is idle. */
    record Start() implements Event {
    }

    /**
     * A participant answered (successfully or not).
     *
     * @param reply the answer
     */
    record ReplyArrived(Reply reply) implements Event {
        /** Validates the fields. */
        public ReplyArrived {
            Objects.requireNonNull(reply, "reply");
        }
    }

    /**
     * A participant that was unavailable can take tasks again.
     *
     * @param participant who
     */
    record Idle(int participant) implements Event {
    }

    /**
     * A timer the strategy scheduled went off.
     *
     * @param tag the strategy's tag
     */
    record Timer(long tag) implements Event {
    }

    /**
     * A participant left: its task (if any) will never be answered.
     *
     * @param participant who
     * @param taskId      the task lost, or -1 when it had none
     * @param reason      why (dropout, unavailable, deadline)
     */
    record Lost(int participant, long taskId, String reason) implements Event {
        /** Validates the fields. */
        public Lost {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
