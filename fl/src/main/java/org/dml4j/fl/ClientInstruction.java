package org.dml4j.fl;

/**
 * What a strategy asks of one client in one round.
 *
 * @param clientId     the client
 * @param localSteps   SGD steps to take
 * @param learningRate local step size
 * @param proxMu       FedProx proximal coefficient (0 for none)
 */
public record ClientInstruction(int clientId, int localSteps, float learningRate, float proxMu) {
    /** Validates the fields. */
    public ClientInstruction {
        if (localSteps < 1) {
            throw new IllegalArgumentException("localSteps must be >= 1, got " + localSteps);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
        }
        if (!(proxMu >= 0)) {
            throw new IllegalArgumentException("proxMu must be >= 0, got " + proxMu);
        }
    }
}
