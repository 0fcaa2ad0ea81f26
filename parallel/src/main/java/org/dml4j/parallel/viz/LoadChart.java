package org.dml4j.parallel.viz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.dml4j.parallel.moe.ExpertPlacement;
import org.dml4j.report.BarChart;
import org.dml4j.report.Bars;
import org.dml4j.report.Num;
import org.dml4j.report.Rule;

/**
 * Bar charts of expert-parallel load, drawn with the report kit's {@link BarChart}: tokens per GPU for several
 * placements side by side (before and after), with the mean as a dashed line and each placement's max/mean in the
 * legend; and tokens per expert, sorted, to show the routing skew.
 *
 * <p>Stateless and thread-safe.
 */
public final class LoadChart {
    private LoadChart() {
    }

    /**
     * @param placements placements of the same tokens on the same GPUs (for example round-robin, greedy, ours)
     * @param width      drawing width in pixels (at least 300)
     * @return an {@code <svg>} element with grouped bars per GPU
     */
    public static String perGpu(List<ExpertPlacement> placements, int width) {
        Objects.requireNonNull(placements, "placements");
        if (placements.isEmpty()) {
            throw new IllegalArgumentException("placements must not be empty");
        }
        int g = placements.get(0).gpus();
        List<Bars> bars = new ArrayList<>();
        for (ExpertPlacement pl : placements) {
            if (pl.gpus() != g) {
                throw new IllegalArgumentException("all placements must have " + g + " GPUs, got " + pl.gpus());
            }
            bars.add(new Bars(pl.placer() + String.format(Locale.ROOT, " (max/mean %.3f)", pl.imbalance()),
                    pl.gpuLoads()));
        }
        double mean = placements.get(0).meanLoad();
        return BarChart.grouped("", "GPU (dashed: mean load)", "tokens", indices(g), bars,
                List.of(new Rule("mean " + Num.value(mean), mean)), width);
    }

    /**
     * @param tokens tokens per expert
     * @param width  drawing width in pixels (at least 300)
     * @return an {@code <svg>} element with one bar per expert, hottest first
     */
    public static String perExpert(double[] tokens, int width) {
        Objects.requireNonNull(tokens, "tokens");
        Integer[] order = new Integer[tokens.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(tokens[b], tokens[a]));
        double[] sorted = new double[tokens.length];
        List<String> names = new ArrayList<>(tokens.length);
        for (int i = 0; i < order.length; i++) {
            sorted[i] = tokens[order[i]];
            names.add("expert " + order[i]);
        }
        return BarChart.grouped("", "experts, hottest first", "tokens", names, List.of(new Bars("tokens", sorted)),
                List.of(), width);
    }

    private static List<String> indices(int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(Integer.toString(i));
        }
        return out;
    }
}
