package org.dml4j.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The coordinator's state after a completed version: the version number and the global model. Written atomically
 * (a temporary file, forced to disk, then renamed over the old one), so a crash leaves either the previous checkpoint
 * or the new one, never a torn file.
 *
 * <p>Format (little endian): magic {@code "DMLK"}, format version (4 bytes, {@value #FORMAT}), model version (4),
 * dim (4), {@code dim} fp32 values, CRC-32C of everything before it (4). Readers reject other formats, lengths,
 * checksums and non-finite values.
 *
 * @param version the number of completed versions
 * @param model   the global model after them
 */
public record Checkpoint(int version, float[] model) {
    /** Format version written and read. */
    public static final int FORMAT = 1;
    private static final int MAGIC = 0x4B4C4D44; // "DMLK" read little endian

    /** Validates the fields. */
    public Checkpoint {
        Objects.requireNonNull(model, "model");
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, got " + version);
        }
    }

    /**
     * @param file where to write (its folder must exist)
     */
    public void write(Path file) {
        ByteBuffer b = ByteBuffer.allocate(16 + 4 * model.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(FORMAT).putInt(version).putInt(model.length);
        for (float v : model) {
            b.putFloat(v);
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        b.flip();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint " + tmp, e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename the checkpoint to " + file, e);
        }
    }

    /**
     * @param file a checkpoint
     * @param dim  the model size it must have
     * @return its contents
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static Checkpoint read(Path file, int dim) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint " + file, e);
        }
        if (bytes.length < 20) {
            throw new IllegalArgumentException("checkpoint " + file + " is " + bytes.length + " bytes, too short");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt() != MAGIC) {
            throw new IllegalArgumentException("checkpoint " + file + " is not a dml4j checkpoint (bad magic)");
        }
        int format = b.getInt();
        if (format != FORMAT) {
            throw new IllegalArgumentException("checkpoint " + file + " has format " + format + "; this reader knows "
                    + FORMAT);
        }
        int version = b.getInt();
        int n = b.getInt();
        if (n != dim) {
            throw new IllegalArgumentException("checkpoint " + file + " has dim " + n + ", the model " + dim);
        }
        if (bytes.length != 16 + 4L * n + 4) {
            throw new IllegalArgumentException("checkpoint " + file + " is " + bytes.length + " bytes, expected "
                    + (16 + 4L * n + 4));
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        float[] model = new float[n];
        for (int i = 0; i < n; i++) {
            model[i] = b.getFloat();
            if (!Float.isFinite(model[i])) {
                throw new IllegalArgumentException("checkpoint " + file + " has a non-finite value at index " + i);
            }
        }
        if (b.getInt() != (int) crc.getValue()) {
            throw new IllegalArgumentException("checkpoint " + file + " fails its checksum (CRC-32C)");
        }
        return new Checkpoint(version, model);
    }
}
