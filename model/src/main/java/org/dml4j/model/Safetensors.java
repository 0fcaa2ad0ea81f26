package org.dml4j.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.dml4j.core.AtomicFiles;
import org.dml4j.core.Json;

/**
 * Writes a flat parameter vector as a {@code .safetensors} file (Hugging Face's format, read by PyTorch, JAX, NumPy
 * and Rust tools): an 8-byte little-endian header length, a JSON header naming every tensor of the
 * {@link ParameterLayout} with its dtype ({@code F32}), shape and byte offsets, padded with spaces to 8 bytes, then
 * the little-endian values in layout order.
 *
 * <p>Stateless and thread-safe.
 */
public final class Safetensors {
    private Safetensors() {
    }

    /**
     * @param file     destination, written atomically
     * @param layout   the tensors' names and shapes
     * @param params   the flat parameters, {@code layout.size()} of them
     * @param metadata string pairs stored under {@code __metadata__} (run name, seed, round)
     * @throws IllegalArgumentException when {@code params} does not match the layout
     */
    public static void write(Path file, ParameterLayout layout, float[] params, Map<String, String> metadata) {
        if (params.length != layout.size()) {
            throw new IllegalArgumentException("params has " + params.length + " values, the layout "
                    + layout.size());
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("__metadata__", new TreeMap<>(metadata));
        for (ParameterLayout.Entry t : layout.entries()) {
            Map<String, Object> tensor = new LinkedHashMap<>();
            tensor.put("dtype", "F32");
            tensor.put("shape", t.shape());
            tensor.put("data_offsets", new long[] {4L * t.offset(), 4L * (t.offset() + t.size())});
            root.put(t.name(), tensor);
        }
        StringBuilder h = new StringBuilder(Json.line(root));
        while (h.toString().getBytes(StandardCharsets.UTF_8).length % 8 != 0) {
            h.append(' ');
        }
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
            out.write(len.array());
            out.write(header);
            writeFloats(out, params);
        });
    }

    private static void writeFloats(OutputStream out, float[] values) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            if (!buf.hasRemaining()) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            buf.putFloat(v);
        }
        out.write(buf.array(), 0, buf.position());
    }
}
