package org.dml4j.cli.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.sim.RoundTiming;

/**
 * Reads and writes {@code metrics.csv} (deterministic per-round metrics) and {@code timing.csv} (wall-clock times).
 * Numbers are written with {@link Double#toString}, so equal runs give byte-identical files. Rows are appended as
 * the run makes them.
 */
public final class MetricsCsv {
    /** Header of {@code metrics.csv}. */
    public static final String HEADER = "round,clients,failed,learning_rate,train_loss,test_loss,test_accuracy,"
            + "elements_up,bytes_up,density_up,elements_down,bytes_down,density_down,total_bytes_up,total_bytes_down";
    private static final int FIELDS = 15;
    /** The virtual-time column, written when the run has a network or device model. */
    public static final String SIM_SECONDS = "sim_seconds";
    /** The WAN column (bytes that crossed a WAN link this round), written when the run's links have a WAN. */
    public static final String WAN_BYTES = "wan_bytes";
    /** Header of {@code timing.csv}. */
    public static final String TIMING_HEADER = "round,wall_seconds,train_seconds,eval_seconds,elapsed_seconds,threads";

    private MetricsCsv() {
    }

    /**
     * Opens {@code metrics.csv} for a run: the header now, then one row per {@link Rows#add} (appended and flushed,
     * so an interrupted run keeps every whole row, and a long run never rewrites the file).
     *
     * @param file       destination (created or truncated)
     * @param simSeconds whether to add the {@value #SIM_SECONDS} column (virtual time); without a network or device
     *                   model the clock stays at 0 and the file is as it was before virtual time existed
     * @return the open file
     */
    public static Rows<RoundMetrics> metrics(Path file, boolean simSeconds) {
        return metrics(file, simSeconds, false);
    }

    /**
     * Opens {@code metrics.csv} as {@link #metrics(Path, boolean)} does, with a {@value #WAN_BYTES} column after
     * {@value #SIM_SECONDS} when {@code wan} is set.
     *
     * @param file       destination (created or truncated)
     * @param simSeconds whether to add the {@value #SIM_SECONDS} column
     * @param wan        whether to add the {@value #WAN_BYTES} column (the run's links have a WAN)
     * @return the open file
     */
    public static Rows<RoundMetrics> metrics(Path file, boolean simSeconds, boolean wan) {
        return metrics(file, simSeconds, wan, -1);
    }

    /**
     * Opens {@code metrics.csv} as {@link #metrics(Path, boolean, boolean)} does, or, for a resumed run, continues
     * it: the file is cut back to the {@code keep} bytes a checkpoint recorded and rows are appended after them.
     *
     * @param file       destination
     * @param simSeconds whether to add the {@value #SIM_SECONDS} column
     * @param wan        whether to add the {@value #WAN_BYTES} column
     * @param keep       bytes of the file to keep (a resumed run), or -1 to create or truncate it
     * @return the open file
     */
    public static Rows<RoundMetrics> metrics(Path file, boolean simSeconds, boolean wan, long keep) {
        String header = HEADER + (simSeconds ? "," + SIM_SECONDS : "") + (wan ? "," + WAN_BYTES : "");
        return new Rows<>(file, header, keep, m -> {
            StringBuilder sb = new StringBuilder();
            sb.append(m.round()).append(',').append(m.clients()).append(',').append(m.failed()).append(',')
                    .append(m.learningRate()).append(',').append(m.trainLoss()).append(',').append(m.testLoss())
                    .append(',').append(m.testAccuracy()).append(',').append(m.elementsUp()).append(',')
                    .append(m.bytesUp()).append(',').append(m.densityUp()).append(',').append(m.elementsDown())
                    .append(',').append(m.bytesDown()).append(',').append(m.densityDown()).append(',')
                    .append(m.totalBytesUp()).append(',').append(m.totalBytesDown());
            if (simSeconds) {
                sb.append(',').append(m.simSeconds());
            }
            if (wan) {
                sb.append(',').append(m.wanBytes());
            }
            return sb.toString();
        });
    }

    /**
     * @param file destination of {@code timing.csv} (created or truncated)
     * @return the open file, one row per round
     */
    public static Rows<RoundTiming> timing(Path file) {
        return timing(file, -1);
    }

    /**
     * @param file destination of {@code timing.csv}
     * @param keep bytes to keep (a resumed run, see {@link #metrics(Path, boolean, boolean, long)}), or -1
     * @return the open file, one row per round
     */
    public static Rows<RoundTiming> timing(Path file, long keep) {
        return new Rows<>(file, TIMING_HEADER, keep, t -> t.round() + "," + t.wallSeconds() + "," + t.trainSeconds() + ","
                + t.evalSeconds() + "," + t.elapsedSeconds() + "," + t.threads());
    }

    /** Header of {@code clients.csv}; the run's virtual times follow when it has a network or device model. */
    public static final String CLIENTS_HEADER = "round,client,task,base_version,status,samples,steps,train_loss,"
            + "elements_up,bytes_up,level";
    /** The virtual-time columns of {@code clients.csv}. */
    public static final String CLIENTS_TIMES = "download_seconds,compute_seconds,upload_seconds,sim_seconds";

