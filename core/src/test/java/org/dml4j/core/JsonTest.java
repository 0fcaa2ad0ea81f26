package org.dml4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesNestedValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1);
        m.put("b", List.of("x\"y", 2.5, true));
        m.put("c", Double.NaN);
        assertEquals("{\n  \"a\": 1,\n  \"b\": [\"x\\\"y\", 2.5, true],\n  \"c\": \"NaN\"\n}\n", Json.write(m));
    }
}
