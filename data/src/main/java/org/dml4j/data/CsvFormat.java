package org.dml4j.data;

import java.util.Arrays;

/**
 * How {@link CsvReader} reads a delimited text file of numeric samples: one sample per line, one column holding the
 * integer class label and every other column a feature.
 *
 * <p>Immutable and thread-safe (the shape array is copied in and out).
 *
 * @param labelColumn index of the label column; negative values count from the end ({@code -1} = last column)
 * @param scale       every feature value is multiplied by this (e.g. {@code 1/16f} for 4-bit pixels)
 * @param delimiter   the column separator, usually {@code ','}
 * @param header      whether the first line is a header to skip
 * @param sampleShape shape of one sample, or {@code null} for {@code {number of feature columns}}
 * @param numClasses  number of classes, or 0 to use the largest label plus one
 */
public record CsvFormat(int labelColumn, float scale, char delimiter, boolean header, int[] sampleShape,
                        int numClasses) {
    /**
     * The scikit-learn / UCI optical digits file: 64 pixel columns with values 0..16, then the label; pixels scaled
     * to {@code [0, 1]}, samples shaped {@code {1, 8, 8}}, 10 classes.
     */
    public static final CsvFormat DIGITS = new CsvFormat(-1, 1f / 16f, ',', false, new int[] {1, 8, 8}, 10);

    /** Validates the fields and copies the shape. */
    public CsvFormat {
        if (!Float.isFinite(scale) || scale == 0f) {
            throw new IllegalArgumentException("scale must be finite and non-zero, got " + scale);
        }
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter == '.' || delimiter == '-'
                || (delimiter >= '0' && delimiter <= '9') || delimiter > 0x7f) {
            throw new IllegalArgumentException("delimiter must be an ASCII separator such as ',' ';' or tab, got '"
                    + delimiter + "'");
        }
        if (numClasses < 0) {
            throw new IllegalArgumentException("numClasses must be >= 0 (0 = infer), got " + numClasses);
        }
        if (sampleShape != null) {
            sampleShape = sampleShape.clone();
            for (int d : sampleShape) {
                if (d <= 0) {
                    throw new IllegalArgumentException("sampleShape must be positive, got "
                            + Arrays.toString(sampleShape));
                }
            }
            if (sampleShape.length == 0) {
                throw new IllegalArgumentException("sampleShape must have at least one dimension");
            }
        }
    }

    /**
     * @param labelColumn index of the label column, negative from the end
     * @param scale       multiplier applied to every feature
     * @return a comma-separated format without header, shape {@code {features}}, classes inferred
     */
    public static CsvFormat of(int labelColumn, float scale) {
        return new CsvFormat(labelColumn, scale, ',', false, null, 0);
    }

    /** @return a copy of the sample shape, or {@code null} when it is the number of feature columns */
    @Override
    public int[] sampleShape() {
        return sampleShape == null ? null : sampleShape.clone();
    }

    /**
     * @param shape the shape of one sample
     * @return a copy of this format with that shape
     */
    public CsvFormat withSampleShape(int... shape) {
        return new CsvFormat(labelColumn, scale, delimiter, header, shape, numClasses);
    }

    /**
     * @param classes number of classes (0 = infer)
     * @return a copy of this format with that class count
     */
    public CsvFormat withNumClasses(int classes) {
        return new CsvFormat(labelColumn, scale, delimiter, header, sampleShape, classes);
    }

    /**
     * @param skipFirstLine whether the first line is a header
     * @return a copy of this format with that header setting
     */
    public CsvFormat withHeader(boolean skipFirstLine) {
        return new CsvFormat(labelColumn, scale, delimiter, skipFirstLine, sampleShape, numClasses);
    }

    /**
     * @param separator the column separator
     * @return a copy of this format with that separator
     */
    public CsvFormat withDelimiter(char separator) {
        return new CsvFormat(labelColumn, scale, separator, header, sampleShape, numClasses);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CsvFormat f && f.labelColumn == labelColumn && Float.compare(f.scale, scale) == 0
                && f.delimiter == delimiter && f.header == header && Arrays.equals(f.sampleShape, sampleShape)
                && f.numClasses == numClasses;
    }

    @Override
    public int hashCode() {
        return ((((labelColumn * 31 + Float.hashCode(scale)) * 31 + delimiter) * 31 + Boolean.hashCode(header)) * 31
                + Arrays.hashCode(sampleShape)) * 31 + numClasses;
    }

    @Override
    public String toString() {
        return "CsvFormat[labelColumn=" + labelColumn + ", scale=" + scale + ", delimiter='" + delimiter
                + "', header=" + header + ", sampleShape=" + Arrays.toString(sampleShape) + ", numClasses="
                + numClasses + "]";
    }
}
