package org.dml4j.fl;

import java.util.List;

/**
 * The clients a strategy selected for one round and what each must do, sorted by client id.
 *
 * @param round        the round, from 1
 * @param instructions one per selected client, sorted by client id
 */
public record RoundPlan(int round, List<ClientInstruction> instructions) {
    /** Copies the list and checks the order. */
    public RoundPlan {
        instructions = List.copyOf(instructions);
        for (int i = 1; i < instructions.size(); i++) {
            if (instructions.get(i).clientId() <= instructions.get(i - 1).clientId()) {
                throw new IllegalArgumentException("instructions must be sorted by distinct client id");
            }
        }
    }
}
