package org.dml4j.sim;

import java.util.List;
import org.dml4j.fl.xregion.DecoController;
import org.dml4j.fl.xregion.OuterOptimizer;

/**
 * The {@code [cross-region]} table: data parallelism across regions, with workers instead of clients
 * ({@link CrossRegionSimulation}). The regions and their links come from {@code [topology]} ({@code mode = "flat"}: a
 * worker's transfers to another region cross both regions' WAN links) or from {@code [network]} with regions.
 * H, the inner steps between syncs, is {@code [training] local-steps}.
 *
 * @param algorithm       {@code "sync"} (synchronous data parallelism: one step per sync, the gradients averaged,
 *                        heavy-ball momentum on the average), {@code "local-sgd"} (H local SGD steps, then the
 *                        models averaged), {@code "diloco"} (H inner AdamW steps, then Nesterov momentum on the
 *                        averaged delta) or {@code "deco"} (DeCo-SGD: one step per sync, the averaged compressed
 *                        gradient applied τ steps late, τ and the ratio chosen from the measured links)
 * @param outer           the outer rule ({@code plain}, {@code momentum}, {@code nesterov}), or null for the
 *                        algorithm's (momentum for sync; plain for local-sgd and for deco, whose DD-EF-SGD rule
 *                        applies the delayed average as it is; nesterov for diloco)
 * @param outerLr         outer learning rate, or null for the algorithm's (0.7 for diloco, else 1)
 * @param outerMomentum   outer momentum, or null for the algorithm's (0.9 for diloco, {@code [training] momentum}
 *                        for sync and for deco with {@code outer = "momentum"})
 * @param inner           the inner optimiser ({@code sgd} or {@code adamw}), or null for the algorithm's (adamw for
 *                        diloco, else sgd)
 * @param beta1           AdamW's β1
 * @param beta2           AdamW's β2
 * @param eps             AdamW's ε
 * @param staleness       DeCo's τ until the first choice (and always, when {@code adapt} is false)
 * @param maxStaleness    the largest τ DeCo may choose
 * @param ratios          DeCo's candidate compression ratios
 * @param adapt           whether DeCo re-chooses (τ, δ) from the measured links
 * @param adaptEvery      steps between two choices
 * @param stalenessCost   a of {@link DecoController}
 * @param compressionCost b of {@link DecoController}
 * @param probeBytes      size of the large WAN probe DeCo sends before training (with a 64-byte one), bytes
 * @param placement       where each region's leader (its aggregator) is: {@code "lowest-id"} or {@code "measured"}
 *                        (the worker whose measured sync communication is shortest, probed before training)
 */
public record CrossRegionConfig(String algorithm, String outer, Double outerLr, Double outerMomentum, String inner,
                                double beta1, double beta2, double eps, int staleness, int maxStaleness,
                                double[] ratios, boolean adapt, int adaptEvery, double stalenessCost,
                                double compressionCost, long probeBytes, String placement) {
    /** The algorithms. */
    public static final List<String> ALGORITHMS = List.of("sync", "local-sgd", "diloco", "deco");

    /** Validates; messages name the key and the value. */
    public CrossRegionConfig {
        if (!ALGORITHMS.contains(algorithm)) {
            throw new IllegalArgumentException("algorithm must be one of " + String.join(", ", ALGORITHMS)
                    + ", got '" + algorithm + "'");
        }
        if (outer != null && !OuterOptimizer.RULES.contains(outer)) {
            throw new IllegalArgumentException("outer must be one of " + String.join(", ", OuterOptimizer.RULES)
                    + ", got '" + outer + "'");
        }
        if (outerLr != null && (!(outerLr > 0) || outerLr.isInfinite())) {
            throw new IllegalArgumentException("outer-lr must be finite and > 0, got " + outerLr);
        }
        if (outerMomentum != null && !(outerMomentum >= 0 && outerMomentum < 1)) {
            throw new IllegalArgumentException("outer-momentum must be in [0, 1), got " + outerMomentum);
        }
        if (inner != null && !List.of("sgd", "adamw").contains(inner)) {
            throw new IllegalArgumentException("inner must be sgd or adamw, got '" + inner + "'");
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        }
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be finite and > 0, got " + eps);
        }
        if (staleness < 0 || staleness > maxStaleness) {
            throw new IllegalArgumentException("staleness must be in [0, max-staleness = " + maxStaleness + "], got "
                    + staleness);
        }
        if (adaptEvery < 1) {
            throw new IllegalArgumentException("adapt-every must be >= 1, got " + adaptEvery);
        }
        if (!List.of("lowest-id", "measured").contains(placement)) {
            throw new IllegalArgumentException("placement must be lowest-id or measured, got '" + placement + "'");
        }
        if (probeBytes < 64) {
            throw new IllegalArgumentException("probe-bytes must be >= 64, got " + probeBytes);
        }
        ratios = ratios == null ? null : ratios.clone();
        new DecoController(ratios, maxStaleness, stalenessCost, compressionCost); // its own checks, named keys
        if (!algorithm.equals("deco") && staleness != 0) {
            throw new IllegalArgumentException("staleness is DeCo's: algorithm = '" + algorithm + "' syncs without"
                    + " delay, got staleness = " + staleness);
        }
    }

    /**
     * @return synchronous data parallelism; DeCo's knobs: τ ≤ 4, δ ∈ {1, 0.3, 0.1, 0.03, 0.01}, every 10 steps,
     *     staleness cost 0.5 (with 0.1 the controller chose τ = 4 on examples/cross-region/deco.toml, and the run did
     *     not converge: docs/results.md), compression cost 0.1, 1 MiB probes
     */
    public static CrossRegionConfig defaults() {
        return new CrossRegionConfig("sync", null, null, null, null, 0.9, 0.999, 1e-8, 0, 4,
                new double[] {1, 0.3, 0.1, 0.03, 0.01}, true, 10, 0.5, 0.1, 1 << 20, "lowest-id");
    }

    /** @return the candidate ratios (a copy) */
    @Override
    public double[] ratios() {
        return ratios.clone();
    }

    /** @return whether one step is taken per sync (sync and deco) */
    public boolean oneStep() {
        return algorithm.equals("sync") || algorithm.equals("deco");
    }

    /** @return the outer rule, the algorithm's when not given */
    public String outerRule() {
        if (outer != null) {
            return outer;
        }
        return switch (algorithm) {
            case "local-sgd", "deco" -> "plain";
            case "diloco" -> "nesterov";
            default -> "momentum";
        };
    }

    /** @return the outer learning rate, the algorithm's when not given */
    public double outerRate() {
        return outerLr != null ? outerLr : algorithm.equals("diloco") ? 0.7 : 1.0;
    }

    /**
     * @param trainingMomentum {@code [training] momentum}
     * @return the outer momentum, the algorithm's when not given
     */
    public double outerMomentum(double trainingMomentum) {
        if (outerMomentum != null) {
            return outerMomentum;
        }
        return algorithm.equals("diloco") ? 0.9 : oneStep() ? trainingMomentum : 0; // unused by plain
    }

    /** @return whether the inner optimiser is AdamW */
    public boolean adamW() {
        return inner != null ? inner.equals("adamw") : algorithm.equals("diloco");
    }

    /** @return DeCo's controller */
    public DecoController controller() {
        return new DecoController(ratios, maxStaleness, stalenessCost, compressionCost);
    }
}
