package org.dml4j.spark;

import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.dml4j.cli.Experiment;
import org.dml4j.cli.config.ConfigTree;
import org.dml4j.compress.GradientCompressor;
import org.dml4j.compress.UpdateLayout;
import org.dml4j.core.SeedTree;
import org.dml4j.fl.Compression;
import org.dml4j.fl.LocalTraining;
import org.dml4j.model.Model;
import org.dml4j.sim.FederatedSimulation;
import org.dml4j.sim.ModelFactory;

/**
 * How an executor rebuilds what a client needs to train, as text that crosses the wire once per job: the resolved
 * experiment's tables that describe the model, local training and compression (configuration, never live objects),
 * the data's sample shape and classes, and the per-client levels of a data-aware assignment. On each executor JVM
 * the recipe is parsed once ({@link #resolve}) and its models are built once and reused across tasks, rounds and
 * runs with the same model ({@link #borrow} / {@link #giveBack}, keyed by the model's configuration).
 *
 * <p>Immutable and thread-safe; the per-JVM caches are concurrent.
 */
final class RunRecipe implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    /** The tables an executor needs; the rest (network, devices, topology, ...) stays on the driver. */
    static final List<String> TABLES = List.of("run", "data", "partition", "model", "training", "strategy",
            "compressor");
    private static final Map<String, Resolved> RESOLVED = new ConcurrentHashMap<>();
    private static final Map<String, ConcurrentLinkedQueue<Model>> MODELS = new ConcurrentHashMap<>();

    private final String toml;
    private final int[] sampleShape;
    private final int classes;
    private final double[] levels;
    private final String key;
    private final String modelKey;

    /**
     * @param exp         the resolved experiment
     * @param sampleShape one sample's shape
     * @param classes     number of classes
     * @param levels      per-client levels of a data-aware assignment, or null
     */
    RunRecipe(Experiment exp, int[] sampleShape, int classes, double[] levels) {
        ConfigTree resolved = exp.resolved();
        StringBuilder model = new StringBuilder();
        com.fasterxml.jackson.databind.node.ObjectNode root =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        for (String t : TABLES) {
            root.set(t, resolved.table(t).deepCopy());
        }
        this.toml = ConfigTree.of(root, "the Spark engine's recipe").toToml();
        this.sampleShape = sampleShape.clone();
        this.classes = classes;
        this.levels = levels == null ? null : levels.clone();
        model.append(resolved.table("model")).append(Arrays.toString(sampleShape)).append(classes)
                .append(exp.seed());
        this.modelKey = sha256(model.toString());
        this.key = sha256(toml + Arrays.toString(sampleShape) + classes + Arrays.toString(levels));
    }

    /** @return the per-client levels of a data-aware assignment, or null */
    double[] levels() {
        return levels;
    }

    /** @return what this recipe resolves to on this JVM, parsed on first use */
    Resolved resolve() {
        return RESOLVED.computeIfAbsent(key, k -> new Resolved(this));
    }

    /** @return an idle model of this recipe's architecture on this JVM, built when none is idle */
    Model borrow() {
        Model m = MODELS.computeIfAbsent(modelKey, k -> new ConcurrentLinkedQueue<>()).poll();
        return m != null ? m : resolve().models.create();
    }

    /** @param m a model from {@link #borrow}, now idle */
    void giveBack(Model m) {
        MODELS.computeIfAbsent(modelKey, k -> new ConcurrentLinkedQueue<>()).add(m);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The recipe parsed on one JVM: the objects every task of the run shares there. Thread-safe (immutable). */
    static final class Resolved {
        final ModelFactory models;
        final LocalTraining training;
        final Compression compression;
        final GradientCompressor uplink;
        final SeedTree seeds;
        final double[] levels;
        private volatile UpdateLayout layout;

        private Resolved(RunRecipe r) {
            Experiment exp = Experiment.resolve(ConfigTree.parse(r.toml, "the Spark engine's recipe"), "spark");
            this.models = exp.models(r.sampleShape, r.classes);
            this.training = exp.training();
            this.compression = exp.compression();
            this.uplink = compression.uplinkCompressor();
            this.seeds = SeedTree.root(exp.seed());
            this.levels = r.levels;
        }

        /**
         * @param model a model of the recipe's architecture
         * @return the update layout over its tensors
         */
        UpdateLayout layout(Model model) {
            UpdateLayout l = layout;
            if (l == null) {
                l = FederatedSimulation.updateLayout(model.layout());
                layout = l;
            }
            return l;
        }
    }

    @Override
    public String toString() {
        return "recipe " + key.substring(0, 12) + " (model " + modelKey.substring(0, 12) + ", " + Objects.toString(
                levels == null ? "uniform levels" : levels.length + " client levels") + ")";
    }
}
