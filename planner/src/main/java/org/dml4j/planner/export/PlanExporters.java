package org.dml4j.planner.export;

import java.util.List;
import org.dml4j.core.Registry;

/**
 * Looks up {@link PlanExporter}s by name.
 *
 * <p>Thread-safe; providers load lazily on first use.
 */
public final class PlanExporters {
    private static final Registry<PlanExporter> REGISTRY =
            new Registry<>("plan exporter", PlanExporter.class, PlanExporter::name);

    private PlanExporters() {
    }

    /**
     * @param name "megatron" or "deepspeed"
     * @return the exporter
     * @throws IllegalArgumentException listing the known names when unknown
     */
    public static PlanExporter get(String name) {
        return REGISTRY.get(name);
    }

    /**
     * @return the known names, sorted
     */
    public static List<String> names() {
        return REGISTRY.names();
    }
}
