package org.dml4j.planner.model;

import java.util.List;
import java.util.Objects;

/**
 * A model as the planner sees it: an ordered list of {@link LayerSpec}s (an optional embedding, the repeated blocks
 * that pipeline stages are cut from, an optional head), the sequence length and precision, and the shape
 * constraints that limit the parallel degrees.
 *
 * <p>Build one from a transformer shape ({@link TransformerSpec#toModel()}, {@link ModelPresets}) or from a generic
 * per-layer JSON file ({@link ModelFiles}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param name                  a label for reports
 * @param seqLength             tokens per sample
 * @param precision             compute precision
 * @param layers                layers in model order
 * @param tensorParallelDivisor tensor-parallel sizes must divide it (for a transformer: the greatest common divisor
 *                              of heads, key/value heads and FFN size); 1 means no tensor parallelism
 * @param experts               experts per MoE layer (0 for a dense model); expert-parallel sizes must divide it
 * @param expertImbalance       max/mean expert load over expert-parallel ranks (1 for a dense model)
 * @param transformer           the transformer shape this model was built from, or {@code null} for a generic list
 */
public record ModelSpec(String name, int seqLength, Precision precision, List<LayerSpec> layers,
                        int tensorParallelDivisor, int experts, double expertImbalance, TransformerSpec transformer) {
    /** Validates the layer order and the fields, naming the bad one. */
    public ModelSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(precision, "precision");
        layers = List.copyOf(Objects.requireNonNull(layers, "layers"));
        if (seqLength < 1) {
            throw new IllegalArgumentException("seq-length must be >= 1, got " + seqLength);
        }
        if (tensorParallelDivisor < 1) {
            throw new IllegalArgumentException("tp-divisor must be >= 1, got " + tensorParallelDivisor);
        }
        if (experts < 0 || experts == 1) {
            throw new IllegalArgumentException("experts must be 0 (dense) or >= 2, got " + experts);
        }
        if (!(expertImbalance >= 1) || Double.isInfinite(expertImbalance)) {
            throw new IllegalArgumentException("expert imbalance must be a finite number >= 1, got " + expertImbalance);
        }
        int blocks = 0;
        boolean headSeen = false;
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec l = layers.get(i);
            switch (l.role()) {
                case EMBEDDING -> {
                    if (blocks > 0 || headSeen) {
                        throw new IllegalArgumentException("layers[" + i + "] ('" + l.name() + "'): an embedding must "
                                + "come before every block");
                    }
                }
                case BLOCK -> {
                    if (headSeen) {
                        throw new IllegalArgumentException("layers[" + i + "] ('" + l.name() + "'): a block cannot "
                                + "follow a head");
                    }
                    blocks++;
                }
                case HEAD -> headSeen = true;
                default -> throw new IllegalStateException("unknown role " + l.role());
            }
            if (experts == 0 && (l.expertFlops() > 0 || l.expertParameters() > 0 || l.allToAlls() > 0)) {
                throw new IllegalArgumentException("layers[" + i + "] ('" + l.name() + "') has experts but the model "
                        + "declares experts = 0");
            }
        }
        if (blocks == 0) {
            throw new IllegalArgumentException("layers: a model needs at least one block, got none");
        }
    }

    /**
     * @return the number of {@link LayerRole#BLOCK} layers, the most pipeline stages possible
     */
    public int blocks() {
        int n = 0;
        for (LayerSpec l : layers) {
            if (l.role() == LayerRole.BLOCK) {
                n++;
            }
        }
        return n;
    }

    /**
     * @return parameters of the model, counting tied weights once
     */
    public double parameterCount() {
        double n = 0;
        for (LayerSpec l : layers) {
            if (!l.tiedToEmbedding()) {
                n += l.parameters();
            }
            n += l.expertParameters();
        }
        return n;
    }

    /**
     * @return forward FLOPs of one sample through the whole model
     */
    public double forwardFlopsPerSample() {
        double f = 0;
        for (LayerSpec l : layers) {
            f += l.forwardFlops();
        }
        return f;
    }

    /**
     * Model FLOPs of one training iteration without recomputation: forward plus a backward twice as expensive,
     * {@code 3 x forward} (the numerator of model FLOPs utilisation, Chowdhery et al., "PaLM", 2022, appendix B).
     *
     * @param globalBatch samples per iteration
     * @return model FLOPs per iteration
     */
    public double modelFlopsPerIteration(long globalBatch) {
        return 3.0 * globalBatch * forwardFlopsPerSample();
    }

    /**
     * The same model at another compute precision: a transformer is rebuilt (its activation bytes depend on the
     * precision); a generic layer list keeps its byte counts and only changes the peak FLOP/s it is planned with.
     *
     * @param p compute precision
     * @return the model at that precision
     */
    public ModelSpec withPrecision(Precision p) {
        if (transformer != null) {
            return transformer.withPrecision(p).toModel();
        }
        return new ModelSpec(name, seqLength, p, layers, tensorParallelDivisor, experts, expertImbalance, null);
    }

    /**
     * @return whether the model has mixture-of-experts layers
     */
    public boolean isMoe() {
        return experts > 0;
    }
}
