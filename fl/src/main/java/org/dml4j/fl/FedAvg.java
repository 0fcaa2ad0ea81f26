package org.dml4j.fl;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Federated Averaging, and FedProx when {@code mu > 0}.
 *
 * <pre>
 * H. B. McMahan, E. Moore, D. Ramage, S. Hampson, B. Agüera y Arcas.
 * Communication-Efficient Learning of Deep Networks from Decentralized Data. AISTATS 2017.
 *
 * T. Li, A. K. Sahu, M. Zaheer, M. Sanjabi, A. Talwalkar, V. Smith.
 * Federated Optimization in Heterogeneous Networks. MLSys 2020.   (FedProx)
 * </pre>
 *
 * <p>Each round samples {@code max(minClients, round(fraction · n))} clients uniformly without replacement; each trains
 * {@link LocalTraining#stepsFor} steps at the scheduled learning rate (with the proximal term {@code (mu/2)||w − w_t||²}
 * for FedProx) and returns its delta {@code Δ_i = w_i − w_t}. The new model is
 * {@code w_{t+1} = w_t + η_s · Σ_i (n_i / Σ_j n_j) Δ_i} over the successful replies, summed in client-id order.
 *
 * <p>One instance per experiment; deterministic given the generator.
 */
public final class FedAvg implements Strategy {
    private static final System.Logger LOG = System.getLogger(FedAvg.class.getName());
    private final String name;
    private final double fraction;
    private final int minClients;
    private final float serverLearningRate;
    private final float mu;

    /**
     * @param name               type name reported in metrics
     * @param fraction           fraction of clients sampled per round, in (0, 1]
     * @param minClients         lower bound on clients per round, at least 1
     * @param serverLearningRate server step η_s applied to the averaged delta, positive
     * @param mu                 FedProx proximal coefficient, 0 for FedAvg
     */
    public FedAvg(String name, double fraction, int minClients, float serverLearningRate, float mu) {
        validate(fraction, minClients, serverLearningRate, mu);
        this.name = name;
        this.fraction = fraction;
        this.minClients = minClients;
        this.serverLearningRate = serverLearningRate;
        this.mu = mu;
    }

    private static void validate(double fraction, int minClients, float serverLearningRate, float mu) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
        }
        if (minClients < 1) {
            throw new IllegalArgumentException("min-clients must be >= 1, got " + minClients);
        }
        if (!(serverLearningRate > 0) || !Float.isFinite(serverLearningRate)) {
            throw new IllegalArgumentException("server-learning-rate must be positive, got " + serverLearningRate);
        }
        if (!(mu >= 0) || !Float.isFinite(mu)) {
            throw new IllegalArgumentException("mu must be >= 0, got " + mu);
        }
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * @param n pool size
     * @return clients sampled per round
     */
    public int clientsPerRound(int n) {
        return Math.min(n, Math.max(minClients, (int) Math.round(fraction * n)));
    }

    @Override
    public RoundPlan configureRound(int round, ClientPool pool, LocalTraining training, SplittableRandom rng) {
        int n = pool.size();
        int k = clientsPerRound(n);
        int[] ids = sampleWithoutReplacement(n, k, rng);
        float lr = (float) training.schedule().rate(round - 1); // schedules count rounds from 0
        List<ClientInstruction> out = new ArrayList<>(k);
        for (int id : ids) {
            out.add(new ClientInstruction(id, training.stepsFor(pool.client(id).numSamples()), lr, mu));
        }
        return new RoundPlan(round, out);
    }

    /** Partial Fisher–Yates: k distinct ids in [0, n), returned sorted. */
    static int[] sampleWithoutReplacement(int n, int k, SplittableRandom rng) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] ids = Arrays.copyOf(perm, k);
        Arrays.sort(ids);
        return ids;
    }

    @Override
    public float[] aggregate(int round, float[] global, List<ClientReply> replies) {
        float[] next = global.clone();
        long total = 0;
        int failed = 0;
        for (ClientReply r : replies) {
            if (r instanceof ClientReply.Ok ok) {
                total += ok.numSamples();
            } else {
                failed++;
            }
        }
        if (failed > 0) {
            LOG.log(Level.WARNING, "round " + round + ": " + failed + " of " + replies.size()
                    + " clients failed and were left out of the average");
        }
        if (total == 0) {
            return next;
        }
        for (ClientReply r : replies) {
            if (r instanceof ClientReply.Ok ok) {
                ok.update().addTo(next, (float) (serverLearningRate * ok.numSamples() / (double) total));
            }
        }
        return next;
    }

    /**
     * FedAvg settings.
     *
     * @param fraction           fraction of clients per round, in (0, 1]
     * @param minClients         at least this many clients per round
     * @param serverLearningRate server step applied to the averaged delta
     */
    public record FedAvgConfig(double fraction, int minClients, float serverLearningRate) implements StrategyConfig {
        /** Validates the fields. */
        public FedAvgConfig {
            validate(fraction, minClients, serverLearningRate, 0f);
        }

        /** @return fraction 0.1, at least 1 client, server learning rate 1 */
        public static FedAvgConfig defaults() {
            return new FedAvgConfig(0.1, 1, 1f);
        }
    }

    /**
     * FedProx settings.
     *
     * @param fraction           fraction of clients per round, in (0, 1]
     * @param minClients         at least this many clients per round
     * @param serverLearningRate server step applied to the averaged delta
     * @param mu                 proximal coefficient, at least 0
     */
    public record FedProxConfig(double fraction, int minClients, float serverLearningRate, float mu)
            implements StrategyConfig {
        /** Validates the fields. */
        public FedProxConfig {
            validate(fraction, minClients, serverLearningRate, mu);
        }

        /** @return fraction 0.1, at least 1 client, server learning rate 1, mu 0.01 */
        public static FedProxConfig defaults() {
            return new FedProxConfig(0.1, 1, 1f, 0.01f);
        }
    }

    /** Provider of {@code type = "fedavg"}. */
    public static final class FedAvgProvider implements StrategyProvider {
        @Override
        public String name() {
            return "fedavg";
        }

        @Override
        public Class<? extends StrategyConfig> configType() {
            return FedAvgConfig.class;
        }

        @Override
        public Strategy create(StrategyConfig config) {
            FedAvgConfig c = (FedAvgConfig) config;
            return new FedAvg(name(), c.fraction(), c.minClients(), c.serverLearningRate(), 0f);
        }
    }

    /** Provider of {@code type = "fedprox"}. */
    public static final class FedProxProvider implements StrategyProvider {
        @Override
        public String name() {
            return "fedprox";
        }

        @Override
        public Class<? extends StrategyConfig> configType() {
            return FedProxConfig.class;
        }

        @Override
        public Strategy create(StrategyConfig config) {
            FedProxConfig c = (FedProxConfig) config;
            return new FedAvg(name(), c.fraction(), c.minClients(), c.serverLearningRate(), c.mu());
        }
    }
}
