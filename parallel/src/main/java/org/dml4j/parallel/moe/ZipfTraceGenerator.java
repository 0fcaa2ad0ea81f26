package org.dml4j.parallel.moe;

import java.util.SplittableRandom;
import org.dml4j.core.SeedTree;

/**
 * Synthetic routing traces with Zipf-skewed expert popularity: in each window, the expert of popularity rank
 * {@code r} (0-based) gets a share proportional to {@code 1 / (r + 1)^s} of the tokens, plus Poisson-like noise. The
 * ranking is a random permutation of the experts (so hot experts are not simply the low ids) and drifts between
 * windows: {@code drift * E} random pairs of experts swap ranks. With sources, each expert's tokens are spread over
 * the source GPUs at random.
 *
 * <pre>
 * Zipf, "Human Behavior and the Principle of Least Effort", 1949; skewed expert load in MoE training:
 * Lepikhin et al., "GShard", ICLR 2021; Fedus et al., "Switch Transformers", JMLR 2022.
 * </pre>
 *
 * <p>Stateless and thread-safe; randomness comes from {@link SeedTree} (same config, same trace).
 */
public final class ZipfTraceGenerator {
    private ZipfTraceGenerator() {
    }

    /**
     * @param config the settings
     * @return the trace
     */
    public static RoutingTrace generate(ZipfTraceConfig config) {
        int e = config.experts();
        SeedTree root = SeedTree.root(config.seed()).child("zipf-trace");
        SplittableRandom perm = root.child("permutation").random();
        int[] rankToExpert = new int[e];
        for (int i = 0; i < e; i++) {
            rankToExpert[i] = i;
        }
        for (int i = e - 1; i > 0; i--) {
            int j = perm.nextInt(i + 1);
            int t = rankToExpert[i];
            rankToExpert[i] = rankToExpert[j];
            rankToExpert[j] = t;
        }
        double[] weight = new double[e];
        double sum = 0;
        for (int r = 0; r < e; r++) {
            weight[r] = Math.pow(r + 1, -config.exponent());
            sum += weight[r];
        }
        int s = Math.max(1, config.sources());
        long[][][] tokens = new long[config.windows()][e][s];
        int swaps = (int) Math.round(config.drift() * e);
        for (int w = 0; w < config.windows(); w++) {
            SplittableRandom rnd = root.child("window").child(w).random();
            if (w > 0) {
                for (int k = 0; k < swaps; k++) {
                    int a = rnd.nextInt(e);
                    int b = rnd.nextInt(e);
                    int t = rankToExpert[a];
                    rankToExpert[a] = rankToExpert[b];
                    rankToExpert[b] = t;
                }
            }
            for (int r = 0; r < e; r++) {
                double mean = config.tokensPerWindow() * weight[r] / sum;
                long count = Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(rnd)));
                int x = rankToExpert[r];
                if (config.sources() == 0) {
                    tokens[w][x][0] = count;
                } else {
                    long base = count / s;
                    long rest = count % s;
                    for (int g = 0; g < s; g++) {
                        tokens[w][x][g] = base;
                    }
                    for (long k = 0; k < rest; k++) {
                        tokens[w][x][rnd.nextInt(s)]++;
                    }
                }
            }
        }
        if (config.sources() == 0) {
            long[][] flat = new long[config.windows()][e];
            for (int w = 0; w < flat.length; w++) {
                for (int x = 0; x < e; x++) {
                    flat[w][x] = tokens[w][x][0];
                }
            }
            return RoutingTrace.of(flat);
        }
        return RoutingTrace.ofSources(tokens);
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller; deterministic given the generator
        double u = 1.0 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
