package org.dml4j.compress;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Builds compressors from a type name and a config table, as read from an experiment file:
 * <pre>{@code
 * GradientCompressor c = Compressors.create("topk", Map.of("ratio", 0.01, "error-feedback", true));
 * CompressorState s = c.newState(dim, seeds.child("client").child(i).random());
 * }</pre>
 * Keys are the record components of the provider's {@code <Impl>Config} in kebab-case ({@code error-feedback}) or
 * camelCase; a {@code type} key is ignored. Values may be numbers, booleans, strings, lists (for {@code int[]},
 * {@code double[]}, {@code int[][]}) or already-typed arrays. The same records bind with Jackson (kebab-case naming
 * strategy) for the CLI.
 *
 * <p>Thread-safe (stateless).
 */
public final class Compressors {
    private Compressors() {
    }

    /** @return the registered type names, sorted */
    public static List<String> names() {
        return CompressorProvider.REGISTRY.names();
    }

    /**
     * @param type    the provider name, e.g. {@code "topk"}
     * @param options the config table (kebab-case keys)
     * @return the compressor
     * @throws IllegalArgumentException for an unknown type or key, a value of the wrong type, or an invalid value
     */
    public static GradientCompressor create(String type, Map<String, ?> options) {
        CompressorProvider p = CompressorProvider.REGISTRY.get(type);
        return p.create(bind(p.configType(), options));
    }

    /**
     * @param config a config record of a registered provider
     * @return the compressor its provider creates
     */
    public static GradientCompressor create(CompressorConfig config) {
        Objects.requireNonNull(config, "config");
        for (CompressorProvider p : CompressorProvider.REGISTRY.all().values()) {
            if (p.configType() == config.getClass()) {
                return p.create(config);
            }
        }
        throw new IllegalArgumentException("no compressor provider takes " + config.getClass().getName());
    }

    /**
     * Binds a config table to a config record.
     *
     * @param type    the record class
     * @param options the table; kebab-case or camelCase keys
     * @param <C>     the record type
     * @return the validated record
     */
    public static <C extends CompressorConfig> C bind(Class<C> type, Map<String, ?> options) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(options, "options");
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        RecordComponent[] comps = type.getRecordComponents();
        Map<String, Integer> byKey = new LinkedHashMap<>();
        for (int i = 0; i < comps.length; i++) {
            byKey.put(kebab(comps[i].getName()), i);
        }
        Object[] args = new Object[comps.length];
        boolean[] given = new boolean[comps.length];
        for (Map.Entry<String, ?> e : options.entrySet()) {
            String key = kebab(Objects.requireNonNull(e.getKey(), "key"));
            if (key.equals("type")) {
                continue;
            }
            Integer i = byKey.get(key);
            if (i == null) {
                throw new IllegalArgumentException("unknown key '" + e.getKey() + "' for " + type.getSimpleName()
                        + "; known: " + String.join(", ", byKey.keySet()));
            }
            args[i] = convert(key, e.getValue(), comps[i].getType());
            given[i] = true;
        }
        Class<?>[] types = new Class<?>[comps.length];
        for (int i = 0; i < comps.length; i++) {
            types[i] = comps[i].getType();
            if (!given[i] && types[i].isPrimitive()) {
                args[i] = defaultPrimitive(types[i]);
            }
        }
        try {
            Constructor<C> ctor = type.getDeclaredConstructor(types);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalArgumentException("cannot build " + type.getSimpleName() + ": " + e.getCause(), e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot build " + type.getSimpleName() + ": " + e, e);
        }
    }

