package org.dml4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @Test
    void writesTheHeaderAndLittleEndianValuesOfTheFormat(@TempDir Path tmp) throws Exception {
        // Prepare: a 2x3 weight and a bias of 2
        ParameterLayout layout = new ParameterLayout.Builder().add("fc.weight", 2, 3).add("fc.bias", 2).build();
        float[] params = {0f, 1f, 2f, 3f, 4f, 5f, -1.5f, 1e-7f};
        Path f = tmp.resolve("model.safetensors");

        // Execute
        Safetensors.write(f, layout, params, Map.of("run", "quickstart", "round", "20"));

        // Assert: parsed by hand, as the format's specification reads
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong();
        assertEquals(0, n % 8, "the header is padded to 8 bytes");
        byte[] header = new byte[(int) n];
        b.get(header);
        JsonNode h = new ObjectMapper().readTree(new String(header, StandardCharsets.UTF_8));
        assertEquals("quickstart", h.path("__metadata__").path("run").asText());
        assertEquals("F32", h.path("fc.weight").path("dtype").asText());
        assertEquals("[2,3]", h.path("fc.weight").path("shape").toString());
        assertEquals("[0,24]", h.path("fc.weight").path("data_offsets").toString());
        assertEquals("[24,32]", h.path("fc.bias").path("data_offsets").toString());
        assertEquals(8 + n + 32, Files.size(f));
        for (float p : params) {
            assertEquals(p, b.getFloat());
        }
    }
}
