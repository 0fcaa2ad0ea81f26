package org.dml4j.planner.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Reads the fields of one JSON object of a planner description file with clear errors: every message names the
 * field by its path ({@code node-groups[1].gpu}) and the bad value; keys the reader does not know are rejected with
 * the list of known ones (so a typo is not silently ignored). Used by {@link ModelFiles} and
 * {@link org.dml4j.planner.cluster.ClusterFiles}; not meant for other callers.
 *
 * <p>Not thread-safe; one owner, short-lived.
 */
public final class JsonFields {
    private final JsonNode node;
    private final String path;

    private JsonFields(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /**
     * @param node an object node
     * @param path its path for messages ("" for the root)
     * @return the reader
     * @throws IllegalArgumentException when {@code node} is not an object
     */
    public static JsonFields of(JsonNode node, String path) {
        Objects.requireNonNull(node, "node");
        if (!node.isObject()) {
            throw new IllegalArgumentException((path.isEmpty() ? "the file" : path) + " must be a JSON object, got "
                    + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return new JsonFields(node, path);
    }

    /**
     * @return this object's own path ("" for the root)
     */
    public String where() {
        return path.isEmpty() ? "(root)" : path;
    }

    /**
     * @param key a key
     * @return its full path
     */
    public String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /**
     * Checks the file's {@code format-version}.
     *
     * @param current the version this reader writes and understands
     * @throws IllegalArgumentException when it is missing or newer (or otherwise unknown)
     */
    public void requireVersion(int current) {
        int v = requiredInt("format-version");
        if (v != current) {
            throw new IllegalArgumentException(path("format-version") + ": version " + v + " is not supported (this "
                    + "dml4j reads version " + current + ")");
        }
    }

    /**
     * @param known the keys this object may have
     * @throws IllegalArgumentException naming the first unknown key and the known ones
     */
    public void rejectUnknown(Set<String> known) {
        Iterator<String> it = node.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new IllegalArgumentException(path(k) + ": unknown key; known keys: "
                        + String.join(", ", new java.util.TreeSet<>(known)));
            }
        }
    }

    /**
     * @param key a key
     * @return whether it is present and not null
     */
    public boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    /**
     * @param key a key
     * @return its node, or {@code null}
     */
    public JsonNode get(String key) {
        return node.get(key);
    }

    /**
     * @param key a required string key
     * @return its value
     */
    public String requiredString(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(path(key) + " is required");
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(path(key) + " must be a string, got " + v);
        }
        return v.asText();
    }

    /**
     * @param key a key
     * @param dflt value when absent
     * @return its value
     */
    public String string(String key, String dflt) {
        return has(key) ? requiredString(key) : dflt;
    }

    /**
     * @param key a required numeric key
     * @return its value
     */
    public double requiredDouble(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(path(key) + " is required");
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException(path(key) + " must be a number, got " + v);
        }
        double d = v.asDouble();
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException(path(key) + " must be finite, got " + v);
        }
        return d;
    }

    /**
     * @param key a key
     * @param dflt value when absent
     * @return its value
     */
    public double number(String key, double dflt) {
        return has(key) ? requiredDouble(key) : dflt;
    }

    /**
     * @param key a required integer key
     * @return its value
     */
    public int requiredInt(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(path(key) + " is required");
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(path(key) + " must be an integer, got " + v);
        }
        return v.asInt();
    }

    /**
     * @param key a key
     * @param dflt value when absent
     * @return its value
     */
    public int integer(String key, int dflt) {
        return has(key) ? requiredInt(key) : dflt;
    }

    /**
     * @param key a key
     * @param dflt value when absent
     * @return its value
     */
    public boolean bool(String key, boolean dflt) {
        if (!has(key)) {
            return dflt;
        }
        JsonNode v = node.get(key);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(path(key) + " must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    /**
     * @param key a key
     * @return the object's reader, or {@code null} when absent
     */
    public JsonFields object(String key) {
        return has(key) ? of(node.get(key), path(key)) : null;
    }

    /**
     * @param key a required array key of objects
     * @return one reader per element
     */
    public List<JsonFields> objects(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(path(key) + " is required");
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException(path(key) + " must be an array, got " + v.getNodeType());
        }
        List<JsonFields> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(of(v.get(i), path(key) + "[" + i + "]"));
        }
        return out;
    }

    /**
     * @return the key paths of this object's fields, in file order
     */
    public List<String> keys() {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
