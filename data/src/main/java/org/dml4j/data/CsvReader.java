package org.dml4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads delimited text files of numeric samples (CSV), gzip-compressed or not (detected from the magic bytes), as
 * described by a {@link CsvFormat}: one sample per line, one integer label column, every other column a feature
 * multiplied by the format's scale. Blank lines are skipped; {@code \n} and {@code \r\n} line ends are accepted.
 * Quoted fields are not supported (numeric data sets do not use them).
 *
 * <p>Errors name the file, the line number (1-based) and the byte offset of the offending field.
 *
 * <p>Stateless and thread-safe.
 */
public final class CsvReader {
    private CsvReader() {
    }

    /**
     * @param file   the file to read
     * @param name   the data set's name
     * @param format how to read it
     * @return the data set
     * @throws IOException          when the file cannot be read
     * @throws CorruptDataException naming the line and byte offset of a malformed field
     */
    public static Dataset read(Path file, String name, CsvFormat format) throws IOException {
        try (ByteReader in = ByteReader.open(file)) {
            return parse(in, name, format);
        }
    }

    /**
     * @param stream the bytes (closed before returning)
     * @param source how to name the stream in messages (a resource or file name)
     * @param name   the data set's name
     * @param format how to read it
     * @return the data set
     * @throws IOException          when the stream cannot be read
     * @throws CorruptDataException naming the line and byte offset of a malformed field
     */
    public static Dataset read(InputStream stream, String source, String name, CsvFormat format) throws IOException {
        try (ByteReader in = ByteReader.open(stream, source)) {
            return parse(in, name, format);
        }
    }

    private static Dataset parse(ByteReader in, String name, CsvFormat format) throws IOException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        byte[] b = in.readAll();
        int len = (int) in.position();
        byte delim = (byte) format.delimiter();

        int lines = 1;
        for (int i = 0; i < len; i++) {
            if (b[i] == '\n') {
                lines++;
            }
        }
        int columns = -1;
        int labelCol = -1;
        int features = 0;
        float[] x = new float[0];
        int[] y = new int[Math.max(lines, 1)];
        int rows = 0;
        int maxLabel = -1;
        float scale = format.scale();

        int pos = 0;
        int line = 0;
        while (pos < len) {
            line++;
            int end = pos;
            while (end < len && b[end] != '\n') {
                end++;
            }
            int next = end + 1;
            if (end > pos && b[end - 1] == '\r') {
                end--;
            }
            if ((line == 1 && format.header()) || blank(b, pos, end)) {
                pos = next;
                continue;
            }
            if (columns < 0) {
                columns = countColumns(b, pos, end, delim);
                if (columns < 2) {
                    throw corrupt(in, line, pos, "expected a label column and at least one feature column,"
                            + " found " + columns + " column");
                }
                labelCol = format.labelColumn() < 0 ? columns + format.labelColumn() : format.labelColumn();
                if (labelCol < 0 || labelCol >= columns) {
                    throw new IllegalArgumentException("labelColumn " + format.labelColumn() + " is outside the "
                            + columns + " columns of " + in.source());
                }
                features = columns - 1;
                if ((long) features * y.length > Integer.MAX_VALUE - 16) {
                    throw corrupt(in, line, pos, "too many values for one Java array");
                }
                x = new float[features * y.length];
            }
            int col = 0;
            int f = rows * features;
            int start = pos;
            while (true) {
                int stop = start;
                while (stop < end && b[stop] != delim) {
                    stop++;
                }
                if (col >= columns) {
                    throw corrupt(in, line, start, "expected " + columns + " columns as on the first data"
                            + " line, found more");
                }
                double v = number(b, start, stop);
                if (Double.isNaN(v)) {
                    throw corrupt(in, line, start, "column " + (col + 1) + " is not a number: '"
                            + text(b, start, stop) + "'");
                }
                if (col == labelCol) {
                    if (v < 0 || v != Math.rint(v) || v > Integer.MAX_VALUE) {
                        throw corrupt(in, line, start, "label (column " + (col + 1) + ") must be a"
                                + " non-negative integer, found '" + text(b, start, stop) + "'");
                    }
                    int label = (int) v;
                    if (format.numClasses() > 0 && label >= format.numClasses()) {
                        throw corrupt(in, line, start, "label " + label + " is not below the "
                                + format.numClasses() + " classes of the format");
                    }
                    y[rows] = label;
                    maxLabel = Math.max(maxLabel, label);
                } else {
                    x[f++] = (float) v * scale;
                }
                col++;
                if (stop >= end) {
                    break;
                }
                start = stop + 1;
            }
            if (col != columns) {
                throw corrupt(in, line, end, "expected " + columns + " columns as on the first data line,"
                        + " found " + col);
            }
            rows++;
            pos = next;
        }
        if (rows == 0) {
            throw corrupt(in, Math.max(line, 1), 0, "no data lines");
        }
        int[] shape = format.sampleShape() == null ? new int[] {features} : format.sampleShape();
        long fs = 1;
        for (int d : shape) {
            fs *= d;
        }
        if (fs != features) {
            throw new IllegalArgumentException("sampleShape " + Arrays.toString(shape) + " holds " + fs
                    + " values but " + in.source() + " has " + features + " feature columns");
        }
        int classes = format.numClasses() > 0 ? format.numClasses() : maxLabel + 1;
        return Dataset.adopt(name, Arrays.copyOf(x, rows * features), Arrays.copyOf(y, rows), shape, classes);
    }

    private static CorruptDataException corrupt(ByteReader in, int line, long offset, String detail) {
        return in.corrupt(line, offset, detail);
    }

    private static boolean blank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    private static int countColumns(byte[] b, int from, int to, byte delim) {
        int n = 1;
        for (int i = from; i < to; i++) {
            if (b[i] == delim) {
                n++;
            }
        }
        return n;
    }

    private static String text(byte[] b, int from, int to) {
        String s = new String(b, from, to - from, StandardCharsets.UTF_8);
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /**
     * Parses a decimal number with optional sign, fraction and exponent; surrounding spaces are ignored.
     *
     * @return the value, or NaN when the field is not a number
     */
    static double number(byte[] b, int from, int to) {
        while (from < to && (b[from] == ' ' || b[from] == '\t')) {
            from++;
        }
        while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
            to--;
        }
        if (from == to) {
            return Double.NaN;
        }
        int i = from;
        boolean neg = false;
        if (b[i] == '-' || b[i] == '+') {
            neg = b[i] == '-';
            i++;
        }
        long mant = 0;
        int digits = 0;
        int scale = 0;
        boolean dot = false;
        for (; i < to; i++) {
            byte c = b[i];
            if (c >= '0' && c <= '9') {
                if (digits < 18) {
                    mant = mant * 10 + (c - '0');
                    digits++;
                    if (dot) {
                        scale++;
                    }
                } else {
                    return slow(b, from, to);
                }
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                return slow(b, from, to);
            }
        }
        if (digits == 0) {
            return Double.NaN;
        }
        double v = scale == 0 ? mant : mant / POW10[scale];
        return neg ? -v : v;
    }

    private static final double[] POW10 = new double[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private static double slow(byte[] b, int from, int to) {
        String s = new String(b, from, to - from, StandardCharsets.US_ASCII);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return Double.NaN;
            }
        }
        try {
            double v = Double.parseDouble(s);
            return Double.isFinite(v) ? v : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
