package org.dml4j.planner;

import java.util.List;
import org.dml4j.core.Registry;

/**
 * Looks up {@link CostModel}s by name.
 *
 * <p>Thread-safe; providers load lazily on first use.
 */
public final class CostModels {
    /** The default cost model's name. */
    public static final String DEFAULT = "analytic";

    private static final Registry<CostModel> REGISTRY = new Registry<>("cost model", CostModel.class, CostModel::name);

    private CostModels() {
    }

    /**
     * @param name a cost model name
     * @return the cost model
     * @throws IllegalArgumentException listing the known names when unknown
     */
    public static CostModel get(String name) {
        return REGISTRY.get(name);
    }

    /**
     * @return the default cost model
     */
    public static CostModel defaultModel() {
        return get(DEFAULT);
    }

    /**
     * @return the known names, sorted
     */
    public static List<String> names() {
        return REGISTRY.names();
    }
}
