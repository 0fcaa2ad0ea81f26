package org.dml4j.grpc;

import io.grpc.Status;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.dml4j.compress.CompressedUpdate;
import org.dml4j.compress.DenseUpdate;
import org.dml4j.compress.MalformedUpdateException;
import org.dml4j.compress.SegmentedBytes;
import org.dml4j.compress.UpdateCodec;

/**
 * Checks every update a participant uploads before it can reach a strategy: its size against the limit, that it is a
 * valid {@link UpdateCodec} encoding (version, lengths, no trailing bytes), its dimension against the model's, and
 * that every value it adds is finite (decoding into a zero vector: a finite scale times finite codes can still
 * overflow). The round id (task and version) is checked by the transport against the task it sent. Each rejection is
 * counted under its reason; the counts are thread-safe.
 */
public final class UpdateValidator {
    /** Why an update was refused: the gRPC status it gets and a reason for the log and the counter. */
    public static final class Rejected extends Exception {
        private final transient Status status;
        private final String reason;

        Rejected(Status.Code code, String reason, String detail) {
            super(reason + ": " + detail, null, false, false);
            this.status = Status.fromCode(code).withDescription(reason + ": " + detail);
            this.reason = reason;
        }

        /** @return the status for the participant */
        public Status status() {
            return status;
        }

        /** @return the counter's key: malformed, dimension, non-finite, oversize, ... */
        public String reason() {
            return reason;
        }
    }

    private final int dim;
    private final long maxBytes;
    private final Map<String, AtomicLong> rejected = new ConcurrentHashMap<>();

    /**
     * @param dim      the model's parameter count
     * @param maxBytes the largest encoded update accepted
     */
    public UpdateValidator(int dim, long maxBytes) {
        if (dim < 1) {
            throw new IllegalArgumentException("dim must be >= 1, got " + dim);
        }
        if (maxBytes < UpdateCodec.HEADER_BYTES) {
            throw new IllegalArgumentException("max-update-bytes must be >= " + UpdateCodec.HEADER_BYTES + ", got "
                    + maxBytes);
        }
        this.dim = dim;
        this.maxBytes = maxBytes;
    }

    /**
     * @param dim the model's parameter count
     * @return twice a dense fp32 encoding plus 4 KiB: room for any sparse or low-rank encoding of a useful update
     */
    public static long defaultMaxBytes(int dim) {
        return 2L * (UpdateCodec.HEADER_BYTES + 4L * dim) + 4096;
    }

    /** @return the largest encoded update accepted */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * @param bytes an uploaded encoding
     * @return the decoded update
     * @throws Rejected when it must not be aggregated (and counts it)
     */
    public CompressedUpdate validate(byte[] bytes) throws Rejected {
        return validate(SegmentedBytes.wrap(bytes));
    }

    /**
     * @param bytes an uploaded encoding, in the segments it arrived in (it may be longer than one array)
     * @return the decoded update
     * @throws Rejected when it must not be aggregated (and counts it)
     */
    public CompressedUpdate validate(SegmentedBytes bytes) throws Rejected {
        if (bytes.length() > maxBytes) {
            throw reject(Status.Code.RESOURCE_EXHAUSTED, "oversize", bytes.length() + " bytes, limit " + maxBytes);
        }
        CompressedUpdate u;
        try {
            u = UpdateCodec.decode(bytes, dim);
        } catch (MalformedUpdateException e) {
            throw reject(Status.Code.INVALID_ARGUMENT, "malformed", e.getMessage());
        }
        if (u.dim() != dim) {
            throw reject(Status.Code.INVALID_ARGUMENT, "dimension", "update has dim " + u.dim() + ", model " + dim);
        }
        if (u instanceof DenseUpdate) {
            return u; // the decoder refused every non-finite value, and a dense update adds exactly its values
        }
        float[] probe = new float[dim];
        u.addTo(probe, 1f);
        for (int i = 0; i < dim; i++) {
            if (!Float.isFinite(probe[i])) {
                throw reject(Status.Code.INVALID_ARGUMENT, "non-finite", "value " + probe[i] + " at index " + i);
            }
        }
        return u;
    }

    /**
     * Counts a rejection found elsewhere (checksum, round id, unknown task).
     *
     * @param code   the status code
     * @param reason the counter's key
     * @param detail what was wrong
     * @return the rejection
     */
    public Rejected reject(Status.Code code, String reason, String detail) {
        rejected.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
        return new Rejected(code, reason, detail);
    }

    /** @return rejections so far by reason, sorted */
    public Map<String, Long> rejected() {
        Map<String, Long> out = new TreeMap<>();
        rejected.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** @return all rejections so far */
    public long rejectedTotal() {
        return rejected.values().stream().mapToLong(AtomicLong::get).sum();
    }
}
