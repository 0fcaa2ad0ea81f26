package org.dml4j.model.djl;

import java.util.SplittableRandom;
import org.dml4j.core.SeedTree;
import org.dml4j.data.Dataset;
import org.dml4j.model.Model;
import org.dml4j.model.ModelConfig;
import org.dml4j.model.ModelProvider;
import org.dml4j.model.TrainSpec;

/** Manual speed probe: {@code java ... SpeedProbe mlp|cnn steps threads}. Not a test. */
public final class SpeedProbe {
    private SpeedProbe() {
    }

    /** @param args model, steps, threads */
    public static void main(String[] args) throws Exception {
        String type = args.length > 0 ? args[0] : "mlp";
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 64;
        float mom = args.length > 4 ? Float.parseFloat(args[4]) : 0.9f;
        float wd = args.length > 5 ? Float.parseFloat(args[5]) : 1e-4f;
        int n = 2048;
        SplittableRandom r = new SplittableRandom(1);
        float[] f = new float[n * 784];
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = r.nextInt(10);
            for (int j = 0; j < 784; j++) {
                f[i * 784 + j] = (float) r.nextDouble();
            }
        }
        Dataset d = new Dataset("rand", f, l, new int[] {1, 28, 28}, 10);
        ModelProvider p = type.equals("mlp") ? new MlpProvider() : type.equals("lenet5") ? new LeNet5Provider()
                : new CnnProvider();
        ModelConfig c = type.equals("mlp") ? MlpConfig.defaults() : type.equals("lenet5") ? LeNet5Config.defaults()
                : CnnConfig.defaults();
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int tt = t;
            ts[t] = new Thread(() -> {
                try (Model m = p.create(c, new int[] {1, 28, 28}, 10, SeedTree.root(tt))) {
                    TrainSpec spec = new TrainSpec(steps / 10, 64, 0.01f, 0.9f, 1e-4f, 0f, null);
                    m.train(d, spec, new SplittableRandom(2));
                    for (int rep = 0; rep < 3; rep++) {
                        long t0 = System.nanoTime();
                        m.train(d, new TrainSpec(steps, batch, 0.01f, mom, wd, 0f, null), new SplittableRandom(3));
                        long t1 = System.nanoTime();
                        System.out.printf("thread %d %s: %.3f ms/step%n", tt, type, (t1 - t0) / 1e6 / steps);
                    }
                    long t0 = System.nanoTime();
                    var e = m.evaluate(d);
                    System.out.printf("eval %d samples %.1f ms %s%n", n, (System.nanoTime() - t0) / 1e6, e);
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        System.out.println(TorchRuntime.describe());
    }
}
