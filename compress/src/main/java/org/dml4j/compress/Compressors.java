package org.dml4j.compress;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dml4j.core.config.ConfigBinder;

/**
 * Builds compressors from a type name and a config table, as read from an experiment file:
 * <pre>{@code
 * GradientCompressor c = Compressors.create("topk", Map.of("ratio", 0.01, "error-feedback", true));
 * CompressorState s = c.newState(dim, seeds.child("client").child(i).random());
 * }</pre>
 * Keys are the record components of the provider's {@code <Impl>Config} in kebab-case ({@code error-feedback}) or
 * camelCase; a {@code type} key is ignored. Values may be numbers, booleans, strings, lists (for {@code int[]},
 * {@code double[]}, {@code int[][]}) or already-typed arrays. Binding is the one {@link ConfigBinder} every
 * experiment table goes through.
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
     * Binds a config table to a config record with the one {@link ConfigBinder} (strict types: a string is not a
     * number; an absent number is an error, an absent boolean false, an absent object the record's default).
     *
     * @param type    the record class
     * @param options the table; kebab-case or camelCase keys
     * @param <C>     the record type
     * @return the validated record
     * @throws IllegalArgumentException naming the key and the value for an unknown key, a value of the wrong type,
     *     an absent number or an invalid value
     */
    public static <C extends CompressorConfig> C bind(Class<C> type, Map<String, ?> options) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(options, "options");
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        Map<String, Object> kebab = new LinkedHashMap<>();
        options.forEach((k, v) -> kebab.put(ConfigBinder.kebab(Objects.requireNonNull(k, "key")), v));
        return ConfigBinder.bind(kebab, type, null);
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
