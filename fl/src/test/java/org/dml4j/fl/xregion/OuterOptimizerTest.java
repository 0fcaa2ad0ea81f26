package org.dml4j.fl.xregion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OuterOptimizerTest {
    @Test
    void plainWithRateOneIsTheWorkersAverage() {
        float[] theta = {1, 2};
        new OuterOptimizer("plain", 1, 0, 2).apply(theta, new float[] {0.5f, -1});
        assertArrayEquals(new float[] {1.5f, 1}, theta);
    }

    @Test
    void nesterovMatchesPytorchSgdNesterovOnTheOuterGradient() {
        // PyTorch: b = mu*b + g; p -= lr*(g + mu*b), with g = -delta
        double lr = 0.7;
        double mu = 0.9;
        OuterOptimizer o = new OuterOptimizer("nesterov", lr, mu, 1);
        float[] theta = {0};
        double p = 0;
        double b = 0;
        float[] deltas = {1, 0.5f, -0.25f};
        for (float d : deltas) {
            double g = -d;
            b = mu * b + g;
            p -= lr * (g + mu * b);
            o.apply(theta, new float[] {d});
            assertEquals(p, theta[0], 1e-6);
        }
        OuterOptimizer hb = new OuterOptimizer("momentum", 1, 0.5, 1);
        float[] x = {0};
        hb.apply(x, new float[] {1});
        hb.apply(x, new float[] {1});
        assertEquals(1 + 1.5, x[0], 1e-6, "heavy ball: v = 1, then 1.5");
    }

    @Test
    void badSettingsNameTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new OuterOptimizer("adam", 1, 0, 1));
        assertTrue(e.getMessage().contains("'adam'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new OuterOptimizer("plain", 0, 0, 1));
        assertTrue(e.getMessage().contains("outer-lr") && e.getMessage().contains("0.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new OuterOptimizer("nesterov", 1, 1, 1));
        assertTrue(e.getMessage().contains("outer-momentum"), e.getMessage());
    }
}
