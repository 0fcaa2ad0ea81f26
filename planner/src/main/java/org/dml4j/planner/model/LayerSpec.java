package org.dml4j.planner.model;

import java.util.List;
import java.util.Objects;

/**
 * What one layer costs, per sample (one sequence) and per forward pass, in the physical quantities the cost model
 * needs: floating-point work, parameters, activation bytes (split the way tensor and sequence parallelism split
 * them), and the collectives it issues. Transformer presets fill these from the closed forms of Narayanan et al.
 * (SC 2021) and Korthikanti et al. (2022); a generic layer list from a JSON file gives them directly.
 *
 * <ul>
 *   <li>{@code matmulFlops}: forward FLOPs of weight matrix multiplications. Backward costs the same again for the
 *       input gradient (B) and again for the weight gradient (W).</li>
 *   <li>{@code attentionFlops}: forward FLOPs of the attention core ({@code QK^T}, {@code AV}); no weights, so the
 *       backward is {@code 2x}, all of it input gradient.</li>
 *   <li>{@code expertFlops}: forward FLOPs of the routed experts of a mixture-of-experts layer, already multiplied
 *       by top-k (each token visits k experts).</li>
 *   <li>{@code parameters}: dense parameters, split over tensor-parallel ranks when {@code tensorParallel};
 *       {@code expertParameters}: all experts' parameters together, split over expert- and tensor-parallel ranks.</li>
 *   <li>Activation bytes stored for the backward pass (Korthikanti et al. 2022, section 4):
 *       {@code replicatedActivationBytes} are not split by tensor parallelism but are by sequence parallelism
 *       ({@code 10sh} for a transformer layer); {@code splitActivationBytes} are split by tensor parallelism
 *       ({@code 24sh}); {@code attentionActivationBytes} are the attention scores ({@code 5as^2}), split by tensor
 *       parallelism and dropped by selective recomputation; {@code inputBytes} is the layer input, all that full
 *       recomputation keeps ({@code 2sh}), split by sequence parallelism; it is also the size of the tensor sent to
 *       the next pipeline stage.</li>
 *   <li>{@code tpAllReduces} all-reduces of {@code tpAllReduceBytes} each per forward pass across the
 *       tensor-parallel group (Megatron's {@code f}/{@code g} operators: 2 per transformer layer; with sequence
 *       parallelism each becomes an all-gather plus a reduce-scatter of the same total time), and the same in the
 *       backward pass.</li>
 *   <li>{@code allToAlls} all-to-alls of {@code allToAllBytes} each per forward pass across the expert-parallel
 *       group (dispatch and combine), and the same in the backward pass.</li>
 *   <li>{@code recomputable}: full recomputation applies to it (Megatron recomputes transformer layers, not the
 *       embedding or the output layer); {@code tiedToEmbedding}: its weights are the embedding's (counted once in
 *       the model size; a second copy is stored when head and embedding sit on different stages).</li>
 *   <li>{@code gemms}: the shapes of its weight matrix multiplications, where known (transformer presets; a layer
 *       list gives none): the cost model reads their arithmetic intensity, and a layer without shapes gets the
 *       efficiency of large matrix multiplications.</li>
 * </ul>
 *
 * <pre>
 * Narayanan et al., "Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM", SC 2021.
 * Korthikanti et al., "Reducing Activation Recomputation in Large Transformer Models", MLSys 2023 (arXiv 2022).
 * Shoeybi et al., "Megatron-LM: Training Multi-Billion Parameter Language Models Using Model Parallelism", 2019.
 * </pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name                      a label for reports
 * @param role                      where the layer goes in pipeline partitioning
 * @param matmulFlops               forward weight-matmul FLOPs per sample
 * @param attentionFlops            forward attention-core FLOPs per sample
 * @param expertFlops               forward routed-expert FLOPs per sample (times top-k)
 * @param parameters                dense parameters
 * @param expertParameters          expert parameters (all experts)
 * @param tensorParallel            whether dense parameters and matmuls are split by tensor parallelism
 * @param replicatedActivationBytes activation bytes per sample not split by tensor parallelism
 * @param splitActivationBytes      activation bytes per sample split by tensor parallelism
 * @param attentionActivationBytes  attention-score bytes per sample (dropped by selective recomputation)
 * @param inputBytes                bytes of the layer input per sample
 * @param tpAllReduces              tensor-parallel all-reduces per forward pass
 * @param tpAllReduceBytes          bytes per sample of each such all-reduce
 * @param allToAlls                 expert-parallel all-to-alls per forward pass
 * @param allToAllBytes             bytes per sample each rank sends in each all-to-all
 * @param recomputable              whether full recomputation applies
 * @param tiedToEmbedding           whether the weights are shared with the embedding
 * @param gemms                     shapes of the weight matrix multiplications (empty when unknown)
 */
