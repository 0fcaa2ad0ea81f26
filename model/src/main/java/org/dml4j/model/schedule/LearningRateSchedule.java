package org.dml4j.model.schedule;

/**
 * The learning rate as a function of the federated round, the time unit of every schedule. The whole schedule is
 * known up front (γ-FedHT derives its compression thresholds from it), so implementations are pure functions of the
 * round and their configuration.
 *
 * <p>Immutable and thread-safe.
 */
public interface LearningRateSchedule {
    /**
     * @param round the round index, counted from 0
     * @return the learning rate used in that round, positive and finite
     * @throws IllegalArgumentException when {@code round} is negative
     */
    double rate(int round);

    /**
     * @param rounds how many rounds
     * @return {@code rate(0) … rate(rounds − 1)}
     */
    default double[] rates(int rounds) {
        if (rounds < 0) {
            throw new IllegalArgumentException("rounds must be >= 0, got " + rounds);
        }
        double[] r = new double[rounds];
        for (int t = 0; t < rounds; t++) {
            r[t] = rate(t);
        }
        return r;
    }

    /**
     * @param round the round index
     * @return {@code round}
     * @throws IllegalArgumentException when it is negative
     */
    static int checkRound(int round) {
        if (round < 0) {
            throw new IllegalArgumentException("round must be >= 0, got " + round);
        }
        return round;
    }

    /**
     * @param field the config field, kebab-case
     * @param value the learning rate
     * @return {@code value}
     * @throws IllegalArgumentException naming the field when the value is not positive and finite
     */
    static double checkRate(String field, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(field + " must be positive and finite, got " + value);
        }
        return value;
    }
}
