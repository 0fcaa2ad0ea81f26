package org.dml4j.planner;

import java.util.Arrays;
import java.util.Locale;
import org.dml4j.planner.cluster.ClusterPresets;
import org.dml4j.planner.model.ModelPresets;

/**
 * A timing harness for the planner's performance goal (not a unit test): the full search for the 1-trillion-parameter
 * GPT of Megatron-LM's table on 3072 A100s (384 DGX nodes), global batch 3072, default search space, top 5. Goal:
 * under 10 s on a 2-core laptop-class CPU (AMP reports about 500 s for its search, Alpa minutes to hours). The search
 * is run once to warm up, then timed {@code runs} times (default 5); the median and minimum wall-clock times are
 * printed with the configurations enumerated, pruned by the memory bound, evaluated in full, skipped by the time
 * bound, and the pipeline timelines simulated. Also times the exhaustive-free search for the other large rows.
 *
 * <pre>
 * ./mvnw -q -o -pl parallel,planner install -DskipTests
 * ./mvnw -q -o -pl planner dependency:build-classpath -Dmdep.outputFile=/tmp/planner.cp
 * java -cp planner/target/classes:planner/target/test-classes:$(cat /tmp/planner.cp) \
 *     org.dml4j.planner.PlannerBenchmark [runs]
 * </pre>
 */
public final class PlannerBenchmark {
    private PlannerBenchmark() {
    }

    /**
     * @param args optional number of timed runs
     */
    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        System.out.printf(Locale.ROOT, "Java %s, %d processors%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        run("megatron-1t", 384, 3072, runs);
        run("megatron-529.6b", 315, 2520, runs);
        run("gpt3-175b", 128, 1536, runs);
        run("mixtral-8x7b", 64, 1024, runs);
    }

    private static void run(String model, int nodes, int batch, int runs) {
        PlanRequest req = PlanRequest.of(ModelPresets.get(model), ClusterPresets.get("dgx-a100:" + nodes), batch);
        SearchResult r = Planner.search(req, 5);
        double[] secs = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            r = Planner.search(req, 5);
            secs[i] = (System.nanoTime() - t0) / 1e9;
        }
        double[] sorted = secs.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%n%s on %d GPUs, global batch %d: search median %.3f s, min %.3f s "
                        + "(%d runs)%n  candidates %d, pruned by memory bound %d, evaluated %d, skipped by time bound "
                        + "%d, pipeline simulations %d%n", model, nodes * 8, batch, sorted[runs / 2], sorted[0], runs,
                r.candidates(), r.memoryPruned(), r.evaluated(), r.boundSkipped(), r.simulations());
        for (Plan p : r.plans()) {
            System.out.println("  " + p.summary());
        }
    }
}
