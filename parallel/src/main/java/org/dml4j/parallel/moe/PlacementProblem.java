package org.dml4j.parallel.moe;

import java.util.Arrays;
import java.util.Objects;

/**
 * What an expert placement must handle: {@code E} experts with their token counts over a window, {@code G} GPUs
 * (expert-parallel ranks) with {@code slotsPerGpu} expert slots each, grouped into nodes of {@code gpusPerNode},
 * optionally which GPU each expert's tokens come from, and how many replicas one expert may have.
 *
 * <p>Tokens count routed (token, expert) assignments, so with top-k routing each token counts k times. Without
 * source information, every expert's tokens are taken to come evenly from all GPUs.
 *
 * <pre>
 * Spec section 5; EPLB (DeepSeek, "Expert Parallelism Load Balancer", 2025); Lepikhin et al., "GShard", ICLR 2021.
 * </pre>
 *
 * <p>Immutable and thread-safe; array accessors return copies.
 */
public final class PlacementProblem {
    private final double[] load;
    private final int gpus;
    private final int slotsPerGpu;
    private final int gpusPerNode;
    private final double[][] sources;
    private final int maxReplicas;

    private PlacementProblem(double[] load, int gpus, int slotsPerGpu, int gpusPerNode, double[][] sources,
                             int maxReplicas) {
        Objects.requireNonNull(load, "load");
        int e = load.length;
        if (e < 1) {
            throw new IllegalArgumentException("experts must be >= 1, got 0");
        }
        if (gpus < 1) {
            throw new IllegalArgumentException("gpus must be >= 1, got " + gpus);
        }
        if (slotsPerGpu < 1) {
            throw new IllegalArgumentException("slotsPerGpu must be >= 1, got " + slotsPerGpu);
        }
        if ((long) slotsPerGpu * gpus < e) {
            throw new IllegalArgumentException("slotsPerGpu (" + slotsPerGpu + ") x gpus (" + gpus + ") = "
                    + (long) slotsPerGpu * gpus + " slots cannot hold " + e + " experts");
        }
        if (gpusPerNode < 1 || gpus % gpusPerNode != 0) {
            throw new IllegalArgumentException("gpusPerNode must be >= 1 and divide gpus (" + gpus + "), got "
                    + gpusPerNode);
        }
        if (maxReplicas < 1) {
            throw new IllegalArgumentException("maxReplicas must be >= 1, got " + maxReplicas);
        }
        for (int x = 0; x < e; x++) {
            if (!(load[x] >= 0) || Double.isInfinite(load[x])) {
                throw new IllegalArgumentException("load[" + x + "] must be a finite number >= 0, got " + load[x]);
            }
        }
        if (sources != null) {
            if (sources.length != e) {
                throw new IllegalArgumentException("sources must have " + e + " (experts) rows, got "
                        + sources.length);
            }
            for (int x = 0; x < e; x++) {
                if (sources[x].length != gpus) {
                    throw new IllegalArgumentException("sources[" + x + "] must have " + gpus + " (gpus) values, got "
                            + sources[x].length);
                }
            }
        }
        this.load = load.clone();
        this.gpus = gpus;
        this.slotsPerGpu = slotsPerGpu;
        this.gpusPerNode = gpusPerNode;
        this.sources = sources == null ? null : deepCopy(sources);
        this.maxReplicas = Math.min(maxReplicas, gpus);
    }

    private static double[][] deepCopy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    /**
     * @param load        tokens per expert
     * @param gpus        expert-parallel ranks {@code G}
     * @param slotsPerGpu experts one GPU can hold ({@code slotsPerGpu * G >= E}; spare slots take replicas)
     * @return a problem on one node with replicas allowed up to {@code G} per expert
     */
    public static PlacementProblem of(double[] load, int gpus, int slotsPerGpu) {
        return new PlacementProblem(load, gpus, slotsPerGpu, gpus, null, gpus);
    }

