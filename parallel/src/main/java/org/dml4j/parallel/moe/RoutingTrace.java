package org.dml4j.parallel.moe;

import java.util.Objects;

/**
 * Tokens routed to each expert in each window of training steps, optionally broken down by the GPU the tokens come
 * from. Stored and read with {@link RoutingTraceFormat}; generated with {@link ZipfTraceGenerator}.
 *
 * <p>Immutable and thread-safe.
 */
public final class RoutingTrace {
    private final int experts;
    private final int sources;
    private final long[][][] tokens; // [window][expert][source or 0]

    private RoutingTrace(int experts, int sources, long[][][] tokens) {
        this.experts = experts;
        this.sources = sources;
        this.tokens = tokens;
    }

    /**
     * @param tokens {@code tokens[window][expert]}, all {@code >= 0}
     * @return a trace without source information
     */
    public static RoutingTrace of(long[][] tokens) {
        Objects.requireNonNull(tokens, "tokens");
        if (tokens.length == 0) {
            throw new IllegalArgumentException("windows must be >= 1, got 0");
        }
        int e = tokens[0].length;
        long[][][] t = new long[tokens.length][e][1];
        for (int w = 0; w < tokens.length; w++) {
            if (tokens[w].length != e) {
                throw new IllegalArgumentException("tokens[" + w + "] must have " + e + " (experts) values, got "
                        + tokens[w].length);
            }
            for (int x = 0; x < e; x++) {
                t[w][x][0] = nonNegative(tokens[w][x], w, x);
            }
        }
        return build(e, 0, t);
    }

    /**
     * @param tokens {@code tokens[window][expert][source]}, all {@code >= 0}
     * @return a trace with source GPUs
     */
    public static RoutingTrace ofSources(long[][][] tokens) {
        Objects.requireNonNull(tokens, "tokens");
        if (tokens.length == 0 || tokens[0].length == 0) {
            throw new IllegalArgumentException("windows and experts must be >= 1");
        }
        int e = tokens[0].length;
        int s = tokens[0][0].length;
        if (s < 1) {
            throw new IllegalArgumentException("sources must be >= 1, got 0");
        }
        long[][][] t = new long[tokens.length][e][s];
        for (int w = 0; w < tokens.length; w++) {
            if (tokens[w].length != e) {
                throw new IllegalArgumentException("tokens[" + w + "] must have " + e + " (experts) rows, got "
                        + tokens[w].length);
            }
            for (int x = 0; x < e; x++) {
                if (tokens[w][x].length != s) {
                    throw new IllegalArgumentException("tokens[" + w + "][" + x + "] must have " + s
                            + " (sources) values, got " + tokens[w][x].length);
                }
                for (int g = 0; g < s; g++) {
                    t[w][x][g] = nonNegative(tokens[w][x][g], w, x);
                }
            }
        }
        return build(e, s, t);
    }

    private static RoutingTrace build(int experts, int sources, long[][][] t) {
        if (experts < 1) {
            throw new IllegalArgumentException("experts must be >= 1, got " + experts);
        }
        return new RoutingTrace(experts, sources, t);
    }

    private static long nonNegative(long v, int w, int x) {
        if (v < 0) {
            throw new IllegalArgumentException("tokens (window " + w + ", expert " + x + ") must be >= 0, got " + v);
        }
        return v;
    }

    /** @return the number of windows */
    public int windows() {
        return tokens.length;
    }

    /** @return the number of experts */
    public int experts() {
        return experts;
    }

    /** @return the number of source GPUs, 0 when the trace has no source information */
    public int sources() {
        return sources;
    }

    /** @return whether tokens are broken down by source GPU */
    public boolean hasSources() {
        return sources > 0;
    }

    /**
     * @param window a window
     * @param expert an expert
     * @return tokens routed to the expert in the window
     */
    public long tokens(int window, int expert) {
        long sum = 0;
        for (long x : tokens[window][expert]) {
            sum += x;
        }
        return sum;
    }

    /**
     * @param window a window
     * @param expert an expert
     * @param source a source GPU
     * @return tokens from that GPU to that expert in the window
     */
    public long tokens(int window, int expert, int source) {
        if (!hasSources()) {
            throw new IllegalStateException("this trace has no source information");
        }
        return tokens[window][expert][source];
    }

    /**
     * @param window a window
     * @return tokens per expert in the window
     */
    public double[] loads(int window) {
        double[] l = new double[experts];
        for (int x = 0; x < experts; x++) {
            l[x] = tokens(window, x);
        }
        return l;
    }

    /** @return tokens per expert over all windows */
    public double[] totalLoads() {
        double[] l = new double[experts];
        for (int w = 0; w < tokens.length; w++) {
            for (int x = 0; x < experts; x++) {
                l[x] += tokens(w, x);
            }
        }
        return l;
    }

    /**
     * The placement problem for one window.
     *
     * @param window      a window
     * @param gpus        expert-parallel GPUs (must equal {@link #sources()} when the trace has sources)
     * @param slotsPerGpu expert slots per GPU
     * @param gpusPerNode GPUs per node
     * @return the problem, with source information when the trace has it
     */
    public PlacementProblem problem(int window, int gpus, int slotsPerGpu, int gpusPerNode) {
        if (hasSources()) {
            if (gpus != sources) {
                throw new IllegalArgumentException("gpus (" + gpus + ") must equal the trace's sources (" + sources
                        + ")");
            }
            double[][] m = new double[experts][sources];
            for (int x = 0; x < experts; x++) {
                for (int g = 0; g < sources; g++) {
                    m[x][g] = tokens[window][x][g];
                }
            }
            return PlacementProblem.fromSources(m, slotsPerGpu).withGpusPerNode(gpusPerNode);
        }
        return PlacementProblem.of(loads(window), gpus, slotsPerGpu).withGpusPerNode(gpusPerNode);
    }

    /** @return the whole trace as one window */
    public RoutingTrace merged() {
        int s = Math.max(1, sources);
        long[][][] t = new long[1][experts][s];
        for (long[][] window : tokens) {
            for (int x = 0; x < experts; x++) {
                for (int g = 0; g < s; g++) {
                    t[0][x][g] += window[x][g];
                }
            }
        }
        return new RoutingTrace(experts, sources, t);
    }

    long raw(int window, int expert, int source) {
        return tokens[window][expert][source];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoutingTrace r && r.experts == experts && r.sources == sources
                && java.util.Arrays.deepEquals(tokens, r.tokens);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.deepHashCode(tokens);
    }

    @Override
    public String toString() {
        return "RoutingTrace[windows=" + windows() + ", experts=" + experts + ", sources=" + sources + "]";
    }
}
