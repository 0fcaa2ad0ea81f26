package org.dml4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    /** A record is written as an object of its components. */
    record Point(int x, double y) {
    }

    @Test
    void writesNestedValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1);
        m.put("b", List.of("x\"y", 2.5, true));
        m.put("c", Double.NaN);
        m.put("d", new int[] {1, 2});
        m.put("e", Map.of());
        assertEquals("{\n  \"a\": 1,\n  \"b\": [\"x\\\"y\", 2.5, true],\n  \"c\": \"NaN\",\n  \"d\": [1, 2],\n"
                + "  \"e\": {}\n}\n", Json.write(m));
    }

    @Test
    void writesRecordsAsObjectsAndEscapesControlCharacters() {
        assertEquals("{\"p\":{\"x\":1,\"y\":0.5}}", Json.line(Map.of("p", new Point(1, 0.5))));
        StringBuilder sb = new StringBuilder();
        Json.string(sb, "tab\there \u0001");
        assertEquals("\"tab\\there \\u0001\"", sb.toString());
    }
}
