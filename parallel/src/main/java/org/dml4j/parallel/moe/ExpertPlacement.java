package org.dml4j.parallel.moe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Which GPU hosts which expert replicas, and how many of an expert's tokens each replica takes. The per-GPU token
 * load sets the MoE layer's compute straggler and its all-to-all; {@link #imbalance()} is max/mean load.
 *
 * <p>Immutable and thread-safe; array accessors return copies.
 */
public final class ExpertPlacement {
    private final String placer;
    private final int experts;
    private final int[][] hosts;      // hosts[e] = GPUs holding a replica of e
    private final double[][] shares;  // shares[e][i] = tokens sent to hosts[e][i]
    private final int gpus;

    ExpertPlacement(String placer, int gpus, int[][] hosts, double[][] shares) {
        this.placer = placer;
        this.gpus = gpus;
        this.experts = hosts.length;
        this.hosts = hosts;
        this.shares = shares;
    }

    /**
     * Builds a placement from explicit host lists, splitting each expert's tokens evenly among its replicas.
     *
     * @param name    a label
     * @param problem the problem (experts, GPUs, slots)
     * @param hosts   {@code hosts[e]} = distinct GPUs holding expert {@code e}, at least one
     * @return the placement
     * @throws IllegalArgumentException when an expert has no host, a host repeats, a GPU is out of range or over its
     *                                  slots
     */
    public static ExpertPlacement of(String name, PlacementProblem problem, int[][] hosts) {
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(hosts, "hosts");
        if (hosts.length != problem.experts()) {
            throw new IllegalArgumentException("hosts must have " + problem.experts() + " (experts) rows, got "
                    + hosts.length);
        }
        int[] used = new int[problem.gpus()];
        int[][] copy = new int[hosts.length][];
        for (int e = 0; e < hosts.length; e++) {
            copy[e] = hosts[e].clone();
            if (copy[e].length == 0) {
                throw new IllegalArgumentException("expert " + e + " has no host");
            }
            for (int i = 0; i < copy[e].length; i++) {
                int g = copy[e][i];
                if (g < 0 || g >= problem.gpus()) {
                    throw new IllegalArgumentException("hosts[" + e + "][" + i + "] = " + g + " is not a GPU (gpus = "
                            + problem.gpus() + ")");
                }
                for (int j = 0; j < i; j++) {
                    if (copy[e][j] == g) {
                        throw new IllegalArgumentException("expert " + e + " is placed twice on GPU " + g);
                    }
                }
                if (++used[g] > problem.slotsPerGpu()) {
                    throw new IllegalArgumentException("GPU " + g + " holds more than its " + problem.slotsPerGpu()
                            + " slots");
                }
            }
        }
        double[] load = problem.loads();
        return new ExpertPlacement(name, problem.gpus(), copy, ShareBalancer.evenShares(load, copy));
    }

    /** @return the placer that made this placement */
    public String placer() {
        return placer;
    }

    /** @return the number of experts */
    public int experts() {
        return experts;
    }

    /** @return the number of GPUs */
    public int gpus() {
        return gpus;
    }

    /**
     * @param expert an expert
     * @return how many replicas it has
     */
    public int replicas(int expert) {
        return hosts[expert].length;
    }

    /**
     * @param expert an expert
     * @return the GPUs holding it
     */
    public int[] hosts(int expert) {
        return hosts[expert].clone();
    }

    /**
     * @param expert an expert
     * @return tokens sent to each of {@link #hosts(int)}
     */
    public double[] shares(int expert) {
        return shares[expert].clone();
    }

    /** @return the total number of expert replicas placed */
    public int totalReplicas() {
        int n = 0;
        for (int[] h : hosts) {
            n += h.length;
        }
        return n;
    }