public record LayerSpec(String name, LayerRole role, double matmulFlops, double attentionFlops, double expertFlops,
                        double parameters, double expertParameters, boolean tensorParallel,
                        double replicatedActivationBytes, double splitActivationBytes,
                        double attentionActivationBytes, double inputBytes, int tpAllReduces,
                        double tpAllReduceBytes, int allToAlls, double allToAllBytes, boolean recomputable,
                        boolean tiedToEmbedding, List<Gemm> gemms) {
    /** Validates every field, naming the first bad one. */
    public LayerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        gemms = List.copyOf(Objects.requireNonNull(gemms, "gemms"));
        nonNegative(name, "matmul-flops", matmulFlops);
        nonNegative(name, "attention-flops", attentionFlops);
        nonNegative(name, "expert-flops", expertFlops);
        nonNegative(name, "parameters", parameters);
        nonNegative(name, "expert-parameters", expertParameters);
        nonNegative(name, "replicated-activation-bytes", replicatedActivationBytes);
        nonNegative(name, "split-activation-bytes", splitActivationBytes);
        nonNegative(name, "attention-activation-bytes", attentionActivationBytes);
        nonNegative(name, "input-bytes", inputBytes);
        nonNegative(name, "tp-allreduce-bytes", tpAllReduceBytes);
        nonNegative(name, "all-to-all-bytes", allToAllBytes);
        if (tpAllReduces < 0) {
            throw new IllegalArgumentException("layer '" + name + "': tp-allreduces must be >= 0, got " + tpAllReduces);
        }
        if (allToAlls < 0) {
            throw new IllegalArgumentException("layer '" + name + "': all-to-alls must be >= 0, got " + allToAlls);
        }
    }

    private static void nonNegative(String layer, String field, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("layer '" + layer + "': " + field + " must be a finite number >= 0, got "
                    + v);
        }
    }

    /**
     * @return forward FLOPs per sample of all kinds
     */
    public double forwardFlops() {
        return matmulFlops + attentionFlops + expertFlops;
    }

    /**
     * @return all activation bytes per sample stored without recomputation (and without parallelism)
     */
    public double activationBytes() {
        return replicatedActivationBytes + splitActivationBytes + attentionActivationBytes;
    }

    /**
     * @param name layer label
     * @param role pipeline role
     * @return a builder with every quantity 0, tensor-parallel off, recomputable on
     */
    public static Builder builder(String name, LayerRole role) {
        return new Builder(name, role);
    }

    /**
     * Builds a {@link LayerSpec}; validation happens in {@link #build()}.
     *
     * <p>Not thread-safe; one owner.
     */
    public static final class Builder {
        private final String name;
        private List<Gemm> gemms = List.of();
        private final LayerRole role;
        private double matmulFlops;
        private double attentionFlops;
        private double expertFlops;
        private double parameters;
        private double expertParameters;
        private boolean tensorParallel;
        private double replicated;
        private double split;
        private double attention;
        private double input;
        private int tpAllReduces;
        private double tpAllReduceBytes;
        private int allToAlls;
        private double allToAllBytes;
        private boolean recomputable = true;
        private boolean tied;

        private Builder(String name, LayerRole role) {
            this.name = name;
            this.role = role;
        }

        /**
         * @param f forward matmul FLOPs per sample
         * @return this
         */
        public Builder matmulFlops(double f) {
            matmulFlops = f;
            return this;
        }

        /**
         * @param f forward attention-core FLOPs per sample
         * @return this
         */
        public Builder attentionFlops(double f) {
            attentionFlops = f;
            return this;
        }

        /**
         * @param f forward routed-expert FLOPs per sample (times top-k)
         * @return this
         */
        public Builder expertFlops(double f) {
            expertFlops = f;
            return this;
        }

        /**
         * @param n dense parameters
         * @return this
         */
        public Builder parameters(double n) {
            parameters = n;
            return this;
        }

        /**
         * @param n expert parameters (all experts)
         * @return this
         */
        public Builder expertParameters(double n) {
            expertParameters = n;
            return this;
        }

        /**
         * @param tp whether tensor parallelism splits the layer
         * @return this
         */
        public Builder tensorParallel(boolean tp) {
            tensorParallel = tp;
            return this;
        }

        /**
         * @param replicatedBytes activation bytes not split by TP
         * @param splitBytes      activation bytes split by TP
         * @param attentionBytes  attention-score bytes
         * @param inputBytes      layer input bytes
         * @return this
         */
        public Builder activations(double replicatedBytes, double splitBytes, double attentionBytes,
                                   double inputBytes) {
            replicated = replicatedBytes;
            split = splitBytes;
            attention = attentionBytes;
            input = inputBytes;
            return this;
        }

        /**
         * @param count all-reduces per forward
         * @param bytes bytes per sample each
         * @return this
         */
        public Builder tpAllReduces(int count, double bytes) {
            tpAllReduces = count;
            tpAllReduceBytes = bytes;
            return this;
        }

        /**
         * @param count all-to-alls per forward
         * @param bytes bytes per sample each
         * @return this
         */
        public Builder allToAlls(int count, double bytes) {
            allToAlls = count;
            allToAllBytes = bytes;
            return this;
        }

        /**
         * @param r whether full recomputation applies
         * @return this
         */
        public Builder recomputable(boolean r) {
            recomputable = r;
            return this;
        }

        /**
         * @param t whether the weights are the embedding's
         * @return this
         */
        public Builder tiedToEmbedding(boolean t) {
            tied = t;
            return this;
        }

        /**
         * @param g the shapes of the weight matrix multiplications
         * @return this
         */
        public Builder gemms(List<Gemm> g) {
            gemms = List.copyOf(g);
            return this;
        }

        /**
         * @return the validated layer
         */
        public LayerSpec build() {
            return new LayerSpec(name, role, matmulFlops, attentionFlops, expertFlops, parameters, expertParameters,
                    tensorParallel, replicated, split, attention, input, tpAllReduces, tpAllReduceBytes, allToAlls,
                    allToAllBytes, recomputable, tied, gemms);
        }
    }
}
