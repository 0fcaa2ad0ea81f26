package org.dml4j.data.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.dml4j.data.Partition;

/** Properties every partitioner must have: disjoint, complete, sorted per client, deterministic given the seed. */
class PartitionerPropertiesTest {
    /** A random labelling: n samples, k classes, some classes possibly absent. */
    record Labels(int[] labels, int numClasses) {
    }

    @Provide
    Arbitrary<Labels> labelSets() {
        return Combinators.combine(Arbitraries.integers().between(40, 1500), Arbitraries.integers().between(2, 12),
                Arbitraries.longs()).as((n, k, seed) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    int[] l = new int[n];
                    double skew = r.nextDouble() * 3;
                    for (int i = 0; i < n; i++) {
                        l[i] = (int) Math.min(k - 1, Math.floor(k * Math.pow(r.nextDouble(), 1 + skew)));
                    }
                    return new Labels(l, k);
                });
    }

    @Provide
    Arbitrary<Partitioner> partitioners() {
        return Arbitraries.oneOf(
                Arbitraries.just(new IidPartitioner()),
                Arbitraries.of(0.01, 0.1, 0.5, 1.0, 100.0).map(a -> new DirichletPartitioner(
                        new DirichletConfig(a, 1, 20))),
                Arbitraries.integers().between(1, 2).map(c -> new ShardsPartitioner(new ShardsConfig(c))),
                Arbitraries.of(1.0, 3.0, 10.0).map(sr -> new QuantitySkewPartitioner(
                        QuantitySkewConfig.iid(sr, QuantitySkewConfig.Series.GEOMETRIC))),
                Arbitraries.of(0.3, 1.0).map(a -> new QuantitySkewPartitioner(
                        QuantitySkewConfig.dirichlet(5, QuantitySkewConfig.Series.ARITHMETIC, a))));
    }

    @Property(tries = 150)
    void disjointCompleteSortedAndDeterministic(@ForAll("labelSets") Labels data,
                                                @ForAll("partitioners") Partitioner partitioner,
                                                @ForAll("clients") int clients, @ForAll long seed) {
        // Prepare: enough clients for shards to cover the classes present
        int present = (int) java.util.Arrays.stream(data.labels()).distinct().count();
        int n = partitioner instanceof ShardsPartitioner s
                ? Math.max(clients, (present + s.config().classesPerClient() - 1) / s.config().classesPerClient())
                : clients;
        if (partitioner instanceof ShardsPartitioner s && s.config().classesPerClient() > present) {
            partitioner = new ShardsPartitioner(new ShardsConfig(present));
        }
        if (partitioner instanceof QuantitySkewPartitioner q) {
            double[] w = q.weights(n);
            Assume.that(data.labels().length * w[n - 1] / java.util.Arrays.stream(w).sum() >= 1.5); // feasible
        }

        // Execute
        Partition p = partitioner.partition(data.labels(), data.numClasses(), n, new SplittableRandom(seed));
        Partition again = partitioner.partition(data.labels(), data.numClasses(), n, new SplittableRandom(seed));

        // Assert
        assertEquals(n, p.numClients());
        assertTrue(p.isDisjoint(), "disjoint");
        assertTrue(p.isComplete(data.labels().length), "complete");
        for (int c = 0; c < n; c++) {
            int[] idx = p.indices(c);
            for (int j = 1; j < idx.length; j++) {
                assertTrue(idx[j - 1] < idx[j], "sorted");
            }
        }
        assertEquals(p, again, "same seed, same partition");
    }

    @Provide
    Arbitrary<Integer> clients() {
        return Arbitraries.integers().between(1, 20);
    }

    @Property(tries = 100)
    void shardsGiveAtMostCClassesPerClient(@ForAll("labelSets") Labels data, @ForAll("clients") int clients,
                                           @ForAll long seed) {
        // Prepare
        int present = (int) java.util.Arrays.stream(data.labels()).distinct().count();
        int c = 1 + Math.floorMod(seed, Math.min(3, present));
        int n = Math.max(clients, (present + c - 1) / c);

        // Execute
        Partition p = new ShardsPartitioner(new ShardsConfig(c)).partition(data.labels(), data.numClasses(), n,
                new SplittableRandom(seed));

        // Assert
        for (int[] h : p.labelHistograms(data.labels(), data.numClasses())) {
            int held = 0;
            for (int count : h) {
                held += count > 0 ? 1 : 0;
            }
            assertTrue(held <= c, "client holds " + held + " classes, more than " + c);
        }
    }

    @Property(tries = 100)
    void quantitySkewHonoursTheRatioUpToRounding(@ForAll("ratios") double sr, @ForAll("clients") int clients,
                                                 @ForAll("series") QuantitySkewConfig.Series series,
                                                 @ForAll long seed) {
        // Prepare: enough samples for the smallest client; labels i % 10
        int n = 20_000;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
        }
        QuantitySkewPartitioner qs = new QuantitySkewPartitioner(QuantitySkewConfig.iid(sr, series));

        // Execute
        Partition p = qs.partition(labels, 10, clients, new SplittableRandom(seed));

        // Assert: largest = SR * smallest within one sample of rounding on each
        int[] s = p.sizes();
        int max = java.util.Arrays.stream(s).max().orElseThrow();
        int min = java.util.Arrays.stream(s).min().orElseThrow();
        if (clients > 1) {
            assertTrue(Math.abs(max - sr * min) <= sr + 1, "max " + max + ", min " + min + ", SR " + sr);
        }
        assertEquals(s[0], max);
        assertEquals(s[clients - 1], min);
    }

    @Provide
    Arbitrary<Double> ratios() {
        return Arbitraries.of(1.0, 2.0, 10.0, 100.0, 1000.0);
    }

    @Provide
    Arbitrary<QuantitySkewConfig.Series> series() {
        return Arbitraries.of(QuantitySkewConfig.Series.class);
    }
}
