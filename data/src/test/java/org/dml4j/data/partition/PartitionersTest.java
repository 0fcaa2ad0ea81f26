package org.dml4j.data.partition;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.dml4j.core.SeedTree;
import org.dml4j.data.Dataset;
import org.dml4j.data.Partition;
import org.junit.jupiter.api.Test;

class PartitionersTest {
    /** {@code n} labels cycling through {@code k} classes. */
    private static int[] cyclic(int n, int k) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = i % k;
        }
        return l;
    }

    @Test
    void iidDealsNearEqualBlocksAndIsPinnedForASeed() {
        // Prepare
        int[] labels = cyclic(10, 2);

        // Execute
        Partition p = new IidPartitioner().partition(labels, 2, 3, new SplittableRandom(42));

        // Assert: sizes differ by at most one; the exact split is pinned so a change of algorithm is noticed
        assertArrayEquals(new int[] {4, 3, 3}, p.sizes());
        assertTrue(p.isComplete(10));
        Partition again = new IidPartitioner().partition(labels, 2, 3, new SplittableRandom(42));
        assertEquals(p, again);
        assertNotEquals(p, new IidPartitioner().partition(labels, 2, 3, new SplittableRandom(43)));
    }

    @Test
    void dirichletWithHugeAlphaTendsToIid() {
        // Prepare: 20,000 samples, 10 classes with unequal counts, 10 clients
        int n = 20_000;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (i * 7919) % 13 < 10 ? (i * 7919) % 13 : i % 3;
        }
        int[] global = new int[10];
        for (int l : labels) {
            global[l]++;
        }

        // Execute
        Partition p = new DirichletPartitioner(new DirichletConfig(1e6)).partition(labels, 10, 10,
                new SplittableRandom(7));

        // Assert: every client's label proportions within 0.01 of the global ones
        int[][] h = p.labelHistograms(labels, 10);
        for (int c = 0; c < 10; c++) {
            int size = p.size(c);
            assertEquals(n / 10.0, size, n / 10.0 * 0.02, "client sizes near equal");
            for (int k = 0; k < 10; k++) {
                assertEquals((double) global[k] / n, (double) h[c][k] / size, 0.01, "client " + c + " class " + k);
            }
        }
    }

    @Test
    void dirichletWithSmallAlphaIsSkewedButRespectsMinSize() {
        // Prepare
        int[] labels = cyclic(5_000, 10);

        // Execute: retries allowed, and none (forcing the repair of the first draw)
        Partition retried = new DirichletPartitioner(new DirichletConfig(0.05, 10, 100)).partition(labels, 10, 30,
                new SplittableRandom(3));
        Partition repaired = new DirichletPartitioner(new DirichletConfig(0.01, 25, 0)).partition(labels, 10, 50,
                new SplittableRandom(3));

        // Assert
        for (Partition p : List.of(retried, repaired)) {
            assertTrue(p.isComplete(labels.length));
        }
        assertTrue(Arrays.stream(retried.sizes()).min().orElseThrow() >= 10);
        assertTrue(Arrays.stream(repaired.sizes()).min().orElseThrow() >= 25);
        // strong skew: on average a client's most frequent class holds most of its samples
        int[][] h = retried.labelHistograms(labels, 10);
        double share = 0;
        for (int c = 0; c < h.length; c++) {
            share += (double) Arrays.stream(h[c]).max().orElseThrow() / retried.size(c);
        }
        assertTrue(share / h.length > 0.6, "mean top-class share " + share / h.length);
    }

    @Test
    void dirichletRejectsAnInfeasibleMinSize() {
        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DirichletPartitioner(new DirichletConfig(0.5, 10, 5)).partition(cyclic(100, 2), 2, 20,
                        new SplittableRandom(1)));

        // Assert
        assertTrue(e.getMessage().contains("min-size 10"), e.getMessage());
    }

    @Test
    void shardsGiveExactlyCClassesAndCoverEveryClass() {
        // Prepare
        int[] labels = cyclic(6_000, 10);

        // Execute
        Partition p = new ShardsPartitioner(new ShardsConfig(2)).partition(labels, 10, 25, new SplittableRandom(5));

        // Assert: each client 2 classes; each class held by 5 clients (25 x 2 / 10) with 120 samples each
        int[][] h = p.labelHistograms(labels, 10);
        int[] holders = new int[10];
        for (int[] row : h) {
            assertEquals(2, Arrays.stream(row).filter(x -> x > 0).count());
            for (int k = 0; k < 10; k++) {
                holders[k] += row[k] > 0 ? 1 : 0;
                assertTrue(row[k] == 0 || row[k] == 120, "even split of a class among its holders");
            }
        }
        assertArrayEquals(new int[] {5, 5, 5, 5, 5, 5, 5, 5, 5, 5}, holders);
        assertTrue(p.isComplete(labels.length));
    }

    @Test
    void shardsRejectTooFewClientsToCoverTheClasses() {
        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ShardsPartitioner(new ShardsConfig(2)).partition(cyclic(100, 10), 10, 4,
                        new SplittableRandom(1)));

        // Assert
        assertTrue(e.getMessage().contains("cannot cover the 10 classes"), e.getMessage());
    }

    @Test
    void geometricSeriesMatchesTheDagcReferenceCode() {
        // Prepare: np.logspace(log10(100), 0, 9) followed by its last value, n = 10
        double[] expected = new double[10];
        for (int i = 0; i < 9; i++) {
            expected[i] = Math.pow(10, 2 - 2.0 * i / 8);
        }
        expected[9] = 1;

        // Execute
        double[] w = new QuantitySkewPartitioner(QuantitySkewConfig.iid(100, QuantitySkewConfig.Series.GEOMETRIC))
                .weights(10);
        double[] a = new QuantitySkewPartitioner(QuantitySkewConfig.iid(10, QuantitySkewConfig.Series.ARITHMETIC))
                .weights(4);

        // Assert
        assertArrayEquals(expected, w, 1e-9);
        assertArrayEquals(new double[] {10, 7, 4, 1}, a, 1e-12);
    }

    @Test
    void quantitySkewWithDirichletMixKeepsTheSizesAndSkewsLabels() {
        // Prepare
        int[] labels = cyclic(10_000, 10);
        QuantitySkewPartitioner qs = new QuantitySkewPartitioner(
                QuantitySkewConfig.dirichlet(100, QuantitySkewConfig.Series.GEOMETRIC, 0.1));

        // Execute
        Partition p = qs.partition(labels, 10, 10, new SplittableRandom(11));

        // Assert
        assertArrayEquals(qs.clientSizes(10_000, 10), p.sizes());
        assertTrue(p.isComplete(10_000));
        int[][] h = p.labelHistograms(labels, 10);
        int smallest = 9;
        assertTrue(Arrays.stream(h[smallest]).max().orElseThrow() > 0.5 * p.size(smallest),
                "alpha 0.1 concentrates the smallest client on few classes: " + Arrays.toString(h[smallest]));
    }

    @Test
    void quantitySkewNamesTheFixWhenClientsWouldBeEmpty() {
        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new QuantitySkewPartitioner(QuantitySkewConfig.iid(1000, QuantitySkewConfig.Series.ARITHMETIC))
                        .partition(cyclic(500, 2), 2, 10, new SplittableRandom(1)));

        // Assert
        assertTrue(e.getMessage().contains("skew-ratio 1000"), e.getMessage());
    }

    @Test
    void registryFindsTheFourTypesAndBindsConfigFileTables() {
        // Execute
        List<String> names = PartitionerProvider.REGISTRY.names();
        PartitionerConfig d = PartitionerProvider.REGISTRY.get("dirichlet")
                .parseConfig(Map.of("type", "dirichlet", "alpha", 0.5));
        PartitionerConfig s = PartitionerProvider.REGISTRY.get("shards").parseConfig(Map.of("classes-per-client", 2));
        PartitionerConfig q = PartitionerProvider.REGISTRY.get("quantity-skew")
                .parseConfig(Map.of("skew-ratio", 100, "series", "arithmetic", "alpha", 1));
        PartitionerConfig i = PartitionerProvider.REGISTRY.get("iid").parseConfig(Map.of());
        Partitioner made = PartitionerProvider.create("dirichlet", Map.of("alpha", 0.3, "min-size", 2));

        // Assert
        assertEquals(List.of("dirichlet", "iid", "quantity-skew", "shards"), names);
        assertEquals(new DirichletConfig(0.5, DirichletConfig.MIN_SIZE_DEFAULT, DirichletConfig.MAX_RETRIES_DEFAULT),
                d);
        assertEquals(new ShardsConfig(2), s);
        assertEquals(QuantitySkewConfig.dirichlet(100, QuantitySkewConfig.Series.ARITHMETIC, 1), q);
        assertEquals(new IidConfig(), i);
        assertInstanceOf(DirichletPartitioner.class, made);
        assertEquals(new DirichletConfig(0.3, 2, DirichletConfig.MAX_RETRIES_DEFAULT),
                ((DirichletPartitioner) made).config());
    }

    @Test
    void badTablesNameTheKeyAndValue() {
        // Execute
        String unknownType = message(() -> PartitionerProvider.create("dirichlt", Map.of()));
        String typo = message(() -> PartitionerProvider.create("dirichlet", Map.of("alpah", 0.5)));
        String missing = message(() -> PartitionerProvider.create("dirichlet", Map.of("min-size", 3)));
        String bad = message(() -> PartitionerProvider.create("dirichlet", Map.of("alpha", -1)));
        String fraction = message(() -> PartitionerProvider.create("shards", Map.of("classes-per-client", 2.5)));
        String series = message(() -> PartitionerProvider.create("quantity-skew",
                Map.of("skew-ratio", 10, "series", "harmonic")));
        String iidAlpha = message(() -> PartitionerProvider.create("quantity-skew",
                Map.of("skew-ratio", 10, "label-mix", "iid", "alpha", 0.5)));

        // Assert
        assertTrue(unknownType.contains("'dirichlt'") && unknownType.contains("dirichlet, iid, quantity-skew, shards"),
                unknownType);
        assertTrue(typo.contains("unknown key 'alpah'; known: alpha, min-size, max-retries"), typo);
        assertTrue(missing.contains("alpha"), missing);
        assertTrue(bad.contains("alpha must be finite and > 0, got -1.0"), bad);
        assertTrue(fraction.contains("classes-per-client"), fraction);
        assertTrue(series.contains("harmonic"), series);
        assertTrue(iidAlpha.contains("alpha is only used with label-mix = dirichlet"), iidAlpha);
    }

    @Test
    void configsValidateInTheirConstructors() {
        // Execute / Assert
        assertTrue(message(() -> new DirichletConfig(0.5, 0, 1)).contains("min-size must be >= 1, got 0"));
        assertTrue(message(() -> new DirichletConfig(Double.NaN)).contains("alpha"));
        assertTrue(message(() -> new ShardsConfig(0)).contains("classes-per-client must be >= 1, got 0"));
        assertTrue(message(() -> QuantitySkewConfig.iid(0.5, QuantitySkewConfig.Series.GEOMETRIC))
                .contains("skew-ratio must be finite and >= 1, got 0.5"));
        assertTrue(message(() -> QuantitySkewConfig.dirichlet(2, QuantitySkewConfig.Series.GEOMETRIC, 0))
                .contains("alpha must be finite and > 0"));
    }

    @Test
    void partitionsADatasetFromASeedTreeNode() {
        // Prepare
        Dataset d = new Dataset("d", new float[40], cyclic(40, 4), new int[] {1}, 4);
        SeedTree node = SeedTree.root(42).child("partition");

        // Execute
        Partition a = new IidPartitioner().partition(d, 4, node);
        Partition b = new IidPartitioner().partition(d, 4, SeedTree.root(42).child("partition"));

        // Assert
        assertEquals(a, b);
        assertTrue(a.describe(d).contains("4 clients; size min 10, median 10, max 10"));
    }

    private static String message(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }
}
