package org.dml4j.parallel.moe;

import java.util.List;
import org.dml4j.core.Registry;

/**
 * Looks up {@link ExpertPlacer}s by name.
 *
 * <p>Thread-safe; providers load lazily on first use.
 */
public final class ExpertPlacers {
    private static final Registry<ExpertPlacer> REGISTRY =
            new Registry<>("expert placer", ExpertPlacer.class, ExpertPlacer::name);

    private ExpertPlacers() {
    }

    /**
     * @param name "round-robin", "greedy" or "balanced"
     * @return the placer
     * @throws IllegalArgumentException listing the known names when {@code name} is unknown
     */
    public static ExpertPlacer get(String name) {
        return REGISTRY.get(name);
    }

    /** @return the known names, sorted */
    public static List<String> names() {
        return REGISTRY.names();
    }
}