    /** @return {@code errorFeedback} → {@code error-feedback}; kebab-case input is returned unchanged */
    static String kebab(String name) {
        StringBuilder sb = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (Character.isUpperCase(ch)) {
                sb.append('-').append(Character.toLowerCase(ch));
            } else if (ch == '_') {
                sb.append('-');
            } else {
                sb.append(ch);
            }
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    private static Object defaultPrimitive(Class<?> t) {
        if (t == boolean.class) {
            return false;
        }
        if (t == int.class) {
            return 0;
        }
        if (t == long.class) {
            return 0L;
        }
        if (t == double.class) {
            return 0.0;
        }
        if (t == float.class) {
            return 0f;
        }
        throw new IllegalArgumentException("unsupported primitive " + t);
    }

    private static Object convert(String key, Object v, Class<?> t) {
        if (v == null) {
            if (t.isPrimitive()) {
                throw new IllegalArgumentException(key + " must not be null");
            }
            return null;
        }
        if (t == boolean.class || t == Boolean.class) {
            if (v instanceof Boolean b) {
                return b;
            }
            if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
                return Boolean.parseBoolean(s);
            }
            throw wrongType(key, v, "a boolean");
        }
        if (t == double.class || t == Double.class) {
            return number(key, v).doubleValue();
        }
        if (t == float.class || t == Float.class) {
            return number(key, v).floatValue();
        }
        if (t == int.class || t == Integer.class) {
            return integer(key, v);
        }
        if (t == long.class || t == Long.class) {
            Number n = number(key, v);
            if (n.doubleValue() != Math.rint(n.doubleValue())) {
                throw wrongType(key, v, "an integer");
            }
            return n.longValue();
        }
        if (t == String.class) {
            if (v instanceof String s) {
                return s;
            }
            throw wrongType(key, v, "a string");
        }
        if (t == int[].class) {
            if (v instanceof int[] a) {
                return a.clone();
            }
            List<?> l = list(key, v);
            int[] a = new int[l.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = integer(key + "[" + i + "]", l.get(i));
            }
            return a;
        }
        if (t == double[].class) {
            if (v instanceof double[] a) {
                return a.clone();
            }
            List<?> l = list(key, v);
            double[] a = new double[l.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = number(key + "[" + i + "]", l.get(i)).doubleValue();
            }
            return a;
        }
        if (t == int[][].class) {
            if (v instanceof int[][] a) {
                int[][] c = new int[a.length][];
                for (int i = 0; i < a.length; i++) {
                    c[i] = a[i].clone();
                }
                return c;
            }
            List<?> l = list(key, v);
            int[][] a = new int[l.size()][];
            for (int i = 0; i < a.length; i++) {
                a[i] = (int[]) convert(key + "[" + i + "]", l.get(i), int[].class);
            }
            return a;
        }
        if (Map.class.isAssignableFrom(t)) {
            if (v instanceof Map<?, ?> m) {
                return m;
            }
            throw wrongType(key, v, "a table");
        }
        throw new IllegalArgumentException(key + ": unsupported config component type " + t.getSimpleName());
    }

    private static List<?> list(String key, Object v) {
        if (v instanceof List<?> l) {
            return l;
        }
        if (v != null && v.getClass().isArray()) {
            int n = java.lang.reflect.Array.getLength(v);
            List<Object> l = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                l.add(java.lang.reflect.Array.get(v, i));
            }
            return l;
        }
        throw wrongType(key, v, "a list");
    }

    private static Number number(String key, Object v) {
        if (v instanceof Number n) {
            return n;
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw wrongType(key, v, "a number");
            }
        }
        throw wrongType(key, v, "a number");
    }

    private static int integer(String key, Object v) {
        Number n = number(key, v);
        double d = n.doubleValue();
        if (d != Math.rint(d) || d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
            throw wrongType(key, v, "an int");
        }
        return (int) d;
    }

    private static IllegalArgumentException wrongType(String key, Object v, String want) {
        return new IllegalArgumentException(key + " must be " + want + ", got " + v + " ("
                + v.getClass().getSimpleName() + ")");
    }

    /** Casts a provider's config or fails naming the expected type. */
    static <C extends CompressorConfig> C expect(CompressorConfig config, Class<C> type, String name) {
        Objects.requireNonNull(config, "config");
        if (!type.isInstance(config)) {
            throw new IllegalArgumentException(name + " takes a " + type.getSimpleName() + ", got "
                    + config.getClass().getSimpleName());
        }
        return type.cast(config);
    }

    /**
     * @param c  a compressor
     * @param ef whether to wrap it
     * @return {@code ErrorFeedback.wrap(c)} when {@code ef}, else {@code c}
     */
    public static GradientCompressor withErrorFeedback(GradientCompressor c, boolean ef) {
        return ef ? ErrorFeedback.wrap(c) : c;
    }
}
