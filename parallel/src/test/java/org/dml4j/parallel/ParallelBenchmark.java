package org.dml4j.parallel;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.dml4j.parallel.moe.ExpertPlacement;
import org.dml4j.parallel.moe.ExpertPlacers;
import org.dml4j.parallel.moe.PlacementProblem;
import org.dml4j.parallel.moe.RoutingTrace;
import org.dml4j.parallel.moe.ZipfTraceConfig;
import org.dml4j.parallel.moe.ZipfTraceGenerator;
import org.dml4j.parallel.partition.DeviceSpecs;
import org.dml4j.parallel.partition.LayerCosts;
import org.dml4j.parallel.partition.Partition;
import org.dml4j.parallel.partition.StagePartitioner;
import org.dml4j.parallel.pipeline.PipelineScheduler;
import org.dml4j.parallel.pipeline.PipelineSchedulers;
import org.dml4j.parallel.pipeline.Schedule;
import org.dml4j.parallel.pipeline.StageCosts;
import org.dml4j.parallel.pipeline.Timeline;
import org.dml4j.parallel.pipeline.TimelineSimulator;

/**
 * A JMH-free timing harness for the {@code parallel} module's two performance goals (not a unit test): simulating
 * {@code p = 64, m = 1024, v = 2} in under a second, and partitioning {@code L = 1000} layers into {@code p = 64}
 * stages in under a second; plus the adaptive scheduler and expert placement at scale. Each case is warmed up,
 * then timed repeatedly; the median and minimum wall-clock times are printed.
 *
 * <pre>
 * ./mvnw -q -o -pl parallel install -DskipTests
 * java -cp parallel/target/classes:parallel/target/test-classes:$HOME/.m2/repository/org/dml4j/dml4j-core/\
 * 0.1.0-SNAPSHOT/dml4j-core-0.1.0-SNAPSHOT.jar org.dml4j.parallel.ParallelBenchmark
 * </pre>
 */
public final class ParallelBenchmark {
    private ParallelBenchmark() {
    }

    /** A timed piece of work returning something to keep the JIT honest. */
    @FunctionalInterface
    interface Work {
        Object run();
    }

    /**
     * @param args optional: number of timed repetitions (default 10)
     */
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        System.out.printf(Locale.ROOT, "dml4j parallel benchmark, Java %s, %d cores, %d repetitions%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), reps);

        int p = 64;
        int m = 1024;
        StageCosts uneven = unevenStages(p, 5);
        for (String name : new String[] {"interleaved", "zb-v"}) {
            PipelineScheduler s = PipelineSchedulers.get(name);
            Schedule sch = s.schedule(uneven, m, 2);
            time("simulate " + name + " p=64 m=1024 v=2 (" + ops(sch) + " ops, validate + simulate)", reps,
                    () -> TimelineSimulator.simulate(sch, uneven));
            time("build + simulate " + name + " p=64 m=1024 v=2", reps,
                    () -> TimelineSimulator.simulate(s.schedule(uneven, m, 2), uneven));
        }
        Schedule f1b = PipelineSchedulers.get("1f1b").schedule(uneven, m, 1);
        time("simulate 1f1b p=64 m=1024 v=1", reps, () -> TimelineSimulator.simulate(f1b, uneven));
        time("build adaptive p=64 m=1024 (search)", Math.max(3, reps / 3),
                () -> PipelineSchedulers.get("adaptive").schedule(uneven, m, 1));

        LayerCosts layers = layers(1000, 11);
        double[] speed = new double[p];
        double[] limit = new double[p];
        SplittableRandom r = new SplittableRandom(13);
        for (int d = 0; d < p; d++) {
            speed[d] = d % 4 == 3 ? 0.7 : 1.0;
            limit[d] = 2_000 + r.nextInt(400);
        }
        DeviceSpecs devices = DeviceSpecs.of(speed, limit, DeviceSpecs.oneFOneBInFlight(p));
        Partition part = (Partition) time("partition L=1000 into p=64 (heterogeneous speeds, memory limits)", reps,
                () -> StagePartitioner.partition(layers, devices));
        System.out.printf(Locale.ROOT, "  bottleneck %.4f on stage %d, layers per stage %s%n", part.bottleneck(),
                part.bottleneckStage(), Arrays.toString(Arrays.copyOf(part.layerCounts(), 8)) + "...");
        DeviceSpecs free = DeviceSpecs.uniform(p);
        time("partition L=1000 into p=64 (no memory limits)", reps, () -> StagePartitioner.partition(layers, free));

        RoutingTrace trace = ZipfTraceGenerator.generate(new ZipfTraceConfig(64, 1, 6_400_000, 1.2, 16, 0, 7));
        PlacementProblem problem = trace.problem(0, 16, 5, 8);
        ExpertPlacement placed = (ExpertPlacement) time("balanced placement E=64 G=16 (with sources)", reps,
                () -> ExpertPlacers.get("balanced").place(problem));
        System.out.printf(Locale.ROOT, "  max/mean %.4f%n", placed.imbalance());
        RoutingTrace big = ZipfTraceGenerator.generate(new ZipfTraceConfig(256, 1, 25_600_000, 1.0, 0, 0, 7));
        PlacementProblem bigProblem = big.problem(0, 64, 5, 8);
        time("balanced placement E=256 G=64", Math.max(3, reps / 3),
                () -> ExpertPlacers.get("balanced").place(bigProblem));
    }

    private static long ops(Schedule s) {
        long n = 0;
        for (int d = 0; d < s.devices(); d++) {
            n += s.size(d);
        }
        return n;
    }

    private static Object time(String label, int reps, Work work) {
        Object last = null;
        for (int i = 0; i < 3; i++) {
            last = work.run();
        }
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            last = work.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "%-75s median %9.2f ms   min %9.2f ms%n", label, ms[reps / 2], ms[0]);
        if (last instanceof Timeline t) {
            System.out.printf(Locale.ROOT, "  iteration %.2f, bubble %.4f of ideal%n", t.iterationTime(),
                    t.bubbleRatio());
        }
        return last;
    }

    private static StageCosts unevenStages(int p, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] f = new double[p];
        double[] b = new double[p];
        double[] w = new double[p];
        for (int d = 0; d < p; d++) {
            f[d] = 0.8 + 0.4 * r.nextDouble();
            b[d] = f[d] * (0.9 + 0.2 * r.nextDouble());
            w[d] = f[d] * (0.7 + 0.3 * r.nextDouble());
        }
        return StageCosts.builder(p).forward(f).backward(b).weight(w).p2pTime(0.02).activationMemory(1).build();
    }

    private static LayerCosts layers(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] f = new double[n];
        double[] b = new double[n];
        double[] w = new double[n];
        double[] st = new double[n];
        double[] act = new double[n];
        for (int l = 0; l < n; l++) {
            f[l] = 1 + r.nextDouble();
            b[l] = 1.1 * f[l];
            w[l] = 0.9 * f[l];
            st[l] = 16 + r.nextInt(8);
            act[l] = 2 + r.nextDouble();
        }
        return LayerCosts.of(f, b, w, st, act);
    }
}
