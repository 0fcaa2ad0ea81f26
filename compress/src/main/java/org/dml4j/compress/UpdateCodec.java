package org.dml4j.compress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Versioned binary encoding of {@link CompressedUpdate}s. Layout (little endian): magic {@code "DMLU"} (4 bytes),
 * format version (1 byte), kind (1 byte), reserved (2 bytes), dim (4 bytes), then the kind's payload. Readers reject
 * unknown versions and kinds, and never allocate more than the declared dimension allows.
 *
 * <p>Thread-safe (stateless).
 */
public final class UpdateCodec {
    /** Format version written by this code. */
    public static final int CURRENT_VERSION = 1;
    /** Size of the common header. */
    public static final int HEADER_BYTES = 12;
    private static final int MAGIC = 0x554C4D44; // "DMLU" read little endian
    private static final byte KIND_DENSE = 1;

    private UpdateCodec() {
    }

    /**
     * @param u the update
     * @return its encoding, exactly {@code u.wireBytes()} long
     */
    public static byte[] encode(CompressedUpdate u) {
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(u.wireBytes())).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).put((byte) CURRENT_VERSION);
        switch (u) {
            case DenseUpdate d -> {
                b.put(KIND_DENSE).putShort((short) 0).putInt(d.dim());
                for (int i = 0; i < d.dim(); i++) {
                    b.putFloat(d.get(i));
                }
            }
        }
        return b.array();
    }

    /**
     * @param bytes  an encoding
     * @param maxDim the largest dimension the caller accepts (the model size)
     * @return the decoded update
     * @throws MalformedUpdateException when the bytes are not a valid encoding
     */
    public static CompressedUpdate decode(byte[] bytes, int maxDim) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < HEADER_BYTES) {
            throw new MalformedUpdateException("update is " + bytes.length + " bytes, shorter than the "
                    + HEADER_BYTES + "-byte header");
        }
        if (b.getInt() != MAGIC) {
            throw new MalformedUpdateException("bad magic at byte 0: not a dml4j update");
        }
        int version = b.get() & 0xFF;
        if (version != CURRENT_VERSION) {
            throw new MalformedUpdateException("unsupported update format version " + version + " at byte 4; this"
                    + " reader knows version " + CURRENT_VERSION);
        }
        byte kind = b.get();
        b.getShort();
        int dim = b.getInt();
        if (dim < 0 || dim > maxDim) {
            throw new MalformedUpdateException("dim " + dim + " at byte 8 is outside [0, " + maxDim + "]");
        }
        if (kind == KIND_DENSE) {
            long need = HEADER_BYTES + 4L * dim;
            if (bytes.length != need) {
                throw new MalformedUpdateException("dense update of dim " + dim + " must be " + need
                        + " bytes, got " + bytes.length);
            }
            float[] v = new float[dim];
            b.asFloatBuffer().get(v);
            return DenseUpdate.wrap(v);
        }
        throw new MalformedUpdateException("unknown update kind " + kind + " at byte 5");
    }
}
