package org.dml4j.fl;

import java.util.Objects;
import org.dml4j.compress.CompressedUpdate;

/**
 * A compressed downlink message sent to every participant: adding {@link #delta()} to a participant's replica of the
 * global model brings it to the replica of {@link #version()}. The coordinator keeps the same replica (server-side
 * error feedback), so it knows exactly what every participant holds.
 *
 * @param version the global model version this broadcast brings the replicas to
 * @param delta   the compressed change of the replica
 */
public record Broadcast(int version, CompressedUpdate delta) {
    /** Validates the fields. */
    public Broadcast {
        Objects.requireNonNull(delta, "delta");
    }
}
