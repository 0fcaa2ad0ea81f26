package org.dml4j.fl;

import java.util.Objects;
import org.dml4j.compress.RoundExchange;

/**
 * A participant's report for one phase of its compressor's round exchange ({@link RoundExchange}): a plain value that
 * could cross a wire. The {@link Coordinator} combines the reports of one phase of every task in flight from the same
 * model version and sends each of them a {@link Shared}.
 *
 * @param participant the participant
 * @param taskId      its task, waiting for the combined value
 * @param phase       the phase, from 0
 * @param reduction   how the reports of this phase are combined
 * @param values      the report; read only
 */
public record Statistic(int participant, long taskId, int phase, RoundExchange.Reduction reduction, float[] values)
        implements Progress {
    /**
     * Bytes of a statistic's or a {@link Shared}'s header on the wire: format version (1), reduction (1), phase (2),
     * task id (8), value count (4).
     */
    public static final int HEADER_BYTES = 16;

    /** Validates the fields. */
    public Statistic {
        Objects.requireNonNull(reduction, "reduction");
        Objects.requireNonNull(values, "values");
        if (phase < 0) {
            throw new IllegalArgumentException("phase must be >= 0, got " + phase);
        }
    }

    /** @return bytes on the wire: {@value #HEADER_BYTES} and 4 a value */
    public long wireBytes() {
        return HEADER_BYTES + 4L * values.length;
    }

    /**
     * What the coordinator sends back for one phase: the combination of every report of the phase.
     *
     * @param taskId the task that waits for it
     * @param phase  the phase
     * @param values the combined value; read only (shared by every receiver of the phase)
     */
    public record Shared(long taskId, int phase, float[] values) {
        /** Validates the fields. */
        public Shared {
            Objects.requireNonNull(values, "values");
        }

        /** @return bytes on the wire, as a {@link Statistic}'s */
        public long wireBytes() {
            return HEADER_BYTES + 4L * values.length;
        }
    }
}
