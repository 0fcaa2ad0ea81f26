package org.dml4j.planner;

import java.util.ArrayList;
import java.util.List;
import org.dml4j.parallel.pipeline.Op;
import org.dml4j.parallel.pipeline.PipelineSchedulers;
import org.dml4j.planner.model.ModelSpec;

/**
 * Enumerates every configuration of a {@link PlanRequest}'s search space that fits the model's and cluster's shape:
 * TP divides the GPUs per node and the model's TP divisor; PP divides the remaining GPUs and is at most the number of
 * blocks; DP is what is left and divides the global batch; EP divides DP and the number of experts; the micro-batch
 * size divides the per-replica batch; interleaved schedules need the blocks to divide evenly into {@code p x v}
 * chunks and (interleaved 1F1B) {@code m} to be a multiple of {@code p}; ZeRO 2 and 3 only without pipelining;
 * compression only with ZeRO 0 and more than one data-parallel rank. The order is fixed (nested loops in the order
 * of the fields), so searches are deterministic.
 *
 * <p>Stateless and thread-safe.
 */
public final class CandidateSpace {
    private CandidateSpace() {
    }

    /**
     * @param request the request
     * @return every configuration, in a fixed order
     */
    public static List<ParallelConfig> enumerate(PlanRequest request) {
        ModelSpec model = request.model();
        SearchSpace s = request.space();
        int gpus = request.cluster().gpus();
        long batch = request.globalBatch();
        int blocks = model.blocks();
        int perNode = request.cluster().gpusPerNodeGcd();
        for (String name : s.schedules()) {
            PipelineSchedulers.get(name);
        }
        List<ParallelConfig> out = new ArrayList<>();
        for (int tp : divisors(perNode)) {
            if (!allowed(s.tensorParallel(), tp) || gpus % tp != 0) {
                continue;
            }
            if (tp > 1 && model.tensorParallelDivisor() % tp != 0) {
                continue;
            }
            for (int pp : divisors(gpus / tp)) {
                if (pp > blocks || !allowed(s.pipelineParallel(), pp)) {
                    continue;
                }
                int dp = gpus / tp / pp;
                if (batch % dp != 0) {
                    continue;
                }
                List<Integer> eps = new ArrayList<>();
                if (!model.isMoe()) {
                    eps.add(1);
                } else {
                    for (int ep : divisors(dp)) {
                        if (model.experts() % ep == 0 && allowed(s.expertParallel(), ep)) {
                            eps.add(ep);
                        }
                    }
                }
                long perReplica = batch / dp;
                for (int ep : eps) {
                    for (int mb : microBatches(s, perReplica)) {
                        int m = (int) (perReplica / mb);
                        for (String[] sv : schedules(s, pp, m, blocks)) {
                            String sched = sv[0];
                            int v = Integer.parseInt(sv[1]);
                            for (Recompute r : Recompute.values()) {
                                if (!s.recompute().contains(r)) {
                                    continue;
                                }
                                for (boolean sp : new boolean[] {false, true}) {
                                    if (sp && tp == 1 || !sp && tp > 1 && !s.sequenceParallel().contains(false)
                                            || sp && !s.sequenceParallel().contains(true)) {
                                        continue;
                                    }
                                    for (int z = 0; z <= 3; z++) {
                                        if (!s.zeroStages().contains(z) || z >= 2 && pp > 1) {
                                            continue;
                                        }
                                        for (GradientCompression c : s.compressions()) {
                                            if (!c.isNone() && (z > 0 || dp == 1)) {
                                                continue;
                                            }
                                            ParallelConfig pc = new ParallelConfig(tp, pp, dp, ep, mb, sched, v, r,
                                                    z, sp, c, s.overlapGradReduce(), null);
                                            if (s.target().runs(model, pc)) {
                                                out.add(pc);
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static boolean allowed(List<Integer> list, int x) {
        return list.isEmpty() || list.contains(x);
    }

    private static List<Integer> microBatches(SearchSpace s, long perReplica) {
        List<Integer> out = new ArrayList<>();
        if (!s.microBatches().isEmpty()) {
            for (int mb : s.microBatches()) {
                if (perReplica % mb == 0) {
                    out.add(mb);
                }
            }
            return out;
        }
        for (int mb = 1; mb <= Math.min(s.maxMicroBatch(), perReplica); mb++) {
            if (perReplica % mb == 0) {
                out.add(mb);
            }
        }
        return out;
    }

    private static List<String[]> schedules(SearchSpace s, int pp, int m, int blocks) {
        List<String[]> out = new ArrayList<>();
        if (pp == 1) {
            out.add(new String[] {ParallelConfig.NO_PIPELINE, "1"});
            return out;
        }
        if (m > Op.MAX_MICROBATCH + 1) {
            return out;
        }
        boolean evenOk = blocks % pp == 0;
        for (String name : s.schedules()) {
            switch (name) {
                case "interleaved" -> {
                    if (m % pp != 0) {
                        break;
                    }
                    for (int v = 2; v <= Math.min(s.maxChunks(), Op.MAX_CHUNK + 1); v++) {
                        if (blocks % (pp * v) == 0) {
                            out.add(new String[] {name, Integer.toString(v)});
                        }
                    }
                }
                case "zb-v", "v-half", "v-min" -> {
                    if (blocks % (2 * pp) == 0) {
                        out.add(new String[] {name, "2"});
                    }
                }
                case "dualpipev" -> {
                    if (blocks % (2 * pp) == 0 && m >= 2 * pp) {
                        out.add(new String[] {name, "2"});
                    }
                }
                case "adaptive" -> {
                    if ((long) pp * m <= s.adaptiveOpsLimit() && (evenOk || s.unevenSplits())) {
                        out.add(new String[] {name, "1"});
                    }
                }
                default -> {
                    if (evenOk || s.unevenSplits()) {
                        out.add(new String[] {name, "1"});
                    }
                }
            }
        }
        return out;
    }

    /**
     * @param n a positive integer
     * @return its divisors in increasing order
     */
    static List<Integer> divisors(int n) {
        List<Integer> small = new ArrayList<>();
        List<Integer> large = new ArrayList<>();
        for (int i = 1; (long) i * i <= n; i++) {
            if (n % i == 0) {
                small.add(i);
                if (i != n / i) {
                    large.add(0, n / i);
                }
            }
        }
        small.addAll(large);
        return small;
    }
}
