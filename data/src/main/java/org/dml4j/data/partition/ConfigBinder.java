package org.dml4j.data.partition;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

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

    static <C extends PartitionerConfig> C bind(String type, Map<String, ?> settings, Class<C> configType) {
        Objects.requireNonNull(settings, "settings");
        Map<String, Object> m = new LinkedHashMap<>(settings);
        m.remove("type");
        try {
            return Holder.MAPPER.readValue(Holder.MAPPER.writeValueAsBytes(m), configType);
        } catch (ValueInstantiationException e) {
            Throwable c = e.getCause();
            if (c instanceof IllegalArgumentException iae) {
                throw new IllegalArgumentException(type + ": " + iae.getMessage(), iae);
            }
            throw new IllegalArgumentException(type + ": " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(type + ": " + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(type + ": " + e.getMessage(), e);
        }
    }
}
