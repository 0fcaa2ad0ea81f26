package org.dml4j.sim.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A numeric CSV trace file: an optional header naming the columns, then one row of numbers per line; blank lines and
 * lines starting with {@code #} are skipped. Rows keep their line numbers, so that whoever checks the values can
 * name the file and line of a bad one ({@link #where(int)}).
 *
 * <p>Immutable after {@link #read}; thread-safe.
 */
public final class TraceCsv {
    private final Path file;
    private final String[] names;
    private final double[][] columns;
    private final int[] lines;

    private TraceCsv(Path file, String[] names, double[][] columns, int[] lines) {
        this.file = file;
        this.names = names;
        this.columns = columns;
        this.lines = lines;
    }

    /**
     * @param file    the CSV file
     * @param columns the expected column names, in order; a header, when present, must list exactly these
     * @return the rows
     * @throws IllegalArgumentException naming the file and line of a wrong header, a row with the wrong number of
     *         fields, or a field that is not a number; or when the file is missing or has no rows
     */
    public static TraceCsv read(Path file, String... columns) {
        int k = columns.length;
        double[][] cols = new double[k][16];
        int[] lines = new int[16];
        int n = 0;
        String expected = String.join(",", columns);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) {
                    continue;
                }
                String where = file + ":" + lineNo;
                String[] f = s.split(",", -1);
                if (n == 0 && !f[0].isBlank() && Character.isLetter(f[0].strip().charAt(0))) {
                    String header = String.join(",", Arrays.stream(f).map(x -> x.strip().toLowerCase(Locale.ROOT))
                            .toArray(String[]::new));
                    if (!header.equals(expected)) {
                        throw new IllegalArgumentException(where + ": header must be '" + expected + "', got '" + s
                                + "'");
                    }
                    continue;
                }
                if (f.length != k) {
                    throw new IllegalArgumentException(where + ": expected '" + expected + "', got '" + s + "'");
                }
                if (n == lines.length) {
                    lines = Arrays.copyOf(lines, 2 * n);
                    for (int c = 0; c < k; c++) {
                        cols[c] = Arrays.copyOf(cols[c], 2 * n);
                    }
                }
                for (int c = 0; c < k; c++) {
                    try {
                        cols[c][n] = Double.parseDouble(f[c].strip());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(where + ": " + columns[c] + " is not a number: '"
                                + f[c].strip() + "'");
                    }
                }
                lines[n++] = lineNo;
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("trace file not found: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        if (n == 0) {
            throw new IllegalArgumentException(file + ": no rows (expected '" + expected + "' lines)");
        }
        for (int c = 0; c < k; c++) {
            cols[c] = Arrays.copyOf(cols[c], n);
        }
        return new TraceCsv(file, columns.clone(), cols, Arrays.copyOf(lines, n));
    }

    /** @return the number of rows */
    public int rows() {
        return lines.length;
    }

    /**
     * @param column index of a column
     * @return a copy of its values
     */
    public double[] column(int column) {
        return columns[column].clone();
    }

    /**
     * @param row    row index
     * @param column column index
     * @return the value
     */
    public double value(int row, int column) {
        return columns[column][row];
    }

    /**
     * @param row    row index
     * @param column column index
     * @return the value, which must be an integer in {@code [0, bound)}
     * @throws IllegalArgumentException naming the file, line and column otherwise
     */
    public int index(int row, int column, int bound) {
        double v = columns[column][row];
        if (v != Math.rint(v) || v < 0 || v >= bound) {
            throw new IllegalArgumentException(where(row) + ": " + names[column] + " must be an id in 0.."
                    + (bound - 1) + ", got " + (v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v)));
        }
        return (int) v;
    }

    /**
     * @param row row index
     * @return {@code file:line} of that row, for messages
     */
    public String where(int row) {
        return file + ":" + lines[row];
    }

    /** @return the file read */
    public Path file() {
        return file;
    }
}
