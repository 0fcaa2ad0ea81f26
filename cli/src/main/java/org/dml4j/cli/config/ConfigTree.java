package org.dml4j.cli.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An experiment file as a tree of tables, with its {@code --set} overrides applied and remembered. Tables bind to
 * configuration records with the one {@link org.dml4j.core.config.ConfigBinder}; the resolved experiment is written
 * back with Jackson's TOML writer ({@link #toToml()}).
 */
public final class ConfigTree {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TomlMapper TOML = new TomlMapper();
    private final ObjectNode root;
    private final String source;
    private final List<String> overrides;

    private ConfigTree(ObjectNode root, String source, List<String> overrides) {
        this.root = root;
        this.source = source;
        this.overrides = new ArrayList<>(overrides);
    }

    /**
     * @param file a TOML experiment file
     * @return its tree
     * @throws IllegalArgumentException when the file is missing or not valid TOML, with the parser's position
     */
    public static ConfigTree load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("experiment file not found: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        return parse(text, file.toString());
    }

    /**
     * @param toml   TOML text
     * @param source name used in messages
     * @return its tree
     */
    public static ConfigTree parse(String toml, String source) {
        try {
            JsonNode n = TOML.readTree(toml);
            if (n == null || !n.isObject()) {
                return new ConfigTree(JsonNodeFactory.instance.objectNode(), source, List.of());
            }
            return new ConfigTree((ObjectNode) n, source, List.of());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + " is not valid TOML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")" : ""));
        }
    }

    /** @return the source name (file path) */
    public String source() {
        return source;
    }

    /**
     * Applies an override such as {@code run.rounds=50} or {@code model.hidden=[256,128]}. The value is parsed as a
     * TOML value (numbers, booleans, strings, arrays, inline tables) and taken as a plain string when it does not
     * parse.
     *
     * @param assignment {@code dotted.key=value}
     * @throws IllegalArgumentException when it has no '=' or the key is empty
     */
    public void set(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--set expects key=value, got '" + assignment + "'");
        }
        String key = assignment.substring(0, eq).trim();
        String raw = assignment.substring(eq + 1).trim();
        JsonNode value;
        try {
            JsonNode parsed = TOML.readTree("v = " + raw);
            value = parsed.get("v");
        } catch (JsonProcessingException e) {
            value = JsonNodeFactory.instance.textNode(raw);
        }
        String[] parts = key.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (child == null || !child.isObject()) {
                child = node.putObject(parts[i]);
            }
            node = (ObjectNode) child;
        }
        node.set(parts[parts.length - 1], value);
        overrides.add(key + "=" + raw);
    }

    /** @return the overrides applied with {@link #set}, as {@code key=value} in the order given */
    public List<String> overrides() {
        return List.copyOf(overrides);
    }

    /**
     * @param path dotted path of a table
     * @return the table, or an empty one when absent
     * @throws IllegalArgumentException when the key exists but is not a table
     */
    public ObjectNode table(String path) {
        JsonNode n = root;
        for (String p : path.split("\\.")) {
            n = n.get(p);
            if (n == null) {
                return JsonNodeFactory.instance.objectNode();
            }
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException("[" + path + "] must be a table, got " + n);
        }
        return (ObjectNode) n;
    }

    /**
     * Checks that the file has only the given top-level tables.
     *
     * @param known the allowed table names
     */
    public void requireOnlyTables(List<String> known) {
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new IllegalArgumentException(source + ": unknown table [" + k + "]; known: "
                        + String.join(", ", known));
            }
        }
    }

    /**
     * @param table the table
     * @param where its name, for messages
     * @return the {@code type} value
     * @throws IllegalArgumentException when it is missing
     */
    public static String type(ObjectNode table, String where) {
        JsonNode t = table.get("type");
        if (t == null || !t.isTextual()) {
            throw new IllegalArgumentException("[" + where + "] needs a type = \"...\" key");
        }
        return t.asText();
    }

    /** @return the whole tree as nested maps and lists, for the run manifest */
    @SuppressWarnings("unchecked")
    public Map<String, Object> toMap() {
        return JSON.convertValue(root, LinkedHashMap.class);
    }

    /**
     * @param table a table of the tree
     * @return its keys and values as plain maps, lists, strings, numbers and booleans
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> plain(ObjectNode table) {
        return JSON.convertValue(table, LinkedHashMap.class);
    }

    /**
     * Writes the tree with Jackson's TOML writer: top-level values first, then each table under its {@code [name]}
     * header, its nested tables as dotted keys, in the tree's order (stable: the order the tables were resolved in).
     *
     * @return the tree as TOML text; it parses back to the same tree
     */
    public String toToml() {
        try {
            ObjectNode top = JsonNodeFactory.instance.objectNode();
            root.properties().forEach(e -> {
                if (!e.getValue().isObject()) {
                    top.set(e.getKey(), e.getValue());
                }
            });
            StringBuilder sb = new StringBuilder(top.isEmpty() ? "" : TOML.writeValueAsString(top));
            for (Map.Entry<String, JsonNode> e : root.properties()) {
                if (e.getValue().isObject()) {
                    String name = e.getKey().matches("[A-Za-z0-9_-]+") ? e.getKey()
                            : TOML.writeValueAsString(Map.of("k", e.getKey())).substring(4).strip();
                    sb.append(sb.isEmpty() ? "" : "\n").append('[').append(name).append("]\n")
                            .append(e.getValue().isEmpty() ? "" : TOML.writeValueAsString(e.getValue()));
                }
            }
            return sb.toString();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the experiment as TOML: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * @param root   the tables
     * @param source where they come from, for messages
     * @return a tree over them
     */
    public static ConfigTree of(ObjectNode root, String source) {
        return new ConfigTree(root.deepCopy(), source, List.of());
    }

    /** @return a copy of the tree */
    public ConfigTree copy() {
        return new ConfigTree(root.deepCopy(), source, overrides);
    }
}
