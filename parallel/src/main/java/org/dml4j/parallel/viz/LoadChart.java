package org.dml4j.parallel.viz;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.dml4j.parallel.moe.ExpertPlacement;

/**
 * Bar charts of expert-parallel load: tokens per GPU for several placements side by side (before and after), with
 * the mean as a dashed line and each placement's max/mean in the legend; and tokens per expert, sorted, to show the
 * routing skew.
 *
 * <p>Stateless and thread-safe.
 */
public final class LoadChart {
    private static final String[] PALETTE = {"#9e9e9e", "#f0a04b", "#4e79a7", "#59a14f", "#e15759", "#b07aa1"};

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
        if (width < 300) {
            throw new IllegalArgumentException("width must be >= 300, got " + width);
        }
        int g = placements.get(0).gpus();
        double max = 0;
        for (ExpertPlacement pl : placements) {
            if (pl.gpus() != g) {
                throw new IllegalArgumentException("all placements must have " + g + " GPUs, got " + pl.gpus());
            }
            max = Math.max(max, pl.maxLoad());
        }
        int left = 70;
        int top = 28;
        int plotH = 220;
        int height = top + plotH + 40;
        double plotW = width - left - 16;
        double group = plotW / g;
        double bar = Math.max(1, (group - 4) / placements.size());
        double yScale = max > 0 ? plotH / max : 0;
        StringBuilder sb = new StringBuilder();
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(height).append("\" font-family=\"sans-serif\" font-size=\"10\">\n");
        int lx = left;
        for (int k = 0; k < placements.size(); k++) {
            ExpertPlacement pl = placements.get(k);
            String name = pl.placer() + String.format(Locale.ROOT, " (max/mean %.3f)", pl.imbalance());
            sb.append("<rect x=\"").append(lx).append("\" y=\"6\" width=\"12\" height=\"12\" fill=\"")
                    .append(PALETTE[k % PALETTE.length]).append("\"/><text x=\"").append(lx + 16)
                    .append("\" y=\"16\" font-size=\"11\">").append(Svg.esc(name)).append("</text>\n");
            lx += 30 + 6 * name.length();
        }
        axis(sb, left, top, plotW, plotH, max);
        for (int k = 0; k < placements.size(); k++) {
            double[] loads = placements.get(k).gpuLoads();
            for (int i = 0; i < g; i++) {
                double h = loads[i] * yScale;
                double x = left + i * group + 2 + k * bar;
                sb.append("<rect x=\"").append(Svg.n(x)).append("\" y=\"").append(Svg.n(top + plotH - h))
                        .append("\" width=\"").append(Svg.n(Math.max(bar - 1, 0.8))).append("\" height=\"")
                        .append(Svg.n(h)).append("\" fill=\"").append(PALETTE[k % PALETTE.length])
                        .append("\"><title>").append(Svg.esc(placements.get(k).placer())).append(", GPU ").append(i)
                        .append(": ").append(Svg.v(loads[i])).append(" tokens</title></rect>\n");
            }
        }
        double mean = placements.get(0).meanLoad();
        double my = top + plotH - mean * yScale;
        sb.append("<line x1=\"").append(left).append("\" y1=\"").append(Svg.n(my)).append("\" x2=\"")
                .append(Svg.n(left + plotW)).append("\" y2=\"").append(Svg.n(my))
                .append("\" stroke=\"#222\" stroke-dasharray=\"5,4\"><title>mean ").append(Svg.v(mean))
                .append("</title></line>\n");
        for (int i = 0; i < g; i++) {
            if (g <= 32 || i % (g / 16) == 0) {
                sb.append("<text x=\"").append(Svg.n(left + (i + 0.5) * group)).append("\" y=\"")
                        .append(top + plotH + 14).append("\" text-anchor=\"middle\">").append(i).append("</text>");
            }
        }
        sb.append("<text x=\"").append(Svg.n(left + plotW / 2)).append("\" y=\"").append(top + plotH + 30)
                .append("\" text-anchor=\"middle\" fill=\"#555\">GPU (dashed: mean load)</text>\n</svg>");
        return sb.toString();
    }

    /**
     * @param tokens tokens per expert
     * @param width  drawing width in pixels (at least 300)
     * @return an {@code <svg>} element with one bar per expert, hottest first
     */
    public static String perExpert(double[] tokens, int width) {
        Objects.requireNonNull(tokens, "tokens");
        if (width < 300) {
            throw new IllegalArgumentException("width must be >= 300, got " + width);
        }
        Integer[] order = new Integer[tokens.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(tokens[b], tokens[a]));
        double max = 0;
        for (double t : tokens) {
            max = Math.max(max, t);
        }
        int left = 70;
        int top = 12;
        int plotH = 160;
        double plotW = width - left - 16;
        double bar = plotW / Math.max(1, tokens.length);
        double yScale = max > 0 ? plotH / max : 0;
        StringBuilder sb = new StringBuilder();
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(top + plotH + 34).append("\" font-family=\"sans-serif\" font-size=\"10\">\n");
        axis(sb, left, top, plotW, plotH, max);
        for (int i = 0; i < order.length; i++) {
            double h = tokens[order[i]] * yScale;
            sb.append("<rect x=\"").append(Svg.n(left + i * bar)).append("\" y=\"").append(Svg.n(top + plotH - h))
                    .append("\" width=\"").append(Svg.n(Math.max(bar - 0.5, 0.5))).append("\" height=\"")
                    .append(Svg.n(h)).append("\" fill=\"#4e79a7\"><title>expert ").append(order[i]).append(": ")
                    .append(Svg.v(tokens[order[i]])).append(" tokens</title></rect>\n");
        }
        sb.append("<text x=\"").append(Svg.n(left + plotW / 2)).append("\" y=\"").append(top + plotH + 24)
                .append("\" text-anchor=\"middle\" fill=\"#555\">experts, hottest first</text>\n</svg>");
        return sb.toString();
    }

    private static void axis(StringBuilder sb, int left, int top, double plotW, int plotH, double max) {
        sb.append("<line x1=\"").append(left).append("\" y1=\"").append(top).append("\" x2=\"").append(left)
                .append("\" y2=\"").append(top + plotH).append("\" stroke=\"#333\"/>");
        sb.append("<line x1=\"").append(left).append("\" y1=\"").append(top + plotH).append("\" x2=\"")
                .append(Svg.n(left + plotW)).append("\" y2=\"").append(top + plotH).append("\" stroke=\"#333\"/>\n");
        double step = Svg.tickStep(max, 5);
        for (double v = 0; v <= max * (1 + 1e-9) && max > 0; v += step) {
            double y = top + plotH - v * plotH / max;
            sb.append("<line x1=\"").append(left - 4).append("\" y1=\"").append(Svg.n(y)).append("\" x2=\"")
                    .append(left).append("\" y2=\"").append(Svg.n(y)).append("\" stroke=\"#333\"/><text x=\"")
                    .append(left - 6).append("\" y=\"").append(Svg.n(y + 3.5)).append("\" text-anchor=\"end\">")
                    .append(Svg.compact(v)).append("</text>\n");
        }
    }
}
