package org.dml4j.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one binder of configuration tables to configuration records, on Jackson: every module binds its
 * {@code <Impl>Config} records through it (partitioners, compressors, models, schedules, strategies, networks,
 * devices, topologies) and the command line binds the whole experiment through it.
 *
 * <p>Rules:
 * <ul>
 *   <li>keys are kebab-case ({@code error-feedback}): the record's components, or the {@link JsonProperty} names of
 *       its {@link JsonCreator} factory when it has one;</li>
 *   <li>a {@code type} key at the top of a table selects the provider and is not part of the record (unless the
 *       record has a {@code type} component);</li>
 *   <li>when the record has a {@code public static defaults()} method, its values fill the keys a table leaves out;
 *       otherwise an absent number is an error, an absent boolean is false and an absent object is null (the
 *       record's constructor then applies its own default);</li>
 *   <li>types are strict: a string is not a number, 2.5 is not an integer; a single value is taken as a one-element
 *       list;</li>
 *   <li>every error is an {@link IllegalArgumentException} naming the table, the full key path (also inside inline
 *       tables and arrays of tables) and the value; an unknown key is reported before anything it leaves missing,
 *       since a typo is the likelier cause, and lists the known keys in declaration order; the record's own
 *       validation message comes through with the table named.</li>
 * </ul>
 * The reverse, {@link #table(Object)}, writes a bound record back as a table (kebab-case keys, absent values left
 * out) that binds to an equal record: this is how a run writes its fully resolved configuration.
 *
 * <p>Thread-safe (stateless; the mapper is immutable after construction).
 */
public final class ConfigBinder {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private ConfigBinder() {
    }

    /**
     * Binds a table from Java code (a map of numbers, strings, booleans, lists, arrays and maps).
     *
     * @param table the keys and values
     * @param type  the configuration record
     * @param where the table's name for messages (e.g. {@code "compressor"}), or null
     * @param <T>   the record type
     * @return the bound and validated record
     * @throws IllegalArgumentException naming the key and value on any error
     */
    public static <T> T bind(Map<String, ?> table, Class<T> type, String where) {
        Objects.requireNonNull(table, "table");
        return bind((JsonNode) MAPPER.valueToTree(table), type, where);
    }

    /**
     * Binds a table of a parsed file.
     *
     * @param table the table (a JSON tree, as Jackson's TOML and JSON readers give)
     * @param type  the configuration record
     * @param where the table's name for messages (e.g. {@code "training.schedule"}), or null
     * @param <T>   the record type
     * @return the bound and validated record
     * @throws IllegalArgumentException naming the table, the key path and the value on any error
     */
    public static <T> T bind(JsonNode table, Class<T> type, String where) {
        Objects.requireNonNull(type, "type");
        if (table == null || table.isMissingNode() || table.isNull()) {
            table = MAPPER.createObjectNode();
        }
        if (!table.isObject()) {
            throw new IllegalArgumentException(head(where) + "must be a table, got " + table);
        }
        List<Key> keys = keys(type);
        ObjectNode merged = defaultsOf(type);
        for (Iterator<Map.Entry<String, JsonNode>> it = table.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("type") || (keys != null && find(keys, "type") != null)) {
                merged.set(e.getKey(), e.getValue());
            }
        }
        check(merged, type, keys, "", where, false);
        check(merged, type, keys, "", where, true);
        try {
            return MAPPER.treeToValue(merged, type);
        } catch (ValueInstantiationException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            String at = path(e);
            throw new IllegalArgumentException(head(where) + (at.isEmpty() ? "" : at + ": ")
                    + (c.getMessage() != null ? c.getMessage() : c.toString()), c);
        } catch (MismatchedInputException e) {
            String at = path(e);
            if (e.getOriginalMessage().startsWith("Missing required creator property")) {
                String name = e.getOriginalMessage().replaceAll(".*'(.*)'.*", "$1");
                throw new IllegalArgumentException(head(where) + "needs key '" + join(at, name) + "'", e);
            }
            throw new IllegalArgumentException(head(where) + (at.isEmpty() ? "value" : at) + " must be "
                    + expected(e.getTargetType()) + ", got " + valueAt(merged, e.getPath()), e);
        } catch (JsonMappingException e) {
            String at = path(e);
            throw new IllegalArgumentException(head(where) + (at.isEmpty() ? "" : at + ": ")
                    + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(head(where) + e.getOriginalMessage(), e);
        }
    }

    /**
     * @param config a bound configuration record
     * @return its table: every component in kebab-case, absent (null) values left out; binding it gives an equal
     *     record back
     */
    public static ObjectNode table(Object config) {
        JsonNode n = MAPPER.valueToTree(config);
        if (!(n instanceof ObjectNode o)) {
            throw new IllegalArgumentException(config.getClass().getName() + " does not write as a table: " + n);
        }
        return o;
    }

    /**
     * @param type   the provider name written as the table's first key, {@code type = "..."}
     * @param config the bound record
     * @return its table with the type first
     */
    public static ObjectNode table(String type, Object config) {
        ObjectNode t = MAPPER.createObjectNode().put("type", Objects.requireNonNull(type, "type"));
        t.setAll(table(config));
        return t;
    }

    /**
     * @param value maps, lists, arrays, records and scalars
     * @return the same as a JSON tree, as {@link #table(Object)} writes records
     */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /**
     * @param type a configuration record
     * @return its config-file keys in declaration order
     */
    public static List<String> keyNames(Class<?> type) {
        List<Key> keys = keys(type);
        return keys == null ? List.of() : keys.stream().map(Key::name).toList();
    }

    /** A config-file key of a record and its Java type. */
    private record Key(String name, Type type) {
    }

    /**
     * @return the keys of a record or of a class with a {@link JsonCreator} factory, or null for other types (maps,
     *     scalars), which are not checked key by key
     */
    private static List<Key> keys(Class<?> type) {
        for (Method m : type.getDeclaredMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && m.isAnnotationPresent(JsonCreator.class)
                    && m.getReturnType() == type && m.getParameterCount() > 0
                    && m.getParameters()[0].isAnnotationPresent(JsonProperty.class)) {
                List<Key> out = new ArrayList<>();
                for (Parameter p : m.getParameters()) {
                    JsonProperty jp = p.getAnnotation(JsonProperty.class);
                    out.add(new Key(jp != null ? jp.value() : kebab(p.getName()), p.getParameterizedType()));
                }
                return out;
            }
        }
        if (!type.isRecord()) {
            return null;
        }
        List<Key> out = new ArrayList<>();
        for (RecordComponent rc : type.getRecordComponents()) {
            JsonProperty jp = rc.getAnnotation(JsonProperty.class);
            out.add(new Key(jp != null && !jp.value().isEmpty() ? jp.value() : kebab(rc.getName()),
                    rc.getGenericType()));
        }
        return out;
    }

    private static Key find(List<Key> keys, String name) {
        for (Key k : keys) {
            if (k.name().equals(name)) {
                return k;
            }
        }
        return null;
    }

    /**
     * Checks a table against a record before Jackson binds it: unknown keys first (at every depth), then, with
     * {@code absent}, absent numbers of records without defaults. Wrong types are left to Jackson, whose error carries the path.
     */
    private static void check(JsonNode node, Class<?> type, List<Key> keys, String at, String where,
                              boolean absent) {
        if (keys == null || !node.isObject()) {
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext() && !absent;) {
            String k = it.next();
            if (find(keys, k) == null) {
                String table = join(where == null ? "" : where, at);
                throw new IllegalArgumentException((table.isEmpty() ? "" : "[" + table + "] has ") + "unknown key '"
                        + k + "'; known: "
                        + (keys.isEmpty() ? "none" : String.join(", ", keys.stream().map(Key::name).toList())));
            }
        }
        for (Key k : keys) {
            JsonNode v = node.get(k.name());
            Class<?> raw = raw(k.type());
            if (v == null) {
                if (absent && raw.isPrimitive() && raw != boolean.class && !hasDefaults(type)) {
                    throw new IllegalArgumentException(head(where) + "needs key '" + join(at, k.name()) + "' ("
                            + expected(raw) + ")");
                }
                continue;
            }
            Class<?> element = element(k.type());
            if (element != null && v.isArray()) {
                List<Key> sub = keys(element);
                for (int i = 0; i < v.size(); i++) {
                    check(v.get(i), element, sub, join(at, k.name()) + "[" + i + "]", where, absent);
                }
            } else if (element != null && v.isObject()) {
                check(v, element, keys(element), join(at, k.name()) + "[0]", where, absent);
            } else if (v.isObject()) {
                check(v, raw, keys(raw), join(at, k.name()), where, absent);
            }
        }
    }

    private static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p) {
            return raw(p.getRawType());
        }
        if (t instanceof GenericArrayType g) {
            return raw(g.getGenericComponentType()).arrayType();
        }
        return Object.class;
    }

    /** @return the element class of an array or collection type, or null */
    private static Class<?> element(Type t) {
        if (t instanceof Class<?> c && c.isArray()) {
            return c.getComponentType();
        }
        if (t instanceof GenericArrayType g) {
            return raw(g.getGenericComponentType());
        }
        if (t instanceof ParameterizedType p && Collection.class.isAssignableFrom(raw(p.getRawType()))) {
            return raw(p.getActualTypeArguments()[0]);
        }
        return null;
    }

    private static boolean hasDefaults(Class<?> type) {
        return defaultsMethod(type) != null;
    }

    private static Method defaultsMethod(Class<?> type) {
        try {
            Method m = type.getMethod("defaults");
            return Modifier.isStatic(m.getModifiers()) && type.isAssignableFrom(m.getReturnType()) ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static ObjectNode defaultsOf(Class<?> type) {
        Method m = defaultsMethod(type);
        if (m == null) {
            return MAPPER.createObjectNode();
        }
        try {
            return table(m.invoke(null));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("defaults() of " + type.getName() + " failed", e);
        }
    }

    private static String expected(Class<?> t) {
        if (t == null) {
            return "another type";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "a boolean";
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class || t == short.class
                || t == Short.class || t == byte.class || t == Byte.class) {
            return "an integer";
        }
        if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
            return "a number";
        }
        if (t == String.class || t.isEnum()) {
            return "a string";
        }
        if (t.isArray() || Collection.class.isAssignableFrom(t)) {
            return "a list";
        }
        return "a table";
    }

    /** @return the value a Jackson error path points at (a single value taken as a list is the value itself) */
    private static String valueAt(JsonNode root, List<JsonMappingException.Reference> path) {
        JsonNode n = root;
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null && n.isObject()) {
                n = n.get(r.getFieldName());
            } else if (r.getFieldName() == null && n.isArray()) {
                n = n.get(r.getIndex());
            } else if (r.getFieldName() != null || !n.isValueNode()) {
                return "?";
            }
            if (n == null) {
                return "nothing";
            }
        }
        return n.toString();
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String head(String where) {
        return where == null || where.isEmpty() ? "" : "[" + where + "] ";
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + "." + b;
    }

    /**
     * @param name a Java name ({@code errorFeedback})
     * @return its config-file key ({@code error-feedback})
     */
    public static String kebab(String name) {
        return PropertyNamingStrategies.KebabCaseStrategy.INSTANCE.translate(name);
    }
}