    /**
     * @param tokens      {@code tokens[e][g]}: tokens for expert {@code e} that originate on GPU {@code g}
     * @param slotsPerGpu experts one GPU can hold
     * @return a problem whose loads are the row sums, with source information for cross-node traffic
     */
    public static PlacementProblem fromSources(double[][] tokens, int slotsPerGpu) {
        Objects.requireNonNull(tokens, "tokens");
        if (tokens.length == 0) {
            throw new IllegalArgumentException("experts must be >= 1, got 0");
        }
        int g = tokens[0].length;
        double[] load = new double[tokens.length];
        for (int x = 0; x < tokens.length; x++) {
            if (tokens[x].length != g) {
                throw new IllegalArgumentException("tokens[" + x + "] must have " + g + " (gpus) values, got "
                        + tokens[x].length);
            }
            for (int s = 0; s < g; s++) {
                if (!(tokens[x][s] >= 0) || Double.isInfinite(tokens[x][s])) {
                    throw new IllegalArgumentException("tokens[" + x + "][" + s + "] must be a finite number >= 0, "
                            + "got " + tokens[x][s]);
                }
                load[x] += tokens[x][s];
            }
        }
        return new PlacementProblem(load, g, slotsPerGpu, g, tokens, g);
    }

    /**
     * @param gpusPerNode GPUs per node (must divide G)
     * @return a copy with that node size
     */
    public PlacementProblem withGpusPerNode(int gpusPerNode) {
        return new PlacementProblem(load, gpus, slotsPerGpu, gpusPerNode, sources, maxReplicas);
    }

    /**
     * @param maxReplicas most replicas of one expert (1: no replication)
     * @return a copy with that limit
     */
    public PlacementProblem withMaxReplicas(int maxReplicas) {
        return new PlacementProblem(load, gpus, slotsPerGpu, gpusPerNode, sources, maxReplicas);
    }

    /**
     * @param factor a non-negative multiplier
     * @return the same problem with every token count multiplied (per step instead of per window, say)
     */
    public PlacementProblem scaled(double factor) {
        if (!(factor >= 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("factor must be a finite number >= 0, got " + factor);
        }
        double[] l = load.clone();
        for (int x = 0; x < l.length; x++) {
            l[x] *= factor;
        }
        double[][] src = null;
        if (sources != null) {
            src = deepCopy(sources);
            for (double[] row : src) {
                for (int g = 0; g < row.length; g++) {
                    row[g] *= factor;
                }
            }
        }
        return new PlacementProblem(l, gpus, slotsPerGpu, gpusPerNode, src, maxReplicas);
    }

    /** @return the number of experts {@code E} */
    public int experts() {
        return load.length;
    }

    /** @return the number of GPUs {@code G} */
    public int gpus() {
        return gpus;
    }

    /** @return expert slots per GPU */
    public int slotsPerGpu() {
        return slotsPerGpu;
    }

    /** @return GPUs per node */
    public int gpusPerNode() {
        return gpusPerNode;
    }

    /** @return the most replicas one expert may get (at most {@code G}) */
    public int maxReplicas() {
        return maxReplicas;
    }

    /**
     * @param expert an expert
     * @return its tokens
     */
    public double load(int expert) {
        return load[expert];
    }

    /** @return a copy of the per-expert tokens */
    public double[] loads() {
        return load.clone();
    }

    /** @return the total tokens */
    public double totalLoad() {
        double t = 0;
        for (double x : load) {
            t += x;
        }
        return t;
    }

    /** @return whether per-source token counts were given */
    public boolean hasSources() {
        return sources != null;
    }

    /**
     * @param expert an expert
     * @param gpu    a source GPU
     * @return tokens for the expert that originate on that GPU (an even split when no sources were given)
     */
    public double sourceTokens(int expert, int gpu) {
        return sources == null ? load[expert] / gpus : sources[expert][gpu];
    }

    /**
     * @param gpu a GPU
     * @return its node
     */
    public int nodeOf(int gpu) {
        return gpu / gpusPerNode;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PlacementProblem q && Arrays.equals(load, q.load) && gpus == q.gpus
                && slotsPerGpu == q.slotsPerGpu && gpusPerNode == q.gpusPerNode && maxReplicas == q.maxReplicas
                && Arrays.deepEquals(sources, q.sources);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(load), gpus, slotsPerGpu, gpusPerNode, maxReplicas);
    }

    @Override
    public String toString() {
        return "PlacementProblem[experts=" + experts() + ", gpus=" + gpus + ", slotsPerGpu=" + slotsPerGpu
                + ", gpusPerNode=" + gpusPerNode + ", maxReplicas=" + maxReplicas + "]";
    }
}
