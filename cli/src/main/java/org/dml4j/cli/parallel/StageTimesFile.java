package org.dml4j.cli.parallel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.dml4j.parallel.pipeline.StageCosts;

/**
 * Reads per-stage costs for {@code dml4j schedule --stage-times FILE}: a CSV file with a header naming its columns
 * and one row per pipeline stage. Columns {@code forward}, {@code backward} and {@code weight} are required;
 * {@code activation} (memory per micro-batch), {@code static} (static memory), {@code speed} (relative device speed)
 * and {@code memory-limit} are optional. Lines starting with {@code #} are comments.
 *
 * <pre>
 * # stage costs in ms, memory in GB
 * forward,backward,weight,activation,static,speed
 * 1.0,1.1,0.9,2.0,10,1
 * 2.0,2.2,1.8,2.0,10,1
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
final class StageTimesFile {
    private static final List<String> KNOWN =
            List.of("forward", "backward", "weight", "activation", "static", "speed", "memory-limit");

    private StageTimesFile() {
    }

    /**
     * @param file the CSV file
     * @return a builder holding the file's stage costs (p2p time and defaults untouched)
     */
    static StageCosts.Builder read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read stage times " + file + ": " + e.getMessage(), e);
        }
        String[] header = null;
        List<double[]> rows = new ArrayList<>();
        int lineNo = 0;
        for (String raw : lines) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (header == null) {
                header = new String[f.length];
                for (int i = 0; i < f.length; i++) {
                    header[i] = f[i].strip().toLowerCase(Locale.ROOT);
                    if (!KNOWN.contains(header[i])) {
                        throw new IllegalArgumentException(file + " line " + lineNo + ": unknown column '" + header[i]
                                + "'; known: " + String.join(", ", KNOWN));
                    }
                }
                for (String need : List.of("forward", "backward", "weight")) {
                    if (!Arrays.asList(header).contains(need)) {
                        throw new IllegalArgumentException(file + " line " + lineNo + ": column '" + need
                                + "' is missing");
                    }
                }
                continue;
            }
            if (f.length != header.length) {
                throw new IllegalArgumentException(file + " line " + lineNo + ": expected " + header.length
                        + " fields, got " + f.length);
            }
            double[] row = new double[header.length];
            for (int i = 0; i < f.length; i++) {
                try {
                    row[i] = Double.parseDouble(f[i].strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + " line " + lineNo + ": " + header[i] + " '" + f[i]
                            + "' is not a number");
                }
            }
            rows.add(row);
        }
        if (header == null || rows.isEmpty()) {
            throw new IllegalArgumentException(file + ": no stages (expected a header and one row per stage)");
        }
        StageCosts.Builder b = StageCosts.builder(rows.size());
        for (int c = 0; c < header.length; c++) {
            double[] col = new double[rows.size()];
            for (int s = 0; s < col.length; s++) {
                col[s] = rows.get(s)[c];
            }
            switch (header[c]) {
                case "forward" -> b.forward(col);
                case "backward" -> b.backward(col);
                case "weight" -> b.weight(col);
                case "activation" -> b.activationMemory(col);
                case "static" -> b.staticMemory(col);
                case "speed" -> b.deviceSpeed(col);
                default -> b.memoryLimit(col);
            }
        }
        return b;
    }
}
