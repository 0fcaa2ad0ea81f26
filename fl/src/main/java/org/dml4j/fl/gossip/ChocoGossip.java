package org.dml4j.fl.gossip;

import java.util.Objects;
import java.util.SplittableRandom;
import org.dml4j.compress.CompressedUpdate;
import org.dml4j.compress.CompressorState;
import org.dml4j.compress.ErrorFeedback;
import org.dml4j.compress.GradientCompressor;
import org.dml4j.compress.UpdateLayout;
import org.dml4j.core.SeedTree;

/**
 * Compressed gossip with CHOCO's error feedback (A. Koloskova, S. U. Stich, M. Jaggi, "Decentralized Stochastic
 * Optimization and Gossip Algorithms with Compressed Communication", ICML 2019, Algorithms 1 and 2): every peer i has
 * a public copy {@code x̂_i} of its model, known to itself and its neighbours. One gossip step, after the local
 * update:
 * <pre>
 *   q_i  = Q(x_i − x̂_i)                           (compressed; q_i is what goes on the wire to each neighbour)
 *   x̂_j += q_j            for j = i and every neighbour j
 *   x_i  += γ · Σ_j W_ij (x̂_j − x̂_i)
 * </pre>
 * What a message leaves out stays in {@code x_i − x̂_i} and is sent later, so the public copies are the error
 * feedback; the compressor must therefore have none of its own. With the identity and {@code γ = 1} a step is
 * D-PSGD's mixing {@code x_i ← Σ_j W_ij x_j}. Since W is symmetric, a step keeps the peers' average, and the consensus
 * error goes to zero for any compressor with {@code E||Q(v) − v||² ≤ (1 − ω)||v||²} when γ is small enough
 * (the paper's Theorem 2).
 *
 * <p>Every neighbour of j applies the same {@code q_j} to its copy of {@code x̂_j}, so one array per peer holds all of
 * them. Sums run in neighbour order, in double. Not thread-safe.
 */
public final class ChocoGossip {
    private final MixingMatrix w;
    private final double gamma;
    private final CompressorState[] states;
    private final float[][] hat;
    private final long[] wireBytes;
    private final long[] values;

    /**
     * @param w          the mixing matrix
     * @param gamma      the consensus step γ, in (0, 1]
     * @param compressor Q, without error feedback of its own
     * @param layout     the model's layout
     * @param initial    the common initial model (every public copy starts there)
     * @param seeds      compressor states draw from {@code choco/<peer>}
     * @throws IllegalArgumentException for γ out of range or a compressor with its own error feedback
     */
    public ChocoGossip(MixingMatrix w, double gamma, GradientCompressor compressor, UpdateLayout layout,
                       float[] initial, SeedTree seeds) {
        this.w = Objects.requireNonNull(w, "w");
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("consensus-step (gamma) must be in (0, 1], got " + gamma);
        }
        if (compressor instanceof ErrorFeedback) {
            throw new IllegalArgumentException("CHOCO gossip keeps its own error feedback (the public copies):"
                    + " [compressor] error-feedback must be false, got true for '" + compressor.name() + "'");
        }
        this.gamma = gamma;
        int n = w.size();
        states = new CompressorState[n];
        hat = new float[n][];
        for (int i = 0; i < n; i++) {
            SplittableRandom rng = seeds.child("choco").child(i).random();
            states[i] = compressor.newState(layout, rng);
            hat[i] = initial.clone();
        }
        wireBytes = new long[n];
        values = new long[n];
    }

    /**
     * One gossip step over all peers.
     *
     * @param x     each peer's model after its local update, updated in place
     * @param round the round (compressor schedules follow it)
     */
    public void step(float[][] x, int round) {
        int n = x.length;
        if (n != hat.length) {
            throw new IllegalArgumentException("x has " + n + " peers, the matrix " + hat.length);
        }
        int dim = hat[0].length;
        float[] diff = new float[dim];
        for (int i = 0; i < n; i++) {
            for (int e = 0; e < dim; e++) {
                diff[e] = x[i][e] - hat[i][e];
            }
            states[i].beginRound(round);
            CompressedUpdate q = states[i].compress(diff);
            wireBytes[i] = q.wireBytes();
            values[i] = q.elements();
            q.addTo(hat[i], 1f);
        }
        double[] acc = new double[dim];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(acc, 0);
            for (int j : w.support(i)) {
                if (j == i) {
                    continue;
                }
                double wij = w.weight(i, j);
                for (int e = 0; e < dim; e++) {
                    acc[e] += wij * ((double) hat[j][e] - hat[i][e]);
                }
            }
            for (int e = 0; e < dim; e++) {
                x[i][e] = (float) (x[i][e] + gamma * acc[e]);
            }
        }
    }

    /**
     * @param peer a peer
     * @return the wire bytes of its last message (sent to each neighbour)
     */
    public long wireBytes(int peer) {
        return wireBytes[peer];
    }

    /**
     * @param peer a peer
     * @return the values in its last message
     */
    public long values(int peer) {
        return values[peer];
    }
}
