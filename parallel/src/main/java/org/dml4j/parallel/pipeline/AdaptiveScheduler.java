package org.dml4j.parallel.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dml4j.core.PlanInfeasibleException;

/**
 * Our schedule for uneven stages, heterogeneous devices and tight memory: a search over split-backward list
 * schedules whose warm-up depth is tuned to the actual stage costs and memory limits, keeping the fastest one that
 * fits.
 *
 * <p>How it works:
 * <ol>
 *   <li>Each device's activation budget is {@code floor((memoryLimit - staticMemory) / activation)} micro-batches
 *       (capped at {@code m}); no candidate may exceed it.</li>
 *   <li>Candidates are event-driven list schedules with split B/W (B first, then an admissible F, then a W to fill
 *       a gap), differing in how many micro-batches each device may admit ahead of its backward passes:
 *       1F1B's {@code p-d}, ZB-H2's {@code 2(p-d)-1}, "as much as memory allows", and a cost-aware depth
 *       {@code ceil(R_d / P)} where {@code R_d} is the round trip from stage {@code d}'s forward to its backward
 *       through the slower downstream stages and {@code P} the bottleneck stage's per-micro-batch time (so a fast
 *       stage in front of a slow one does not admit more micro-batches than the slow stage can drain, and a
 *       stage behind it admits enough to stay busy).</li>
 *   <li>A hill climb then moves one device's depth up or down at a time while the iteration time improves, within a
 *       budget proportional to {@code 1 / (p m)} evaluations.</li>
 *   <li>The published v = 1 orders (1F1B, ZB-H1, ZB-H2 both as the handcrafted order and as its cost-aware list
 *       schedule, GPipe) that fit the memory limits are candidates too, so
 *       the result is never slower than the best of them; ties go to the lower peak memory.</li>
 * </ol>
 * With equal stages it matches ZB-H1/ZB-H2 (whichever fits); with unbalanced stages and 1F1B's memory it beats 1F1B
 * (see {@code AdaptiveSchedulerTest}).
 *
 * <pre>
 * Builds on: Qi et al., "Zero Bubble (Almost) Pipeline Parallelism", ICLR 2024 (split B/W, greedy heuristic);
 * Narayanan et al., SC 2021 (1F1B). Graham, "Bounds on multiprocessing timing anomalies", 1969 (list scheduling).
 * </pre>
 *
 * <p>Immutable and thread-safe. Supports {@code v = 1}.
 */
public final class AdaptiveScheduler implements PipelineScheduler {
    private static final double EVALUATION_OPS_BUDGET = 2e6;

    /** Creates the scheduler (stateless). */
    public AdaptiveScheduler() {
    }

    @Override
    public String name() {
        return "adaptive";
    }

    @Override
    public String description() {
        return "dml4j adaptive: cost- and memory-aware split-backward list scheduling with search; v = 1";
    }

    @Override
    public boolean supportsChunks(int chunks) {
        return chunks == 1;
    }

    @Override
    public int defaultChunks() {
        return 1;
    }

    @Override
    public Schedule schedule(StageCosts costs, int microbatches, int chunks) {
        PipelineSchedulers.checkArguments(this, costs, microbatches, chunks);
        int p = costs.stages();
        int m = microbatches;
        double[] memCap = new double[p];
        int[] maxAdmit = new int[p];
        for (int d = 0; d < p; d++) {
            double a = costs.activationMemory(d);
            double units = a == 0 ? m : Math.floor((costs.memoryLimit(d) - costs.staticMemory(d)) / a + 1e-9);
            units = Math.min(units, m);
            if (units < 1) {
                // checkArguments guarantees one micro-batch fits; rounding cannot take it away
                throw new PlanInfeasibleException("stage " + d + " cannot hold one micro-batch");
            }
            memCap[d] = units;
            maxAdmit[d] = (int) units;
        }
        GreedyListScheduler greedy = new GreedyListScheduler(costs, m, 1, ChunkLayout.INTERLEAVED);
        Search search = new Search(costs, greedy, memCap, maxAdmit, m);

        // published orders that fit
        for (String fixed : List.of("1f1b", "zb-h1", "zb-h2", "zb-h2-list", "gpipe")) {
            Schedule s;
            switch (fixed) {
                case "1f1b" -> s = OneFOneB.build(name(), p, m);
                case "zb-h1" -> s = new ZeroBubbleH1().schedule(StageCosts.uniform(p, 1, 1, 1), m, 1);
                case "zb-h2" -> s = new ZeroBubbleH2().schedule(StageCosts.uniform(p, 1, 1, 1), m, 1);
                case "zb-h2-list" -> s = greedy.build(name(), cap(p, d -> 2 * (p - d) - 1, m), filled(p, 2 * p - 1))
                        .schedule();
                default -> s = new GPipe().schedule(StageCosts.uniform(p, 1, 1, 1), m, 1);
            }
            search.offerFixed(s.withName(name()));
        }
        // cost-aware list schedules
        int[] depth = costAwareDepth(costs);
        List<int[]> starts = new ArrayList<>();
        starts.add(cap(p, d -> p - d, m));
        starts.add(cap(p, d -> 2 * (p - d) - 1, m));
        starts.add(cap(p, d -> m, m));
        starts.add(cap(p, d -> depth[d], m));
        starts.add(cap(p, d -> depth[d] + 1, m));
        for (int[] s : starts) {
            search.evaluate(clamp(s, maxAdmit));
        }
        search.climb();
        return PipelineSchedulers.checkMemory(search.best, costs);
    }

