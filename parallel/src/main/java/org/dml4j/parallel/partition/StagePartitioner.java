package org.dml4j.parallel.partition;

import java.util.Locale;
import java.util.Objects;
import org.dml4j.core.PlanInfeasibleException;

/**
 * Exact partitioning of {@code L} layers into {@code p} contiguous pipeline stages on heterogeneous devices:
 * minimises the bottleneck {@code max_s (sum of stage s's layer times) / speed_s} subject to every stage's memory
 * ({@code static + inFlight_s * activations}) fitting its device's limit.
 *
 * <p>Dynamic programme over (stages used, layers placed): {@code best[s+1][j] = min_i max(best[s][i],
 * cost_s(i, j))}. Scanning {@code i} downward from {@code j - 1}, a stage's time and memory only grow, so the scan
 * stops at the first memory overflow or once the stage alone is no better than the best found: exact, and close to
 * {@code O(L^2)} in practice (worst case {@code O(p L^2)}). Ties keep the shortest last stage. When no split fits,
 * a second programme finds the split with the smallest memory excess and reports it.
 *
 * <pre>
 * Bokhari, "Partitioning Problems in Parallel, Pipelined, and Distributed Computing", IEEE TC 1988 (chain
 * partitioning); Narayanan et al., "PipeDream", SOSP 2019 and Fan et al., "DAPPLE", PPoPP 2021 (DP stage splits);
 * Jia et al. / Li et al., heterogeneous pipelines (e.g. "AMP", NeurIPS 2022; "Metis", ATC 2024).
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class StagePartitioner {
    private StagePartitioner() {
    }

    /**
     * @param layers  the layers, in model order
     * @param devices the stages' devices (speed, memory limit, in-flight micro-batches)
     * @return the partition with the smallest bottleneck that fits every memory limit
     * @throws IllegalArgumentException when there are fewer layers than stages
     * @throws PlanInfeasibleException  when no split fits, naming the stage and the smallest possible excess
     */
    public static Partition partition(LayerCosts layers, DeviceSpecs devices) {
        Objects.requireNonNull(layers, "layers");
        Objects.requireNonNull(devices, "devices");
        int n = layers.layers();
        int p = devices.stages();
        if (n < p) {
            throw new IllegalArgumentException("layers (L = " + n + ") must be >= stages (p = " + p + ")");
        }
        double[] time = new double[n + 1];
        double[] stat = new double[n + 1];
        double[] act = new double[n + 1];
        for (int l = 0; l < n; l++) {
            time[l + 1] = time[l] + layers.time(l);
            stat[l + 1] = stat[l] + layers.staticMemory(l);
            act[l + 1] = act[l] + layers.activationMemory(l);
        }
        double[] prev = new double[n + 1];
        double[] cur = new double[n + 1];
        int[][] choice = new int[p][n + 1];
        java.util.Arrays.fill(prev, Double.POSITIVE_INFINITY);
        prev[0] = 0;
        for (int s = 0; s < p; s++) {
            java.util.Arrays.fill(cur, Double.POSITIVE_INFINITY);
            double speed = devices.speed(s);
            double limit = devices.memoryLimit(s);
            double inFlight = devices.inFlight(s);
            int jMin = s + 1;
            int jMax = n - (p - s - 1);
            for (int j = jMin; j <= jMax; j++) {
                double best = Double.POSITIVE_INFINITY;
                int arg = -1;
                for (int i = j - 1; i >= s; i--) {
                    double mem = (stat[j] - stat[i]) + inFlight * (act[j] - act[i]);
                    if (mem > limit) {
                        break;
                    }
                    double cost = (time[j] - time[i]) / speed;
                    if (cost >= best) {
                        break;
                    }
                    double v = Math.max(prev[i], cost);
                    if (v < best) {
                        best = v;
                        arg = i;
                    }
                }
                cur[j] = best;
                choice[s][j] = arg;
            }
            double[] t = prev;
            prev = cur;
            cur = t;
        }
        if (prev[n] == Double.POSITIVE_INFINITY) {
            throw infeasible(layers, devices, stat, act);
        }
        return Partition.evaluate(layers, devices, reconstruct(choice, n, p));
    }

    private static int[] reconstruct(int[][] choice, int n, int p) {
        int[] starts = new int[p + 1];
        starts[p] = n;
        for (int s = p - 1; s >= 0; s--) {
            starts[s] = choice[s][starts[s + 1]];
        }
        return starts;
    }

    /** Finds the split whose worst memory excess is smallest, and reports it. */
    private static PlanInfeasibleException infeasible(LayerCosts layers, DeviceSpecs devices, double[] stat,
                                                      double[] act) {
        int n = layers.layers();
        int p = devices.stages();
        double[] prev = new double[n + 1];
        double[] cur = new double[n + 1];
        int[][] choice = new int[p][n + 1];
        java.util.Arrays.fill(prev, Double.POSITIVE_INFINITY);
        prev[0] = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < p; s++) {
            java.util.Arrays.fill(cur, Double.POSITIVE_INFINITY);
            for (int j = s + 1; j <= n - (p - s - 1); j++) {
                double best = Double.POSITIVE_INFINITY;
                int arg = -1;
                for (int i = j - 1; i >= s; i--) {
                    double excess = (stat[j] - stat[i]) + devices.inFlight(s) * (act[j] - act[i])
                            - devices.memoryLimit(s);
                    if (excess >= best) {
                        break;
                    }
                    double v = Math.max(prev[i], excess);
                    if (v < best) {
                        best = v;
                        arg = i;
                    }
                }
                cur[j] = best;
                choice[s][j] = arg;
            }
            double[] t = prev;
            prev = cur;
            cur = t;
        }
        Partition closest = Partition.evaluate(layers, devices, reconstruct(choice, n, p));
        int worst = 0;
        for (int s = 1; s < p; s++) {
            if (closest.stageMemory(s) - devices.memoryLimit(s) > closest.stageMemory(worst)
                    - devices.memoryLimit(worst)) {
                worst = s;
            }
        }
        double need = closest.stageMemory(worst);
        double limit = devices.memoryLimit(worst);
        return new PlanInfeasibleException("no split of " + n + " layers into " + p + " stages fits the memory "
                + "limits: the closest split (layers per stage " + java.util.Arrays.toString(closest.layerCounts())
                + ") still needs " + fmt(need) + " on stage " + worst + ", above its limit " + fmt(limit) + " by "
                + fmt(need - limit));
    }

    static String fmt(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return Long.toString((long) x);
        }
        String s = String.format(Locale.ROOT, "%.6g", x);
        return s.contains("e") || !s.contains(".") ? s : s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
