package org.dml4j.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Providers of one family (compressors, strategies, models, ...) found through {@link ServiceLoader} and selected by
 * name, never by class name. Providers are loaded lazily on first use, not in a static initialiser; two providers with
 * the same name are an error; an unknown name fails with the list of known ones.
 *
 * <p>Thread-safe.
 *
 * @param <P> the provider type
 */
public final class Registry<P> {
    private final String family;
    private final Class<P> type;
    private final Function<? super P, String> nameOf;
    private volatile Map<String, P> byName;

    /**
     * @param family human name of the family, used in messages ("compressor")
     * @param type   the provider interface registered in {@code META-INF/services}
     * @param nameOf how to read a provider's name
     */
    public Registry(String family, Class<P> type, Function<? super P, String> nameOf) {
        this.family = Objects.requireNonNull(family, "family");
        this.type = Objects.requireNonNull(type, "type");
        this.nameOf = Objects.requireNonNull(nameOf, "nameOf");
    }

    /**
     * @param name the provider name, as written in a config file's {@code type}
     * @return the provider
     * @throws IllegalArgumentException naming the known providers when {@code name} is unknown
     */
    public P get(String name) {
        Objects.requireNonNull(name, "name");
        P p = providers().get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown " + family + " type '" + name + "'; known: "
                    + String.join(", ", names()));
        }
        return p;
    }

    /** @return the known names, sorted */
    public List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(providers().keySet()));
    }

    /** @return the providers by name, sorted by name */
    public Map<String, P> all() {
        return Collections.unmodifiableMap(providers());
    }

    private Map<String, P> providers() {
        Map<String, P> m = byName;
        if (m == null) {
            synchronized (this) {
                m = byName;
                if (m == null) {
                    m = load();
                    byName = m;
                }
            }
        }
        return m;
    }

    private Map<String, P> load() {
        Map<String, P> m = new TreeMap<>();
        for (P p : ServiceLoader.load(type, type.getClassLoader())) {
            String n = nameOf.apply(p);
            P old = m.put(n, p);
            if (old != null) {
                throw new IllegalStateException("two " + family + " providers are named '" + n + "': "
                        + old.getClass().getName() + " and " + p.getClass().getName());
            }
        }
        return m;
    }
}
