package org.dml4j.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PowerSgdCompressorTest extends GradientCompressorContract {
    @Override
    protected String type() {
        return "powersgd";
    }

    @Override
    protected Map<String, Object> options() {
        return Map.of("rank", 2, "shapes", List.of(List.of(20, 30), List.of(30), List.of(7, 5, 3, 3), List.of(92)));
    }

    @Test
    void recoversARankOneMatrixExactly() {
        // Prepare: M = a b^T, 40 x 60
        float[] m = new float[40 * 60];
        for (int i = 0; i < 40; i++) {
            for (int j = 0; j < 60; j++) {
                m[i * 60 + j] = (float) ((i - 20) * 0.1 * Math.cos(j));
            }
        }
        CompressorState s = new PowerSgdCompressor(new PowerSgdConfig(1, true, null, false, null, false))
                .newState(new UpdateLayout(new int[][] {{40, 60}}), new SplittableRandom(3));
        // Execute
        CompressedUpdate u = s.compress(m);
        float[] d = u.toDense();
        // Assert
        assertEquals(100, u.elements());
        for (int i = 0; i < m.length; i++) {
            assertEquals(m[i], d[i], 1e-4f, "element " + i);
        }
    }

    @Test
    void warmStartConvergesToTheBestRankTwoApproximation() {
        // A fixed matrix compressed repeatedly: subspace iteration converges, so the error stops shrinking at the
        // rank-2 tail, and it is far below the matrix norm.
        float[] m = Unbiased.vector(30 * 40, 8);
        for (int i = 0; i < 30; i++) {
            for (int j = 0; j < 40; j++) {
                m[i * 40 + j] = 0.05f * m[i * 40 + j] + (float) (3 * Math.sin(i) * Math.cos(j) + Math.cos(2 * i + j));
            }
        }
        CompressorState s = new PowerSgdCompressor(new PowerSgdConfig(2, true, null, false, null, false))
                .newState(new UpdateLayout(new int[][] {{30, 40}}), new SplittableRandom(3));
        double err = 0;
        for (int round = 0; round < 8; round++) {
            float[] d = s.compress(m).toDense();
            err = 0;
            for (int i = 0; i < m.length; i++) {
                err += (m[i] - d[i]) * (m[i] - d[i]);
            }
        }
        assertTrue(Math.sqrt(err) < 0.1 * Unbiased.norm(m), "error " + Math.sqrt(err));
    }

    /**
     * Vogels et al.'s Algorithm 1 over 3 workers, in double: {@code P = mean_w M_w Q}, {@code P̂ = orth(P)} (Gram-Schmidt),
     * {@code Q̄ = mean_w M_wᵀ P̂}, result {@code P̂ Q̄ᵀ}, and Q̄ is the next round's Q; against the mean of the decoded
     * updates of states with {@code shared-q} driven by {@link FactorSharing}, for two rounds (the second from the
     * shared warm start).
     */
    @Test
    void sharedQIsThePapersAllReduce() {
        int rows = 12;
        int cols = 9;
        int rank = 2;
        int workers = 3;
        int dim = rows * cols + 4;
        UpdateLayout layout = new UpdateLayout(new int[][] {{rows, cols}, {4}});
        PowerSgdCompressor c = new PowerSgdCompressor(new PowerSgdConfig(rank, true, null, false, null, true));
        FactorSharing[] w = new FactorSharing[workers];
        for (int m = 0; m < workers; m++) {
            w[m] = (FactorSharing) c.newState(layout, new SplittableRandom(100 + m));
        }
        assertArrayEquals(w[0].q(), w[1].q(), "every worker starts from the same Q, whatever its own seed");
        double[] q = toDouble(w[0].q()); // column j of Q: q[j * cols + t]
        for (int round = 0; round < 2; round++) {
            float[][] upd = new float[workers][];
            for (int m = 0; m < workers; m++) {
                upd[m] = Unbiased.vector(dim, 10 * round + m);
            }
            // the paper, in double
            double[] pHat = new double[rank * rows];
            for (float[] mw : upd) {
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < rank; j++) {
                        for (int t = 0; t < cols; t++) {
                            pHat[j * rows + i] += mw[i * cols + t] * q[j * cols + t] / workers;
                        }
                    }
                }
            }
            for (int j = 0; j < rank; j++) {
                for (int i = 0; i < j; i++) {
                    double dot = 0;
                    for (int t = 0; t < rows; t++) {
                        dot += pHat[j * rows + t] * pHat[i * rows + t];
                    }
                    for (int t = 0; t < rows; t++) {
                        pHat[j * rows + t] -= dot * pHat[i * rows + t];
                    }
                }
                double norm = 0;
                for (int t = 0; t < rows; t++) {
                    norm += pHat[j * rows + t] * pHat[j * rows + t];
                }
                for (int t = 0; t < rows; t++) {
                    pHat[j * rows + t] /= Math.sqrt(norm);
                }
            }
            double[] qBar = new double[rank * cols];
            for (float[] mw : upd) {
                for (int j = 0; j < rank; j++) {
                    for (int t = 0; t < cols; t++) {
                        for (int i = 0; i < rows; i++) {
                            qBar[j * cols + t] += mw[i * cols + t] * pHat[j * rows + i] / workers;
                        }
                    }
                }
            }
            double[] expected = new double[dim];
            for (int i = 0; i < rows; i++) {
                for (int t = 0; t < cols; t++) {
                    for (int j = 0; j < rank; j++) {
                        expected[i * cols + t] += pHat[j * rows + i] * qBar[j * cols + t];
                    }
                }
            }
            for (float[] mw : upd) {
                for (int i = rows * cols; i < dim; i++) {
                    expected[i] += mw[i] / workers; // the vector layer travels raw
                }
            }
            // the states: all-reduce P, compress, all-reduce Q
            float[] meanP = new float[rank * rows];
            for (int m = 0; m < workers; m++) {
                float[] lp = w[m].localP(upd[m]);
                for (int i = 0; i < lp.length; i++) {
                    meanP[i] += lp[i] / workers;
                }
            }
            float[] mean = new float[dim];
            float[] meanQ = new float[rank * cols];
            for (int m = 0; m < workers; m++) {
                w[m].setSharedP(meanP);
                LowRankUpdate u = (LowRankUpdate) ((CompressorState) w[m]).compress(upd[m]);
                u.addTo(mean, 1f / workers);
                float[] qw = ((LowRankUpdate.Factored) u.block(0)).q();
                for (int i = 0; i < qw.length; i++) {
                    meanQ[i] += qw[i] / workers;
                }
            }
            for (int i = 0; i < dim; i++) {
                assertEquals(expected[i], mean[i], 1e-4, "round " + round + ", element " + i);
            }
            for (FactorSharing f : w) {
                f.setSharedQ(meanQ);
            }
            for (int i = 0; i < qBar.length; i++) {
                assertEquals(qBar[i], meanQ[i], 1e-4, "round " + round + ", Q̄ entry " + i);
            }
            q = toDouble(w[2].q());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w[0].setSharedP(new float[3]));
        assertTrue(e.getMessage().contains("meanP") && e.getMessage().contains("24"), e.getMessage());
    }

    @Test
    void errorFeedbackForwardsFactorSharingForResidualPlusUpdate() {
        UpdateLayout layout = new UpdateLayout(new int[][] {{10, 8}});
        GradientCompressor ef = Compressors.create(new PowerSgdConfig(1, true, null, true, null, true));
        CompressorState s = ef.newState(layout, new SplittableRandom(1));
        CompressorState plain = new PowerSgdCompressor(new PowerSgdConfig(1, true, null, false, null, true))
                .newState(layout, new SplittableRandom(2));
        float[] g = Unbiased.vector(80, 5);
        float[] first = s.compress(g).toDense(); // leaves a residual
        float[] acc = g.clone();
        for (int i = 0; i < acc.length; i++) {
            acc[i] += g[i] - first[i]; // residual + next update
        }
        plain.compress(g); // the same Q afterwards: shared seeds, same first input
        assertArrayEquals(((FactorSharing) plain).localP(acc), ((FactorSharing) s).localP(g), 1e-5f);
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    @Test
    void vectorLayersAndSmallMatricesTravelRaw() {
        LowRankUpdate u = (LowRankUpdate) new PowerSgdCompressor(new PowerSgdConfig(2, true, null, false, null, false))
                .newState(new UpdateLayout(new int[][] {{5}, {3, 3}, {10, 10}}), new SplittableRandom(1))
                .compress(Unbiased.vector(5 + 9 + 100, 1));
        assertTrue(u.block(0) instanceof LowRankUpdate.Raw);
        assertTrue(u.block(1) instanceof LowRankUpdate.Raw);
        assertTrue(u.block(2) instanceof LowRankUpdate.Factored);
        assertEquals(5 + 9 + 2 * 20, u.elements());
    }

    @Test
    void needsShapes() {
        assertThrows(IllegalArgumentException.class,
                () -> new PowerSgdCompressor(PowerSgdConfig.of(2)).newState(100, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> Compressors.create("powersgd", Map.of("rank", 0)));
        assertThrows(IllegalArgumentException.class, () -> Compressors.create("powersgd",
                Map.of("rank", 1, "shapes", List.of(List.of(3, 0)))));
    }
}