    /**
     * Opens {@code clients.csv}: one row per participant's task outcome (reply, failure, loss, cancellation), in the
     * round it is counted in, appended as it comes (see {@link org.dml4j.fl.ClientRound} for the columns).
     *
     * @param file  destination
     * @param timed whether to add the virtual-time columns ({@value #CLIENTS_TIMES})
     * @param keep  bytes to keep (a resumed run), or -1 to create or truncate the file
     * @return the open file
     */
    public static Rows<org.dml4j.fl.ClientRound> clients(Path file, boolean timed, long keep) {
        return new Rows<>(file, CLIENTS_HEADER + (timed ? "," + CLIENTS_TIMES : ""), keep, c -> {
            StringBuilder sb = new StringBuilder();
            sb.append(c.round()).append(',').append(c.participant()).append(',').append(c.taskId()).append(',')
                    .append(c.baseVersion()).append(',').append(c.status()).append(',').append(c.samples())
                    .append(',').append(c.steps()).append(',').append(c.trainLoss()).append(',')
                    .append(c.elementsUp()).append(',').append(c.bytesUp()).append(',').append(c.level());
            if (timed) {
                sb.append(',').append(c.downloadSeconds()).append(',').append(c.computeSeconds()).append(',')
                        .append(c.uploadSeconds()).append(',').append(c.time());
            }
            return sb.toString();
        });
    }

    /**
     * A CSV file written row by row: each row is appended and flushed at once.
     *
     * @param <T> the row type
     */
    public static final class Rows<T> implements AutoCloseable {
        private final Path file;
        private final java.util.function.Function<T, String> format;
        private final java.io.Writer out;

        private Rows(Path file, String header, long keep, java.util.function.Function<T, String> format) {
            this.file = file;
            this.format = format;
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                if (keep >= 0) {
                    cut(file, keep, header);
                    this.out = Files.newBufferedWriter(file, java.nio.charset.StandardCharsets.UTF_8,
                            java.nio.file.StandardOpenOption.APPEND);
                    return;
                }
                this.out = Files.newBufferedWriter(file, java.nio.charset.StandardCharsets.UTF_8);
                out.write(header);
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
            }
        }

        /**
         * Cuts a file back to the length a checkpoint recorded, checking that it starts with the header.
         *
         * @throws IllegalArgumentException when the file is shorter or has another header (not this run's file)
         */
        private static void cut(Path file, long keep, String header) throws IOException {
            long size = Files.exists(file) ? Files.size(file) : -1;
            if (size < keep) {
                throw new IllegalArgumentException("cannot resume: " + file + " holds " + Math.max(size, 0)
                        + " bytes, the checkpoint recorded " + keep);
            }
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
                    java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.READ)) {
                ch.truncate(keep);
            }
            if (keep > 0 && !Files.readAllLines(file).getFirst().equals(header)) {
                throw new IllegalArgumentException("cannot resume: " + file + " does not start with the header "
                        + header);
            }
        }

        /** @return the file's length now (every row added is flushed), for a checkpoint */
        public long bytes() {
            try {
                out.flush();
                return Files.size(file);
            } catch (IOException e) {
                throw new UncheckedIOException("could not read the size of " + file + ": " + e.getMessage(), e);
            }
        }

        /** @param row appended as one line, flushed */
        public void add(T row) {
            try {
                out.write(format.apply(row));
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * @param file a {@code metrics.csv}
     * @return its rows
     * @throws IllegalArgumentException when the header or a row is malformed (naming the line)
     */
    public static List<RoundMetrics> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        String head = lines.isEmpty() ? "" : lines.get(0);
        boolean wan = head.endsWith("," + WAN_BYTES);
        String rest = wan ? head.substring(0, head.length() - WAN_BYTES.length() - 1) : head;
        if (!(rest.equals(HEADER) || rest.equals(HEADER + "," + SIM_SECONDS))) {
            throw new IllegalArgumentException(file + " is not a dml4j metrics.csv (line 1 must be: " + HEADER
                    + "[," + SIM_SECONDS + "][," + WAN_BYTES + "])");
        }
        boolean sim = !rest.equals(HEADER);
        int fields = FIELDS + (sim ? 1 : 0) + (wan ? 1 : 0);
        List<RoundMetrics> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] f = lines.get(i).split(",");
            if (f.length != fields) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected " + fields + " fields, got "
                        + f.length);
            }
            try {
                out.add(new RoundMetrics(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                        Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                        Double.parseDouble(f[6]), Long.parseLong(f[7]), Long.parseLong(f[8]),
                        Double.parseDouble(f[9]), Long.parseLong(f[10]), Long.parseLong(f[11]),
                        Double.parseDouble(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14]),
                        sim ? Double.parseDouble(f[15]) : Double.NaN, wan ? Long.parseLong(f[fields - 1]) : 0L));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return out;
    }

    /**
     * @param file a {@code timing.csv}
     * @return its rows, or an empty list when the file does not exist
     */
    public static List<RoundTiming> readTiming(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<String> lines = Files.readAllLines(file);
            List<RoundTiming> out = new ArrayList<>();
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).split(",");
                if (f.length == 6) {
                    out.add(new RoundTiming(Integer.parseInt(f[0]), Double.parseDouble(f[1]),
                            Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
                            Integer.parseInt(f[5])));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }
}
