package org.dml4j.data.partition;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** Binds config-file tables to config records with Jackson; strict about unknown keys and number types. */
final class ConfigBinder {
    private ConfigBinder() {
    }

    /** Holder: the mapper is built on first use, not when the class loads. */
    private static final class Holder {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
    }

    /**
     * @return the config-file keys of a config record: the {@link JsonProperty} names of its {@link JsonCreator}
     *         factory, or its record components in kebab case
     */
    static List<String> keys(Class<?> configType) {
        List<String> out = new ArrayList<>();
        for (Method m : configType.getDeclaredMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && m.isAnnotationPresent(JsonCreator.class)
                    && m.getReturnType() == configType) {
                for (Parameter p : m.getParameters()) {
                    JsonProperty jp = p.getAnnotation(JsonProperty.class);
                    out.add(jp != null ? jp.value() : p.getName());
                }
                return out;
            }
        }
        if (configType.isRecord()) {
            for (RecordComponent rc : configType.getRecordComponents()) {
                out.add(rc.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    static <C extends PartitionerConfig> C bind(String type, Map<String, ?> settings, Class<C> configType) {
        Objects.requireNonNull(settings, "settings");
        Map<String, Object> m = new LinkedHashMap<>(settings);
        m.remove("type");
        List<String> known = keys(configType);
        for (String k : m.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException(type + ": unknown key '" + k + "'; known: "
                        + (known.isEmpty() ? "none" : String.join(", ", known)));
            }
        }
        try {
            return Holder.MAPPER.readValue(Holder.MAPPER.writeValueAsBytes(m), configType);
        } catch (ValueInstantiationException e) {
            Throwable c = e.getCause();
            if (c instanceof IllegalArgumentException iae) {
                throw new IllegalArgumentException(type + ": " + iae.getMessage(), iae);
            }
            throw new IllegalArgumentException(type + ": " + e.getOriginalMessage(), e);
        } catch (JsonMappingException e) {
            String field = e.getPath().stream().map(JsonMappingException.Reference::getFieldName)
                    .filter(Objects::nonNull).collect(Collectors.joining("."));
            throw new IllegalArgumentException(type + ": " + (field.isEmpty() ? "" : field + ": ")
                    + e.getOriginalMessage().replace(" (but could if coercion was enabled using `CoercionConfig`)",
                    ""), e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(type + ": " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(type + ": " + e.getMessage(), e);
        }
    }
}