    /** Round trip of one micro-batch from stage d's F to stage d's B, over the bottleneck's period. */
    static int[] costAwareDepth(StageCosts costs) {
        int p = costs.stages();
        double period = 0;
        for (int d = 0; d < p; d++) {
            period = Math.max(period, costs.computePerMicrobatch(d));
        }
        int[] depth = new int[p];
        double trip = 0;
        for (int d = p - 1; d >= 0; d--) {
            double speed = costs.deviceSpeed(d);
            trip += (costs.forward(d) + costs.backward(d)) / speed + (d < p - 1 ? 2 * costs.p2pTime() : 0);
            depth[d] = period == 0 ? 1 : (int) Math.max(1, Math.ceil(trip / period - 1e-9));
        }
        return depth;
    }

    private static int[] cap(int p, java.util.function.IntUnaryOperator f, int m) {
        int[] a = new int[p];
        for (int d = 0; d < p; d++) {
            a[d] = Math.max(1, Math.min(m, f.applyAsInt(d)));
        }
        return a;
    }

    private static double[] filled(int p, double x) {
        double[] a = new double[p];
        Arrays.fill(a, x);
        return a;
    }

    private static int[] clamp(int[] a, int[] max) {
        int[] c = a.clone();
        for (int d = 0; d < c.length; d++) {
            c[d] = Math.max(1, Math.min(c[d], max[d]));
        }
        return c;
    }

    /** Holds the best candidate so far. Not thread-safe. */
    private final class Search {
        private final StageCosts costs;
        private final GreedyListScheduler greedy;
        private final double[] memCap;
        private final int[] maxAdmit;
        private final int budget;
        private int evaluations;
        Schedule best;
        double bestTime = Double.POSITIVE_INFINITY;
        double bestMemory = Double.POSITIVE_INFINITY;
        int[] climbCaps;
        double climbTime = Double.POSITIVE_INFINITY;
        double climbMemory = Double.POSITIVE_INFINITY;

        Search(StageCosts costs, GreedyListScheduler greedy, double[] memCap, int[] maxAdmit, int m) {
            this.costs = costs;
            this.greedy = greedy;
            this.memCap = memCap;
            this.maxAdmit = maxAdmit;
            double ops = 3.0 * costs.stages() * m;
            this.budget = (int) Math.max(6, Math.min(200, EVALUATION_OPS_BUDGET / ops));
        }

        void offerFixed(Schedule s) {
            MemoryProfile mem = MemoryProfile.of(s, costs);
            for (int d = 0; d < s.devices(); d++) {
                if (mem.peak(d) > costs.memoryLimit(d) * (1 + 1e-9)) {
                    return;
                }
            }
            consider(s, TimelineSimulator.simulateUnchecked(s, costs).iterationTime(), mem.maxPeak());
        }

        /** @return whether these caps beat the best caps so far */
        boolean evaluate(int[] caps) {
            evaluations++;
            GreedyListScheduler.Built b = greedy.build(name(), caps, memCap);
            double memory = MemoryProfile.of(b.schedule(), costs).maxPeak();
            consider(b.schedule(), b.makespan(), memory);
            if (better(b.makespan(), memory, climbTime, climbMemory)) {
                climbCaps = caps.clone();
                climbTime = b.makespan();
                climbMemory = memory;
                return true;
            }
            return false;
        }

        private void consider(Schedule s, double time, double memory) {
            if (better(time, memory, bestTime, bestMemory)) {
                best = s;
                bestTime = time;
                bestMemory = memory;
            }
        }

        private static boolean better(double time, double memory, double refTime, double refMemory) {
            double tol = 1e-9 * Math.max(1, Math.abs(refTime));
            return time < refTime - tol || (time <= refTime + tol && memory < refMemory);
        }

        void climb() {
            if (climbCaps == null) {
                return;
            }
            boolean improved = true;
            while (improved && evaluations < budget) {
                improved = false;
                for (int d = 0; d < climbCaps.length && evaluations < budget; d++) {
                    for (int delta : new int[] {-1, 1}) {
                        int c = climbCaps[d] + delta;
                        if (c < 1 || c > maxAdmit[d] || evaluations >= budget) {
                            continue;
                        }
                        int[] trial = climbCaps.clone();
                        trial[d] = c;
                        if (evaluate(trial)) {
                            improved = true;
                            break;
                        }
                    }
                }
            }
        }
    }
}
