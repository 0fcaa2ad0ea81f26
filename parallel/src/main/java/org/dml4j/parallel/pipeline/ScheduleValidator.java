package org.dml4j.parallel.pipeline;

import java.util.Objects;
import org.dml4j.core.PlanInfeasibleException;

/**
 * Checks a {@link Schedule} before it is simulated.
 *
 * <ol>
 *   <li>Structure: every operation names a chunk {@code < v} and a micro-batch {@code < m}; every (virtual stage,
 *       micro-batch) has exactly one F and either one fused BW or one B and one W.</li>
 *   <li>Order on a device: a stage's backward follows its forward; W follows its B.</li>
 *   <li>Dependencies across devices: F of micro-batch j on virtual stage k after F of j on k-1; B after B of
 *       k+1. The devices' orders must not wait on each other in a cycle (found by running them).</li>
 *   <li>Memory: walking each device's order (memory use depends on the order, not the times), static memory plus
 *       live activations must stay within the device's limit.</li>
 * </ol>
 *
 * <pre>
 * Dependency rules: Narayanan et al., SC 2021 (1F1B, interleaving); Qi et al., ICLR 2024 (split B/W).
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class ScheduleValidator {
    private static final double MEMORY_TOLERANCE = 1e-9;

    private ScheduleValidator() {
    }

    /**
     * Runs all checks.
     *
     * @param schedule the schedule
     * @param costs    the stage costs (their stage count must equal the schedule's device count)
     * @throws InvalidScheduleException when structure, order or dependencies are broken
     * @throws PlanInfeasibleException  when a device exceeds its memory limit (naming the device and the excess)
     */
    public static void validate(Schedule schedule, StageCosts costs) {
        validateDependencies(schedule);
        checkCosts(schedule, costs);
        MemoryProfile mem = MemoryProfile.of(schedule, costs);
        for (int d = 0; d < schedule.devices(); d++) {
            double limit = costs.memoryLimit(d);
            double peak = mem.peak(d);
            if (peak > limit * (1 + MEMORY_TOLERANCE)) {
                throw new PlanInfeasibleException("schedule " + schedule.name() + ": stage " + d + " needs "
                        + fmt(peak) + " of memory (static " + fmt(costs.staticMemory(d)) + " + activations of up to "
                        + fmt(mem.peakInFlight(d)) + " micro-batches), above its limit " + fmt(limit) + " by "
                        + fmt(peak - limit));
            }
        }
    }

    /**
     * Checks structure, per-device order and cross-device dependencies; needs no costs.
     *
     * @param schedule the schedule
     * @throws InvalidScheduleException naming the device and operation at fault
     */
    public static void validateDependencies(Schedule schedule) {
        Objects.requireNonNull(schedule, "schedule");
        int p = schedule.devices();
        int v = schedule.chunks();
        int m = schedule.microbatches();
        ChunkLayout layout = schedule.layout();
        int stages = p * v;
        // position of F, B-or-BW, W per (stage, mb); -1 = absent
        int[] posF = filled(stages * m);
        int[] posB = filled(stages * m);
        int[] posW = filled(stages * m);
        boolean[] fused = new boolean[stages * m];
        for (int d = 0; d < p; d++) {
            int[] codes = schedule.codes(d);
            for (int i = 0; i < codes.length; i++) {
                int code = codes[i];
                int c = Op.chunkOf(code);
                int mb = Op.microbatchOf(code);
                if (c >= v) {
                    throw new InvalidScheduleException("schedule " + schedule.name() + ": device " + d
                            + " position " + i + " runs " + Op.decode(code) + " on chunk " + c + ", but v = " + v);
                }
                if (mb >= m) {
                    throw new InvalidScheduleException("schedule " + schedule.name() + ": device " + d
                            + " position " + i + " runs " + Op.decode(code) + " on micro-batch " + mb
                            + ", but m = " + m);
                }
                int key = layout.virtualStage(d, c, p) * m + mb;
                int kind = Op.kindOrdinal(code);
                int[] slot = kind == 0 ? posF : kind == 2 ? posW : posB;
                if (slot[key] >= 0) {
                    throw new InvalidScheduleException("schedule " + schedule.name() + ": device " + d + " runs "
                            + describe(kind, c, mb) + " twice (positions " + slot[key] + " and " + i + ")");
                }
                slot[key] = i;
                if (kind == 1 || kind == 3) {
                    fused[key] = kind == 3;
                }
            }
        }
        for (int k = 0; k < stages; k++) {
            int d = layout.device(k, p);
            int c = layout.chunk(k, p);
            for (int mb = 0; mb < m; mb++) {
                int key = k * m + mb;
                String where = "schedule " + schedule.name() + ": device " + d + " ";
                if (posF[key] < 0) {
                    throw new InvalidScheduleException(where + "never runs " + describe(0, c, mb));
                }
                if (posB[key] < 0) {
                    throw new InvalidScheduleException(where + "never runs a backward (B or BW) for micro-batch "
                            + mb + " chunk " + c);
                }
                if (fused[key] && posW[key] >= 0) {
                    throw new InvalidScheduleException(where + "runs both a fused BW and a W for micro-batch " + mb
                            + " chunk " + c);
                }
                if (!fused[key] && posW[key] < 0) {
                    throw new InvalidScheduleException(where + "never runs " + describe(2, c, mb)
                            + " after its split B");
                }
                if (posB[key] < posF[key]) {
                    throw new InvalidScheduleException(where + "runs the backward of micro-batch " + mb + " chunk "
                            + c + " (position " + posB[key] + ") before its forward (position " + posF[key] + ")");
                }
                if (!fused[key] && posW[key] < posB[key]) {
                    throw new InvalidScheduleException(where + "runs " + describe(2, c, mb) + " (position "
                            + posW[key] + ") before its B (position " + posB[key] + ")");
                }
            }
        }
        Engine engine = new Engine(p, v, m, layout, StageCosts.uniform(p, 1, 1, 1));
        if (!engine.run(schedule, false)) {
            StringBuilder sb = new StringBuilder("schedule " + schedule.name()
                    + ": the devices' orders wait on each other in a cycle:");
            int shown = 0;
            for (int d = 0; d < p && shown < 8; d++) {
                if (engine.blockedAt[d] < schedule.size(d)) {
                    sb.append(" device ").append(d).append(" is stuck at position ").append(engine.blockedAt[d])
                            .append(' ').append(Op.decode(schedule.code(d, engine.blockedAt[d])));
                    if (engine.blockedOn[d] >= 0) {
                        sb.append(" waiting for ").append(engine.describe(engine.blockedOn[d]));
                    }
                    sb.append(';');
                    shown++;
                }
            }
            sb.setLength(sb.length() - 1);
            throw new InvalidScheduleException(sb.toString());
        }
    }

    static void checkCosts(Schedule schedule, StageCosts costs) {
        Objects.requireNonNull(costs, "costs");
        if (costs.stages() != schedule.devices()) {
            throw new IllegalArgumentException("costs describe " + costs.stages() + " stages but schedule "
                    + schedule.name() + " has " + schedule.devices() + " devices");
        }
    }

    private static int[] filled(int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, -1);
        return a;
    }

    private static String describe(int kind, int chunk, int mb) {
        return OpKind.values()[kind].label() + "#" + mb + (chunk == 0 ? "" : " (chunk " + chunk + ")");
    }

    static String fmt(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return Long.toString((long) x);
        }
        String s = String.format(java.util.Locale.ROOT, "%.6g", x);
        return s.contains("e") || !s.contains(".") ? s : s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
