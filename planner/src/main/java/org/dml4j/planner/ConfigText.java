package org.dml4j.planner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one fixed plan written as {@code key=value} pairs separated by commas, as {@code dml4j plan --evaluate}
 * takes it: {@code "tp=8,pp=64,dp=6,mb=1,schedule=interleaved,v=2,recompute=full,zero=1,sp=true"}.
 *
 * <p>Keys: {@code tp}, {@code pp}, {@code dp} (default: the cluster's GPUs / (tp x pp)), {@code ep} (1),
 * {@code mb} (1), {@code schedule} ("none" when pp = 1, else "1f1b"), {@code v} (1), {@code recompute} (none,
 * selective, full; default none), {@code zero} (0-3, default 0), {@code sp} (true/false, default false),
 * {@code overlap} (true/false, default false), {@code compression} (none, topk, qsgd; default none) and
 * {@code layout}: blocks per pipeline stage separated by {@code /}, with {@code NxK} for K stages of N blocks, e.g.
 * {@code layout=7/8x14/7} (Llama 3 405B's 126 layers on 16 stages). Without {@code layout} the cost model splits
 * the blocks.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigText {
    /** The keys accepted, in the order they are documented. */
    public static final List<String> KEYS = List.of("tp", "pp", "dp", "ep", "mb", "schedule", "v", "recompute", "zero",
            "sp", "overlap", "compression", "layout");

    private ConfigText() {
    }

    /**
     * @param text the plan as {@code key=value,...}
     * @param gpus the cluster's GPUs (sets {@code dp} when it is not given)
     * @return the configuration
     * @throws IllegalArgumentException naming the key and value that are wrong
     */
    public static ParallelConfig parse(String text, int gpus) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("--evaluate: empty plan; expected key=value pairs such as "
                    + "\"tp=8,pp=4,mb=1,schedule=1f1b\" (keys: " + String.join(", ", KEYS) + ")");
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new IllegalArgumentException("--evaluate: '" + p + "' is not key=value");
            }
            String key = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = p.substring(eq + 1).trim();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("--evaluate: unknown key '" + key + "' (value '" + value
                        + "'); known: " + String.join(", ", KEYS));
            }
            if (kv.put(key, value) != null) {
                throw new IllegalArgumentException("--evaluate: key '" + key + "' given twice");
            }
        }
        int tp = integer(kv, "tp", 1);
        int pp = integer(kv, "pp", 1);
        int dp;
        if (kv.containsKey("dp")) {
            dp = integer(kv, "dp", 1);
        } else {
            if (gpus % (tp * pp) != 0) {
                throw new IllegalArgumentException("--evaluate: tp x pp = " + tp * pp + " does not divide the "
                        + "cluster's " + gpus + " GPUs; give dp explicitly or change tp/pp");
            }
            dp = gpus / (tp * pp);
        }
        int ep = integer(kv, "ep", 1);
        int mb = integer(kv, "mb", 1);
        int v = integer(kv, "v", 1);
        String schedule = kv.getOrDefault("schedule", pp == 1 ? ParallelConfig.NO_PIPELINE : "1f1b")
                .toLowerCase(Locale.ROOT);
        Recompute recompute = kv.containsKey("recompute") ? Recompute.parse(kv.get("recompute")) : Recompute.NONE;
        int zero = integer(kv, "zero", 0);
        boolean sp = bool(kv, "sp");
        boolean overlap = bool(kv, "overlap");
        GradientCompression comp = kv.containsKey("compression") ? GradientCompression.get(kv.get("compression"))
                : GradientCompression.NONE;
        int[] layout = kv.containsKey("layout") ? layout(kv.get("layout")) : null;
        if (layout != null && layout.length != pp) {
            throw new IllegalArgumentException("--evaluate: layout '" + kv.get("layout") + "' has " + layout.length
                    + " stages but pp = " + pp);
        }
        return new ParallelConfig(tp, pp, dp, ep, mb, schedule, v, recompute, zero, sp, comp, overlap, layout);
    }

    /**
     * Writes a configuration in the form {@link #parse} reads.
     *
     * @param c a configuration
     * @return its text
     */
    public static String format(ParallelConfig c) {
        StringBuilder sb = new StringBuilder();
        sb.append("tp=").append(c.tp()).append(",pp=").append(c.pp()).append(",dp=").append(c.dp());
        sb.append(",ep=").append(c.ep()).append(",mb=").append(c.microBatch()).append(",schedule=")
                .append(c.schedule()).append(",v=").append(c.chunks()).append(",recompute=")
                .append(c.recompute().key()).append(",zero=").append(c.zeroStage()).append(",sp=")
                .append(c.sequenceParallel()).append(",overlap=").append(c.overlapGradReduce());
        if (!c.compression().isNone()) {
            sb.append(",compression=").append(c.compression().name());
        }
        int[] s = c.layerSplit();
        if (s != null) {
            sb.append(",layout=");
            int i = 0;
            while (i < s.length) {
                int j = i;
                while (j < s.length && s[j] == s[i]) {
                    j++;
                }
                sb.append(i == 0 ? "" : "/").append(s[i]);
                if (j - i > 1) {
                    sb.append('x').append(j - i);
                }
                i = j;
            }
        }
        return sb.toString();
    }

    /**
     * @param text blocks per stage, {@code /}-separated, {@code NxK} for K stages of N blocks
     * @return the blocks per stage
     */
    static int[] layout(String text) {
        List<Integer> out = new ArrayList<>();
        for (String part : text.split("/")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            int x = p.indexOf('x');
            int n;
            int times = 1;
            try {
                if (x > 0) {
                    n = Integer.parseInt(p.substring(0, x).trim());
                    times = Integer.parseInt(p.substring(x + 1).trim());
                } else {
                    n = Integer.parseInt(p);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--evaluate: layout entry '" + part + "' is not a block count "
                        + "(N) or N blocks on K stages (NxK), in layout '" + text + "'");
            }
            if (n < 1 || times < 1) {
                throw new IllegalArgumentException("--evaluate: layout entry '" + part + "' must have N >= 1 and "
                        + "K >= 1, in layout '" + text + "'");
            }
            for (int i = 0; i < times; i++) {
                out.add(n);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int integer(Map<String, String> kv, String key, int def) {
        String v = kv.get(key);
        if (v == null) {
            return def;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--evaluate: " + key + " must be an integer, got '" + v + "'");
        }
    }

    private static boolean bool(Map<String, String> kv, String key) {
        String v = kv.get(key);
        if (v == null) {
            return false;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new IllegalArgumentException("--evaluate: " + key + " must be true or false, got '" + v
                    + "'");
        };
    }
}
