package org.dml4j.core;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The saved state of a run's parts, as named values: the container that checkpoints are made of. Each part (the
 * coordinator, its strategy, a compressor state, the simulator) writes its fields under its own prefix with the
 * {@code put} methods and reads them back with the {@code get} methods; {@link #under(String)} gives a part a view
 * whose keys are prefixed with {@code "<name>/"}, so parts never see each other's keys.
 *
 * <p>Values are arrays ({@code float[]}, {@code double[]}, {@code long[]}, {@code int[]}, {@code byte[]}, copied in
 * and out) and scalars ({@code long}, {@code double}, {@code boolean}, {@code String}). Doubles and floats are kept
 * bit for bit (NaN included), so a restored part computes exactly what the saved one would have. The file format that
 * holds a snapshot lives in module {@code fl} ({@code org.dml4j.fl.checkpoint.CheckpointFile}); this class does no
 * I/O.
 *
 * <p>Reading an absent key, or a key holding another type, throws {@link IllegalArgumentException} naming the key, so
 * a checkpoint written by a different configuration fails with a clear message instead of computing nonsense.
 *
 * <p>Not thread-safe; views share the root's entries.
 */
public final class Snapshot {
    private final SortedMap<String, Object> entries;
    private final String prefix;

    /** Creates an empty snapshot. */
    public Snapshot() {
        this(new TreeMap<>(), "");
    }

    private Snapshot(SortedMap<String, Object> entries, String prefix) {
        this.entries = entries;
        this.prefix = prefix;
    }

    /**
     * @param name a part's name, without {@code /} at either end
     * @return a view whose keys are {@code <this view's prefix><name>/<key>}
     */
    public Snapshot under(String name) {
        checkKey(name);
        return new Snapshot(entries, prefix + name + "/");
    }

    /** @return this view's prefix ({@code ""} for the root) */
    public String prefix() {
        return prefix;
    }

    /**
     * @param key a key of this view
     * @return whether it holds a value
     */
    public boolean has(String key) {
        return entries.containsKey(prefix + key);
    }

    /** @return every entry of the whole snapshot (full keys, sorted), read only; arrays are not copied */
    public Map<String, Object> entries() {
        return Collections.unmodifiableSortedMap(entries);
    }

    /**
     * Puts an entry by its full key, for file readers; arrays are kept (not copied).
     *
     * @param fullKey the key, with its prefix
     * @param value   one of the supported types
     */
    public void putRaw(String fullKey, Object value) {
        checkKey(fullKey);
        Objects.requireNonNull(value, "value");
        if (!(value instanceof float[] || value instanceof double[] || value instanceof long[]
                || value instanceof int[] || value instanceof byte[] || value instanceof Long
                || value instanceof Double || value instanceof Boolean || value instanceof String)) {
            throw new IllegalArgumentException("snapshot entry '" + fullKey + "' has unsupported type "
                    + value.getClass().getSimpleName());
        }
        entries.put(fullKey, value);
    }

    private void put(String key, Object value) {
        checkKey(key);
        entries.put(prefix + key, value);
    }

    /** @param key key; @param v value (copied) @return this */
    public Snapshot putFloats(String key, float[] v) {
        put(key, v.clone());
        return this;
    }

    /** @param key key; @param v value (copied) @return this */
    public Snapshot putDoubles(String key, double[] v) {
        put(key, v.clone());
        return this;
    }

    /** @param key key; @param v value (copied) @return this */
    public Snapshot putLongs(String key, long[] v) {
        put(key, v.clone());
        return this;
    }

    /** @param key key; @param v value (copied) @return this */
    public Snapshot putInts(String key, int[] v) {
        put(key, v.clone());
        return this;
    }

    /** @param key key; @param v value (copied) @return this */
    public Snapshot putBytes(String key, byte[] v) {
        put(key, v.clone());
        return this;
    }

    /** @param key key; @param v value @return this */
    public Snapshot putLong(String key, long v) {
        put(key, v);
        return this;
    }

    /** @param key key; @param v value (kept bit for bit) @return this */
    public Snapshot putDouble(String key, double v) {
        put(key, v);
        return this;
    }

    /** @param key key; @param v value @return this */
    public Snapshot putBoolean(String key, boolean v) {
        put(key, v);
        return this;
    }

    /** @param key key; @param v value, not null @return this */
    public Snapshot putString(String key, String v) {
        put(key, Objects.requireNonNull(v, "value of " + prefix + key));
        return this;
    }

    private <T> T get(String key, Class<T> type) {
        Object v = entries.get(prefix + key);
        if (v == null) {
            throw new IllegalArgumentException("the checkpoint has no entry '" + prefix + key + "'");
        }
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("checkpoint entry '" + prefix + key + "' is a "
                    + v.getClass().getSimpleName() + ", expected " + type.getSimpleName());
        }
        return type.cast(v);
    }

    /** @param key key @return a copy of the array */
    public float[] getFloats(String key) {
        return get(key, float[].class).clone();
    }

    /**
     * @param key a key holding a {@code float[]}
     * @param n   the length it must have
     * @return a copy
     * @throws IllegalArgumentException naming the key when the length differs
     */
    public float[] getFloats(String key, int n) {
        return length(key, getFloats(key), n);
    }

    private <A> A length(String key, A array, int n) {
        int len = java.lang.reflect.Array.getLength(array);
        if (len != n) {
            throw new IllegalArgumentException("checkpoint entry '" + prefix + key + "' holds " + len
                    + " values, expected " + n);
        }
        return array;
    }

    /** @param key key @return a copy of the array */
    public double[] getDoubles(String key) {
        return get(key, double[].class).clone();
    }

    /**
     * @param key a key holding a {@code double[]}
     * @param n   the length it must have
     * @return a copy
     * @throws IllegalArgumentException naming the key when the length differs
     */
    public double[] getDoubles(String key, int n) {
        return length(key, getDoubles(key), n);
    }

    /**
     * @param key a key holding a {@code long[]}
     * @param n   the length it must have
     * @return a copy
     * @throws IllegalArgumentException naming the key when the length differs
     */
    public long[] getLongs(String key, int n) {
        return length(key, getLongs(key), n);
    }

    /**
     * @param key a key holding a {@code byte[]}
     * @param n   the length it must have
     * @return a copy
     * @throws IllegalArgumentException naming the key when the length differs
     */
    public byte[] getBytes(String key, int n) {
        return length(key, getBytes(key), n);
    }

    /** @param key key @return a copy of the array */
    public long[] getLongs(String key) {
        return get(key, long[].class).clone();
    }

    /** @param key key @return a copy of the array */
    public int[] getInts(String key) {
        return get(key, int[].class).clone();
    }

    /**
     * @param key a key holding an {@code int[]}
     * @param n   the length it must have
     * @return a copy
     * @throws IllegalArgumentException naming the key when the length differs
     */
    public int[] getInts(String key, int n) {
        return length(key, getInts(key), n);
    }

    /** @param key key @return a copy of the array */
    public byte[] getBytes(String key) {
        return get(key, byte[].class).clone();
    }

    /** @param key key @return the value */
    public long getLong(String key) {
        return get(key, Long.class);
    }

    /**
     * @param key a key holding a long
     * @return the value
     * @throws IllegalArgumentException naming the key when it does not fit an int
     */
    public int getInt(String key) {
        long v = getLong(key);
        if (v != (int) v) {
            throw new IllegalArgumentException("checkpoint entry '" + prefix + key + "' = " + v + " is not an int");
        }
        return (int) v;
    }

    /** @param key key @return the value */
    public double getDouble(String key) {
        return get(key, Double.class);
    }

    /** @param key key @return the value */
    public boolean getBoolean(String key) {
        return get(key, Boolean.class);
    }

    /** @param key key @return the value */
    public String getString(String key) {
        return get(key, String.class);
    }

    /**
     * Checks that the snapshot was written by the same kind of part.
     *
     * @param key      the key of the kind's name (e.g. {@code "type"})
     * @param expected the name this part writes
     * @throws IllegalArgumentException naming both when they differ
     */
    public void expect(String key, String expected) {
        String actual = getString(key);
        if (!actual.equals(expected)) {
            throw new IllegalArgumentException("checkpoint entry '" + prefix + key + "' is '" + actual
                    + "', this run has '" + expected + "'");
        }
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.endsWith("/") || key.contains("//")) {
            throw new IllegalArgumentException("bad snapshot key '" + key + "'");
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Snapshot s) || !s.prefix.equals(prefix) || s.entries.size() != entries.size()) {
            return false;
        }
        for (Map.Entry<String, Object> e : entries.entrySet()) {
            Object w = s.entries.get(e.getKey());
            if (w == null || !Arrays.deepEquals(new Object[] {e.getValue()}, new Object[] {w})) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return entries.keySet().hashCode();
    }

    @Override
    public String toString() {
        return "Snapshot" + entries.keySet();
    }
}
