package org.dml4j.fl.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.dml4j.core.AtomicFiles;
import org.dml4j.core.Snapshot;

/**
 * Reads and writes a {@link Snapshot} as one file, atomically: the bytes go to a temporary file in the target's
 * folder, which is forced to disk ({@code fsync}) and renamed over the target, and the folder is forced too, so a
 * crash (SIGKILL, power loss) leaves either the previous checkpoint or the new one, never a torn file.
 *
 * <p>The file is a valid <a href="https://github.com/huggingface/safetensors">safetensors</a> file, so other tools
 * (PyTorch, NumPy, Rust) can open it and read, for instance, the global model: an 8-byte little-endian header
 * length, a JSON header, then the arrays' little-endian bytes. Each array entry of the snapshot is a 1-D tensor named
 * by its key, with dtype {@code F32}, {@code F64}, {@code I64}, {@code I32} or {@code U8}. The header's
 * {@code __metadata__} (string to string, as safetensors requires) holds
 * <ul>
 *   <li>{@code format} = {@value #FORMAT_NAME} and {@code format-version} = {@value #FORMAT_VERSION}; readers reject
 *       other names and versions;</li>
 *   <li>{@code crc32c}: the CRC-32C of the data section, in hex; a mismatch is rejected;</li>
 *   <li>every scalar entry under its key, as {@code long:<decimal>}, {@code double:<Double.toString>},
 *       {@code bool:true|false} or {@code string:<text>} (doubles round-trip bit for bit, NaN and infinities
 *       included).</li>
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class CheckpointFile {
    /** The {@code format} metadata value. */
    public static final String FORMAT_NAME = "dml4j-checkpoint";
    /** The format version written and the only one read. */
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointFile() {
    }

    /**
     * Writes the snapshot atomically (temporary file, fsync, rename, fsync of the folder); the file is created 0644.
     *
     * @param file     the destination; its folder is created when missing
     * @param snapshot what to write (all of it, whatever view is passed)
     * @throws UncheckedIOException when writing fails; the previous file is then untouched
     */
    public static void write(Path file, Snapshot snapshot) {
        byte[] bytes = encode(snapshot);
        AtomicFiles.writeDurably(file, out -> out.write(bytes));
    }

    /**
     * @param file a checkpoint
     * @return its snapshot
     * @throws IllegalArgumentException naming the file and what is wrong (not a checkpoint, another format version,
     *                                  a bad checksum, a truncated file)
     * @throws UncheckedIOException     when it cannot be read
     */
    public static Snapshot read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the checkpoint " + file + ": " + e.getMessage(), e);
        }
        try {
            return decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param snapshot a snapshot
     * @return its bytes in this format
     */
    public static byte[] encode(Snapshot snapshot) {
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        meta.put("format", FORMAT_NAME);
        meta.put("format-version", Integer.toString(FORMAT_VERSION));
        List<Object> arrays = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Object> e : snapshot.entries().entrySet()) {
            Object v = e.getValue();
            String dtype = dtype(v);
            if (dtype == null) {
                if (e.getKey().equals("format") || e.getKey().equals("format-version")
                        || e.getKey().equals("crc32c")) {
                    throw new IllegalArgumentException("snapshot key '" + e.getKey() + "' is reserved");
                }
                meta.put(e.getKey(), scalar(v));
                continue;
            }
            if (e.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("'__metadata__' is reserved");
            }
            long n = java.lang.reflect.Array.getLength(v);
            long size = n * width(dtype);
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtype);
            t.putArray("shape").add(n);
            t.putArray("data_offsets").add(offset).add(offset + size);
            offset += size;
            arrays.add(v);
        }
        if (offset > Integer.MAX_VALUE - 1_000_000) {
            throw new IllegalArgumentException("a checkpoint holds at most 2 GB, this one " + offset + " bytes");
        }
        ByteBuffer data = ByteBuffer.allocate((int) offset).order(ByteOrder.LITTLE_ENDIAN);
        for (Object v : arrays) {
            switch (v) {
                case float[] a -> data.asFloatBuffer().put(a);
                case double[] a -> data.asDoubleBuffer().put(a);
                case long[] a -> data.asLongBuffer().put(a);
                case int[] a -> data.asIntBuffer().put(a);
                case byte[] a -> data.duplicate().put(a);
                default -> throw new IllegalStateException();
            }
            data.position(data.position() + java.lang.reflect.Array.getLength(v) * width(dtype(v)));
        }
        CRC32C crc = new CRC32C();
        crc.update(data.array(), 0, data.capacity());
        meta.put("crc32c", Long.toHexString(crc.getValue()));
        byte[] h;
        try {
            h = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (h.length + 7) & ~7;
        ByteBuffer out = ByteBuffer.allocate(8 + padded + data.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(h);
        for (int i = h.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        out.put(data.array());
        return out.array();
    }

    /**
     * @param bytes a checkpoint's bytes
     * @return its snapshot
     * @throws IllegalArgumentException when they are not a checkpoint of this format version
     */
    public static Snapshot decode(byte[] bytes) {
        if (bytes.length < 8) {
            throw new IllegalArgumentException("only " + bytes.length + " bytes, not a checkpoint");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long hl = b.getLong();
        if (hl < 2 || hl > bytes.length - 8) {
            throw new IllegalArgumentException("header length " + hl + " does not fit the file's " + bytes.length
                    + " bytes (not a checkpoint, or truncated)");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, 8, (int) hl, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new IllegalArgumentException("the header is not JSON (not a checkpoint): " + e.getMessage(), e);
        }
        JsonNode meta = header.path("__metadata__");
        if (!FORMAT_NAME.equals(meta.path("format").asText())) {
            throw new IllegalArgumentException("not a dml4j checkpoint (format '" + meta.path("format").asText()
                    + "', expected '" + FORMAT_NAME + "')");
        }
        if (!Integer.toString(FORMAT_VERSION).equals(meta.path("format-version").asText())) {
            throw new IllegalArgumentException("format version " + meta.path("format-version").asText()
                    + "; this dml4j reads version " + FORMAT_VERSION);
        }
        int dataStart = 8 + (int) hl;
        int dataLength = bytes.length - dataStart;
        CRC32C crc = new CRC32C();
        crc.update(bytes, dataStart, dataLength);
        if (!Long.toHexString(crc.getValue()).equals(meta.path("crc32c").asText())) {
            throw new IllegalArgumentException("the data fail their checksum (CRC-32C): the file is damaged");
        }
        Snapshot s = new Snapshot();
        for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            if (!k.equals("format") && !k.equals("format-version") && !k.equals("crc32c")) {
                s.putRaw(k, parseScalar(k, e.getValue().asText()));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode t = e.getValue();
            String dtype = t.path("dtype").asText();
            long from = t.path("data_offsets").path(0).asLong(-1);
            long to = t.path("data_offsets").path(1).asLong(-1);
            long n = t.path("shape").path(0).asLong(-1);
            int w = width(dtype);
            if (w == 0 || from < 0 || to < from || to > dataLength || (to - from) != n * w
                    || t.path("shape").size() != 1) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has a bad entry " + t);
            }
            ByteBuffer d = ByteBuffer.wrap(bytes, dataStart + (int) from, (int) (to - from)).slice()
                    .order(ByteOrder.LITTLE_ENDIAN);
            int len = (int) n;
            Object v = switch (dtype) {
                case "F32" -> {
                    float[] a = new float[len];
                    d.asFloatBuffer().get(a);
                    yield a;
                }
                case "F64" -> {
                    double[] a = new double[len];
                    d.asDoubleBuffer().get(a);
                    yield a;
                }
                case "I64" -> {
                    long[] a = new long[len];
                    d.asLongBuffer().get(a);
                    yield a;
                }
                case "I32" -> {
                    int[] a = new int[len];
                    d.asIntBuffer().get(a);
                    yield a;
                }
                default -> {
                    byte[] a = new byte[len];
                    d.get(a);
                    yield a;
                }
            };
            s.putRaw(e.getKey(), v);
        }
        return s;
    }

    private static String dtype(Object v) {
        return switch (v) {
            case float[] a -> "F32";
            case double[] a -> "F64";
            case long[] a -> "I64";
            case int[] a -> "I32";
            case byte[] a -> "U8";
            default -> null;
        };
    }

    private static int width(String dtype) {
        return switch (dtype) {
            case "F32", "I32" -> 4;
            case "F64", "I64" -> 8;
            case "U8" -> 1;
            default -> 0;
        };
    }

    private static String scalar(Object v) {
        return switch (v) {
            case Long l -> "long:" + l;
            case Double d -> "double:" + d;
            case Boolean z -> "bool:" + z;
            case String s -> "string:" + s;
            default -> throw new IllegalArgumentException("unsupported value " + v.getClass());
        };
    }

    private static Object parseScalar(String key, String text) {
        int colon = text.indexOf(':');
        String kind = colon < 0 ? "" : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        try {
            return switch (kind) {
                case "long" -> Long.parseLong(value);
                case "double" -> Double.parseDouble(value);
                case "bool" -> Boolean.parseBoolean(value);
                case "string" -> value;
                default -> throw new IllegalArgumentException("metadata '" + key + "' = '" + text
                        + "' has no known type prefix");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata '" + key + "' = '" + text + "' is malformed", e);
        }
    }
}
