package org.dml4j.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads LEAF's JSON format (FEMNIST, and any LEAF data set with numeric samples):
 *
 * <pre>{@code
 * {"users": ["f0000_14", ...], "num_samples": [157, ...],
 *  "user_data": {"f0000_14": {"x": [[0.0, 1.0, ...], ...], "y": [3, ...]}, ...}}
 * }</pre>
 *
 * LEAF writes each split (train, test) as one or more such files; {@link #read(List, String, LeafFormat)} reads them
 * together. The result holds all samples grouped by user and the natural partition: client {@code c} is the
 * {@code c}-th user of the {@code users} arrays, in file order. Other top-level fields ({@code hierarchies}) are
 * ignored. Files may be gzip-compressed (detected from the magic bytes). The JSON is streamed, never held as a
 * tree.
 *
 * <p>Errors name the file and the byte offset of the offending token: malformed or truncated JSON, non-numeric
 * features, rows of different lengths, non-integer labels, {@code x}/{@code y}/{@code num_samples} counts that
 * disagree, users listed but missing (or present but not listed).
 *
 * <p>Reference: S. Caldas et al., "LEAF: A Benchmark for Federated Settings", arXiv:1812.01097, 2018.
 *
 * <p>Stateless and thread-safe.
 */
public final class LeafJsonReader {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private LeafJsonReader() {
    }

    /**
     * @param file   one LEAF JSON file
     * @param name   the data set's name ("femnist/train")
     * @param format sample shape and class count
     * @return the samples and their natural per-user partition
     * @throws IOException          when the file cannot be read
     * @throws CorruptDataException naming the file and byte offset of a malformed or inconsistent token
     */
    public static FederatedDataset read(Path file, String name, LeafFormat format) throws IOException {
        return read(List.of(file), name, format);
    }

    /**
     * @param files  the LEAF JSON files of one split, read in this order
     * @param name   the data set's name ("femnist/train")
     * @param format sample shape and class count
     * @return the samples of all files and their natural per-user partition
     * @throws IOException          when a file cannot be read
     * @throws CorruptDataException naming the file and byte offset of a malformed or inconsistent token
     */
    public static FederatedDataset read(List<Path> files, String name, LeafFormat format) throws IOException {
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        if (files.isEmpty()) {
            throw new IllegalArgumentException("files must not be empty");
        }
        Accumulator acc = new Accumulator(format.featureSize());
        List<String> users = new ArrayList<>();
        Map<String, Integer> seenUser = new HashMap<>();
        for (Path file : files) {
            try (ByteReader in = ByteReader.open(file)) {
                parseFile(in, acc, users, seenUser);
            }
        }
        if (acc.n == 0) {
            throw new CorruptDataException(files.get(0).toString(), -1, -1, false, "no samples in "
                    + files.size() + " LEAF file(s)", null);
        }
        int fs = acc.featureSize;
        int[] shape = format.sampleShape() == null ? new int[] {fs} : format.sampleShape();
        int classes = format.numClasses() > 0 ? format.numClasses() : acc.maxLabel + 1;
        if (acc.maxLabel >= classes) {
            throw new CorruptDataException(acc.maxLabelFile, -1, acc.maxLabelOffset, acc.maxLabelGz, "label "
                    + acc.maxLabel + " is not below the " + classes + " classes of the format", null);
        }
        int[][] idx = new int[users.size()][];
        for (int c = 0; c < idx.length; c++) {
            Block blk = acc.blocks.get(users.get(c));
            idx[c] = new int[blk.count];
            for (int j = 0; j < blk.count; j++) {
                idx[c][j] = blk.start + j;
            }
        }
        Dataset data = Dataset.adopt(name, Arrays.copyOf(acc.x, acc.n * fs), Arrays.copyOf(acc.y, acc.n), shape,
                classes);
        return new FederatedDataset(data, new Partition(idx), users);
    }

    /** Samples of one user: a contiguous run of the accumulated arrays. */
    private record Block(int start, int count) {
    }

    /** Growable sample buffers shared by the files of one split. */
    private static final class Accumulator {
        int featureSize;
        float[] x = new float[0];
        int[] y = new int[0];
        int n;
        int rows;
        int maxLabel = -1;
        String maxLabelFile;
        long maxLabelOffset;
        boolean maxLabelGz;
        final Map<String, Block> blocks = new LinkedHashMap<>();

        Accumulator(int featureSize) {
            this.featureSize = featureSize;
        }

        void ensureRows(int needed) {
            if (needed > y.length) {
                int cap = (int) Math.min(Integer.MAX_VALUE - 16L, Math.max(needed, Math.max(1024L, 2L * y.length)));
                y = Arrays.copyOf(y, cap);
            }
        }

        void ensureValues(long needed) {
            if (needed > x.length) {
                if (needed > Integer.MAX_VALUE - 16) {
                    throw new IllegalStateException("more than 2^31 feature values do not fit one Java array");
                }
                x = Arrays.copyOf(x, (int) Math.min(Integer.MAX_VALUE - 16L, Math.max(needed,
                        Math.max(1 << 16, 2L * x.length))));
            }
        }
    }

    private static void parseFile(ByteReader in, Accumulator acc, List<String> users, Map<String, Integer> seenUser)
            throws IOException {
        List<String> fileUsers = null;
        long usersOffset = 0;
        List<long[]> numSamples = null; // {value, offset}
        Map<String, Block> fileBlocks = new LinkedHashMap<>();
        Map<String, Long> blockOffset = new HashMap<>();
        try (JsonParser p = JSON.createParser(in.asStream())) {
            expect(in, p, p.nextToken(), JsonToken.START_OBJECT, "a JSON object");
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "users" -> {
                        usersOffset = offset(p);
                        expect(in, p, v, JsonToken.START_ARRAY, "an array of user names");
                        fileUsers = new ArrayList<>();
                        while ((v = p.nextToken()) == JsonToken.VALUE_STRING) {
                            fileUsers.add(p.getText());
                        }
                        expect(in, p, v, JsonToken.END_ARRAY, "a user name (string)");
                    }
                    case "num_samples" -> {
                        expect(in, p, v, JsonToken.START_ARRAY, "an array of sample counts");
                        numSamples = new ArrayList<>();
                        while ((v = p.nextToken()) == JsonToken.VALUE_NUMBER_INT) {
                            numSamples.add(new long[] {p.getLongValue(), offset(p)});
                        }
                        expect(in, p, v, JsonToken.END_ARRAY, "a sample count (integer)");
                    }
                    case "user_data" -> {
                        expect(in, p, v, JsonToken.START_OBJECT, "an object mapping user names to samples");
                        while ((v = p.nextToken()) == JsonToken.FIELD_NAME) {
                            String user = p.currentName();
                            long at = offset(p);
                            if (fileBlocks.containsKey(user) || acc.blocks.containsKey(user)) {
                                throw corrupt(in, at, "user '" + user + "' appears twice in user_data");
                            }
                            fileBlocks.put(user, parseUser(in, p, acc, user));
                            blockOffset.put(user, at);
                        }
                        expect(in, p, v, JsonToken.END_OBJECT, "a user name");
                    }
                    default -> p.skipChildren();
                }
            }
            expect(in, p, t, JsonToken.END_OBJECT, "a field name or the end of the object");
            JsonToken after = p.nextToken();
            if (after != null) {
                throw corrupt(in, offset(p), "unexpected data after the top-level object: " + after);
            }
        } catch (JsonProcessingException e) {
            long off = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
            throw corrupt(in, off, "malformed or truncated JSON: " + e.getOriginalMessage());
        }
        if (fileUsers == null) {
            fileUsers = new ArrayList<>(fileBlocks.keySet());
        }
        if (numSamples != null && numSamples.size() != fileUsers.size()) {
            throw corrupt(in, usersOffset, "users lists " + fileUsers.size() + " users but num_samples has "
                    + numSamples.size() + " counts");
        }
        for (int u = 0; u < fileUsers.size(); u++) {
            String user = fileUsers.get(u);
            Block blk = fileBlocks.get(user);
            if (blk == null) {
                throw corrupt(in, usersOffset, "user '" + user + "' is listed in users but has no user_data entry");
            }
            if (numSamples != null && numSamples.get(u)[0] != blk.count) {
                throw corrupt(in, numSamples.get(u)[1], "num_samples says user '" + user + "' has "
                        + numSamples.get(u)[0] + " samples but user_data holds " + blk.count);
            }
            if (seenUser.putIfAbsent(user, users.size()) != null) {
                throw corrupt(in, usersOffset, "user '" + user + "' also appears in an earlier file of this split");
            }
            users.add(user);
        }
        for (String user : fileBlocks.keySet()) {
            if (!seenUser.containsKey(user)) {
                throw corrupt(in, blockOffset.get(user), "user '" + user + "' has user_data but is not listed in"
                        + " users");
            }
        }
        acc.blocks.putAll(fileBlocks);
    }

    private static Block parseUser(ByteReader in, JsonParser p, Accumulator acc, String user) throws IOException {
        long userAt = offset(p);
        expect(in, p, p.nextToken(), JsonToken.START_OBJECT, "an object with x and y for user '" + user + "'");
        int start = acc.n;
        int xRows = -1;
        int yCount = -1;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "x" -> {
                    if (xRows >= 0) {
                        throw corrupt(in, offset(p), "user '" + user + "' has two x fields");
                    }
                    xRows = parseRows(in, p, v, acc, start, user);
                }
                case "y" -> {
                    if (yCount >= 0) {
                        throw corrupt(in, offset(p), "user '" + user + "' has two y fields");
                    }
                    yCount = parseLabels(in, p, v, acc, start, user);
                }
                default -> p.skipChildren();
            }
        }
        expect(in, p, t, JsonToken.END_OBJECT, "x, y or the end of user '" + user + "'");
        if (xRows < 0 || yCount < 0) {
            throw corrupt(in, userAt, "user '" + user + "' lacks " + (xRows < 0 ? "x" : "y"));
        }
        if (xRows != yCount) {
            throw corrupt(in, userAt, "user '" + user + "' has " + xRows + " x rows but " + yCount + " y labels");
        }
        acc.n = start + xRows;
        return new Block(start, xRows);
    }

    private static int parseRows(ByteReader in, JsonParser p, JsonToken v, Accumulator acc, int start, String user)
            throws IOException {
        expect(in, p, v, JsonToken.START_ARRAY, "an array of sample rows for user '" + user + "'");
        int rows = 0;
        while ((v = p.nextToken()) == JsonToken.START_ARRAY) {
            long rowAt = offset(p);
            int fs = acc.featureSize;
            long base = (long) (start + rows) * Math.max(fs, 0);
            int k = 0;
            while ((v = p.nextToken()) == JsonToken.VALUE_NUMBER_FLOAT || v == JsonToken.VALUE_NUMBER_INT) {
                if (fs < 0) {
                    acc.ensureValues(k + 1L);
                    acc.x[k] = p.getFloatValue();
                } else {
                    if (k >= fs) {
                        throw corrupt(in, rowAt, "row " + rows + " of user '" + user + "' has more than " + fs
                                + " values");
                    }
                    acc.ensureValues(base + fs);
                    acc.x[(int) (base + k)] = p.getFloatValue();
                }
                k++;
            }
            expect(in, p, v, JsonToken.END_ARRAY, "a number in row " + rows + " of user '" + user + "'");
            if (fs < 0) {
                if (k == 0) {
                    throw corrupt(in, rowAt, "row " + rows + " of user '" + user + "' is empty");
                }
                acc.featureSize = k; // first row of the first user sets the length
            } else if (k != fs) {
                throw corrupt(in, rowAt, "row " + rows + " of user '" + user + "' has " + k + " values, expected "
                        + fs);
            }
            rows++;
        }
        expect(in, p, v, JsonToken.END_ARRAY, "a sample row (array of numbers) for user '" + user + "'");
        return rows;
    }

    private static int parseLabels(ByteReader in, JsonParser p, JsonToken v, Accumulator acc, int start, String user)
            throws IOException {
        expect(in, p, v, JsonToken.START_ARRAY, "an array of labels for user '" + user + "'");
        int k = 0;
        while ((v = p.nextToken()) == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getDoubleValue();
            if (d < 0 || d != Math.rint(d) || d > Integer.MAX_VALUE) {
                throw corrupt(in, offset(p), "label " + p.getText() + " of user '" + user
                        + "' is not a non-negative integer");
            }
            int label = (int) d;
            acc.ensureRows(start + k + 1);
            acc.y[start + k] = label;
            if (label > acc.maxLabel) {
                acc.maxLabel = label;
                acc.maxLabelFile = in.source();
                acc.maxLabelOffset = offset(p);
                acc.maxLabelGz = in.gzipped();
            }
            k++;
        }
        expect(in, p, v, JsonToken.END_ARRAY, "a label (number) for user '" + user + "'");
        return k;
    }

    private static void expect(ByteReader in, JsonParser p, JsonToken actual, JsonToken expected, String what) {
        if (actual != expected) {
            throw corrupt(in, offset(p), "expected " + what + ", found " + (actual == null ? "end of file"
                    : actual.asString() != null ? "'" + actual.asString() + "'" : actual.name()));
        }
    }

    private static long offset(JsonParser p) {
        return p.currentTokenLocation().getByteOffset();
    }

    private static CorruptDataException corrupt(ByteReader in, long offset, String detail) {
        return in.corrupt(offset, detail);
    }
}
