package org.dml4j.parallel.pipeline;

import java.util.OptionalDouble;

/**
 * Closed-form iteration times of the published schedules for equal stages (every stage takes F, B and W per
 * micro-batch; no communication). {@link TimelineSimulator} reproduces every one of them exactly on these
 * schedulers' output, which the tests check over a grid of {@code (p, m, v)}. The planner can use them as a fast
 * path when stages are equal and fall back to simulation otherwise.
 *
 * <table>
 *   <caption>Iteration time (synchronous flush) and where it holds</caption>
 *   <tr><th>schedule</th><th>iteration time</th><th>holds for</th></tr>
 *   <tr><td>GPipe, 1F1B</td><td>{@code (m + p - 1)(F + B + W)}</td><td>all m</td></tr>
 *   <tr><td>interleaved 1F1B</td><td>{@code m(F + B + W) + (p - 1)(F + B + W) / v}</td><td>m a multiple of p</td></tr>
 *   <tr><td>ZB-H1</td><td>{@code m(F + B + W) + (p - 1) max(F + B - W, F, B)}</td><td>m &ge; p</td></tr>
 *   <tr><td>ZB-H2</td><td>{@code 3mF + (p - 1)F}; pipelined {@code 3mF} (zero bubble)</td>
 *       <td>F = B = W, m &ge; 2p - 1</td></tr>
 *   <tr><td>ZB-V</td><td>{@code 3mF + (p - 1)F/2}; pipelined {@code 3mF} (zero bubble)</td>
 *       <td>F = B = W, m &ge; 2p - 1</td></tr>
 * </table>
 *
 * <p>Note on ZB-H1: the paper's bubble is {@code (p-1)(F+B-W)} (a third of 1F1B's when {@code F = B = W}); it
 * assumes {@code W <= min(F, B)}, and in general the bubble is {@code (p-1) max(F+B-W, F, B)}. (Our spec's table
 * writes {@code (p-1)(F+B-2W)}, which would be zero for {@code F = B = W} and contradicts its own "a third of 1F1B's";
 * the simulator settles it.) ZB-H2 and ZB-V have no bubble in the pipelined sense (optimizer post-validation, see
 * {@link Timeline#pipelinedIterationTime()}); with a synchronous step, the last device's start-up delay remains.
 *
 * <pre>
 * Huang et al., "GPipe", NeurIPS 2019.
 * Narayanan et al., "Efficient Large-Scale Language Model Training on GPU Clusters Using Megatron-LM", SC 2021.
 * Qi, Wan, Huang, Lin, "Zero Bubble (Almost) Pipeline Parallelism", ICLR 2024.
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class ClosedForms {
    private ClosedForms() {
    }

    /**
     * @param p stages
     * @param m micro-batches
     * @param f forward
     * @param b backward-for-inputs
     * @param w weights
     * @return GPipe's and 1F1B's iteration time {@code (m + p - 1)(F + B + W)}
     */
    public static double oneFOneB(int p, int m, double f, double b, double w) {
        check(p, m, 1);
        return (m + p - 1) * (f + b + w);
    }

    /**
     * @param p stages
     * @param m micro-batches (a multiple of p)
     * @param v chunks
     * @param f forward
     * @param b backward-for-inputs
     * @param w weights
     * @return interleaved 1F1B's iteration time {@code m(F+B+W) + (p-1)(F+B+W)/v}
     */
    public static double interleaved(int p, int m, int v, double f, double b, double w) {
        check(p, m, v);
        return (m + (p - 1) / (double) v) * (f + b + w);
    }

    /**
     * @param p stages
     * @param m micro-batches ({@code >= p})
     * @param f forward
     * @param b backward-for-inputs
     * @param w weights
     * @return ZB-H1's iteration time {@code m(F+B+W) + (p-1) max(F+B-W, F, B)}
     */
    public static double zbH1(int p, int m, double f, double b, double w) {
        check(p, m, 1);
        return m * (f + b + w) + (p - 1) * Math.max(f + b - w, Math.max(f, b));
    }

    /**
     * @param p stages
     * @param m micro-batches ({@code >= 2p-1})
     * @param f the common F = B = W
     * @return ZB-H2's synchronous iteration time {@code 3mF + (p-1)F}
     */
    public static double zbH2(int p, int m, double f) {
        check(p, m, 1);
        return 3.0 * m * f + (p - 1) * f;
    }

    /**
     * @param p stages
     * @param m micro-batches ({@code >= 2p-1})
     * @param f the common F = B = W of a whole stage
     * @return ZB-V's synchronous iteration time {@code 3mF + (p-1)F/2}
     */
    public static double zbV(int p, int m, double f) {
        check(p, m, 2);
        return 3.0 * m * f + (p - 1) * f / 2;
    }

    /**
     * The closed form for a named schedule, where one applies.
     *
     * @param schedule scheduler name ("gpipe", "1f1b", "interleaved", "zb-h1", "zb-h2", "zb-v")
     * @param p        stages
     * @param m        micro-batches
     * @param v        chunks per device
     * @param f        forward time per stage
     * @param b        backward-for-inputs time per stage
     * @param w        backward-for-weights time per stage
     * @return the synchronous iteration time, or empty when no closed form covers these arguments
     */
    public static OptionalDouble iterationTime(String schedule, int p, int m, int v, double f, double b, double w) {
        if (p < 1 || m < 1 || v < 1) {
            return OptionalDouble.empty();
        }
        boolean equal = f == b && b == w;
        return switch (schedule) {
            case "gpipe", "1f1b" -> v == 1 ? OptionalDouble.of(oneFOneB(p, m, f, b, w)) : OptionalDouble.empty();
            case "interleaved" -> v >= 2 && m % p == 0 ? OptionalDouble.of(interleaved(p, m, v, f, b, w))
                    : OptionalDouble.empty();
            case "zb-h1" -> v == 1 && m >= p ? OptionalDouble.of(zbH1(p, m, f, b, w)) : OptionalDouble.empty();
            case "zb-h2" -> v == 1 && equal && m >= 2 * p - 1 ? OptionalDouble.of(zbH2(p, m, f))
                    : OptionalDouble.empty();
            case "zb-v" -> v == 2 && equal && m >= 2 * p - 1 ? OptionalDouble.of(zbV(p, m, f))
                    : OptionalDouble.empty();
            default -> OptionalDouble.empty();
        };
    }

    private static void check(int p, int m, int v) {
        if (p < 1) {
            throw new IllegalArgumentException("stages (p) must be >= 1, got " + p);
        }
        if (m < 1) {
            throw new IllegalArgumentException("microbatches (m) must be >= 1, got " + m);
        }
        if (v < 1) {
            throw new IllegalArgumentException("v must be >= 1, got " + v);
        }
    }
}