    /**
     * @param gpu a GPU
     * @return the experts it holds, ascending
     */
    public int[] expertsOn(int gpu) {
        List<Integer> list = new ArrayList<>();
        for (int e = 0; e < experts; e++) {
            for (int g : hosts[e]) {
                if (g == gpu) {
                    list.add(e);
                }
            }
        }
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * @param gpu a GPU
     * @return the tokens it processes
     */
    public double gpuLoad(int gpu) {
        return gpuLoads()[gpu];
    }

    /** @return tokens per GPU */
    public double[] gpuLoads() {
        double[] l = new double[gpus];
        for (int e = 0; e < experts; e++) {
            for (int i = 0; i < hosts[e].length; i++) {
                l[hosts[e][i]] += shares[e][i];
            }
        }
        return l;
    }

    /** @return the most loaded GPU's tokens */
    public double maxLoad() {
        double max = 0;
        for (double x : gpuLoads()) {
            max = Math.max(max, x);
        }
        return max;
    }

    /** @return mean tokens per GPU */
    public double meanLoad() {
        double sum = 0;
        for (double x : gpuLoads()) {
            sum += x;
        }
        return sum / gpus;
    }

    /** @return max / mean load (1 is perfect balance; 1 as well when there are no tokens) */
    public double imbalance() {
        double mean = meanLoad();
        return mean == 0 ? 1 : maxLoad() / mean;
    }

    /**
     * The same replicas and routing fractions applied to other token counts (a placement chosen on one window and
     * used on the next): each replica keeps its planned fraction of its expert's tokens (an even split where the
     * planned load was zero).
     *
     * @param load tokens per expert in the new window
     * @return the placement carrying those tokens
     */
    public ExpertPlacement withLoads(double[] load) {
        if (load.length != experts) {
            throw new IllegalArgumentException("load must have " + experts + " (experts) values, got " + load.length);
        }
        double[][] s = new double[experts][];
        for (int e = 0; e < experts; e++) {
            double planned = 0;
            for (double x : shares[e]) {
                planned += x;
            }
            s[e] = new double[hosts[e].length];
            for (int i = 0; i < s[e].length; i++) {
                double frac = planned > 0 ? shares[e][i] / planned : 1.0 / s[e].length;
                s[e][i] = load[e] * frac;
            }
        }
        return new ExpertPlacement(placer, gpus, hosts, s);
    }

    /** How a replicated expert's tokens are divided among its replicas. */
    public enum Routing {
        /** Each replica gets the same share (EPLB's assumption: the router picks a replica uniformly). */
        EVEN_SPLIT,
        /**
         * Shares chosen so that the most loaded GPU carries as little as possible (a router that sends tokens to
         * replicas in proportion to their GPUs' spare capacity).
         */
        LOAD_BALANCED
    }

    /**
     * The same replicas with the tokens divided under a routing assumption.
     *
     * @param routing how replicas share their expert's tokens
     * @return the placement with those shares
     */
    public ExpertPlacement withRouting(Routing routing) {
        Objects.requireNonNull(routing, "routing");
        double[] load = new double[experts];
        for (int e = 0; e < experts; e++) {
            for (double x : shares[e]) {
                load[e] += x;
            }
        }
        double[][] s = routing == Routing.EVEN_SPLIT ? ShareBalancer.evenShares(load, hosts)
                : ShareBalancer.balance(load, hosts, gpus);
        return new ExpertPlacement(placer, gpus, hosts, s);
    }

    /**
     * @param previous the placement in force before
     * @return how many (expert, GPU) replicas this placement has that {@code previous} did not: the experts to copy
     */
    public int migrationsFrom(ExpertPlacement previous) {
        Objects.requireNonNull(previous, "previous");
        int n = 0;
        for (int e = 0; e < experts; e++) {
            for (int g : hosts[e]) {
                boolean had = false;
                for (int h : previous.hosts[e]) {
                    had |= h == g;
                }
                if (!had) {
                    n++;
                }
            }
        }
        return n;
    }

    int[][] hostsRef() {
        return hosts;
    }

    double[][] sharesRef() {
        return shares;
    }

    ExpertPlacement renamed(String name) {
        return new ExpertPlacement(name, gpus, hosts, shares);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExpertPlacement p && p.gpus == gpus && Arrays.deepEquals(hosts, p.hosts)
                && Arrays.deepEquals(shares, p.shares);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(hosts);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s: %d replicas of %d experts on %d GPUs, imbalance %.4f",
                placer, totalReplicas(), experts, gpus, imbalance());
    }
}
