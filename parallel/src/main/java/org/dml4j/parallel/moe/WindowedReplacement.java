package org.dml4j.parallel.moe;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Re-places experts over a routing trace, window by window, paying for every replica that moves. The placement
 * for window {@code w} is made from window {@code w-1}'s tokens (the last window predicts the next); the first
 * window's placement is made from its own tokens (a profiling window). A new placement is mapped onto the GPUs so
 * that as few replicas as possible move (Hungarian method over the GPUs' contents, which leaves loads unchanged),
 * and each moved replica costs {@code expertBytes} over the intra-node link when a copy exists in the same node,
 * otherwise over the inter-node network.
 *
 * <p>Window time = expert compute ({@code max GPU tokens x secondsPerToken}) + four all-to-alls per step
 * ({@link AllToAllModel}) + migration time.
 *
 * <pre>
 * Windowed re-balancing of expert placement: He et al., "FasterMoE", PPoPP 2022; Nie et al., "FlexMoE", SIGMOD 2023;
 * DeepSeek-AI, EPLB, 2025 (periodic re-balancing from recent statistics).
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class WindowedReplacement {
    private WindowedReplacement() {
    }

    /**
     * @param trace  the routing trace; with sources, their count is the GPU count
     * @param gpus   expert-parallel GPUs
     * @param placer the placer that makes each placement
     * @param config slots, network, costs and policy
     * @return one row per window
     */
    public static ReplacementReport run(RoutingTrace trace, int gpus, ExpertPlacer placer,
                                        ReplacementConfig config) {
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(placer, "placer");
        Objects.requireNonNull(config, "config");
        int perNode = config.topology().gpusPerNode();
        if (gpus % perNode != 0) {
            throw new IllegalArgumentException("topology gpusPerNode (" + perNode + ") must divide gpus (" + gpus
                    + ")");
        }
        List<ReplacementReport.Window> rows = new ArrayList<>();
        PlacementProblem first = trace.problem(0, gpus, config.slotsPerGpu(), perNode);
        ExpertPlacement current = placer.place(first);
        for (int w = 0; w < trace.windows(); w++) {
            PlacementProblem now = trace.problem(w, gpus, config.slotsPerGpu(), perNode);
            int migrations = 0;
            double migrationSeconds = 0;
            boolean replaced = false;
            if (w > 0 && config.policy() != ReplacementConfig.Policy.STATIC) {
                PlacementProblem last = trace.problem(w - 1, gpus, config.slotsPerGpu(), perNode);
                ExpertPlacement candidate = sticky(placer.place(last), current);
                int moves = candidate.migrationsFrom(current);
                if (moves > 0) {
                    double copy = migrationSeconds(candidate, current, config);
                    boolean adopt = config.policy() == ReplacementConfig.Policy.EVERY_WINDOW
                            || windowSeconds(current.withLoads(last.loads()), last, config)
                            - windowSeconds(candidate, last, config) > copy;
                    if (adopt) {
                        current = candidate;
                        migrations = moves;
                        migrationSeconds = copy;
                        replaced = true;
                    }
                }
            }
            ExpertPlacement applied = current.withLoads(now.loads());
            double compute = applied.maxLoad() * config.secondsPerToken();
            double a2a = allToAllSeconds(applied, now, config);
            rows.add(new ReplacementReport.Window(w, applied.imbalance(), compute, a2a, migrations, migrationSeconds,
                    replaced));
        }
        return new ReplacementReport(placer.name(), config.policy(), rows);
    }

    private static double windowSeconds(ExpertPlacement p, PlacementProblem window, ReplacementConfig c) {
        ExpertPlacement applied = p.withLoads(window.loads());
        return applied.maxLoad() * c.secondsPerToken() + allToAllSeconds(applied, window, c);
    }

    private static double allToAllSeconds(ExpertPlacement applied, PlacementProblem window, ReplacementConfig c) {
        PlacementProblem perStep = window.scaled(1.0 / c.stepsPerWindow());
        AllToAllEstimate est = AllToAllModel.estimate(applied, perStep, c.topology(), c.bytesPerToken());
        return est.perLayerSeconds() * c.stepsPerWindow();
    }

    /** Maps the new placement's GPU contents onto GPUs so that the fewest replicas move. */
    static ExpertPlacement sticky(ExpertPlacement next, ExpertPlacement current) {
        int g = next.gpus();
        boolean[][] has = new boolean[current.experts()][g];
        int[][] cur = current.hostsRef();
        for (int e = 0; e < cur.length; e++) {
            for (int h : cur[e]) {
                has[e][h] = true;
            }
        }
        int[][] hosts = next.hostsRef();
        double[][] cost = new double[g][g];
        for (int e = 0; e < hosts.length; e++) {
            for (int b : hosts[e]) {
                for (int k = 0; k < g; k++) {
                    if (!has[e][k]) {
                        cost[b][k] += 1;
                    }
                }
            }
        }
        int[] target = Hungarian.solve(cost);
        int[][] moved = new int[hosts.length][];
        double[][] shares = new double[hosts.length][];
        for (int e = 0; e < hosts.length; e++) {
            moved[e] = new int[hosts[e].length];
            for (int i = 0; i < moved[e].length; i++) {
                moved[e][i] = target[hosts[e][i]];
            }
            shares[e] = next.sharesRef()[e].clone();
        }
        return new ExpertPlacement(next.placer(), g, moved, shares);
    }

    private static double migrationSeconds(ExpertPlacement next, ExpertPlacement current, ReplacementConfig c) {
        int g = next.gpus();
        int perNode = c.topology().gpusPerNode();
        double[] intra = new double[g];
        double[] inter = new double[g];
        int[][] cur = current.hostsRef();
        int[][] nxt = next.hostsRef();
        for (int e = 0; e < nxt.length; e++) {
            for (int h : nxt[e]) {
                boolean had = false;
                boolean sameNode = false;
                for (int k : cur[e]) {
                    had |= k == h;
                    sameNode |= k / perNode == h / perNode;
                }
                if (had) {
                    continue;
                }
                if (sameNode) {
                    intra[h] += c.expertBytes();
                } else {
                    inter[h] += c.expertBytes();
                }
            }
        }
        double worst = 0;
        for (int k = 0; k < g; k++) {
            worst = Math.max(worst, Math.max(intra[k] / c.topology().intraBandwidth(),
                    inter[k] / c.topology().interBandwidth()));
        }
        return worst;
    }
}
