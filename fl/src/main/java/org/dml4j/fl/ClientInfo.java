package org.dml4j.fl;

/**
 * What the server knows about one client.
 *
 * @param id         client id, {@code 0..n-1}
 * @param numSamples size of the client's local training set
 */
public record ClientInfo(int id, int numSamples) {
    /** Validates the fields. */
    public ClientInfo {
        if (id < 0) {
            throw new IllegalArgumentException("id must be >= 0, got " + id);
        }
        if (numSamples < 0) {
            throw new IllegalArgumentException("numSamples must be >= 0, got " + numSamples);
        }
    }
}
