package org.dml4j.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.dml4j.data.DatasetStore;
import picocli.CommandLine.Option;

/**
 * The data store the commands use: the real environment, cache and mirrors, with each fetch attempt and a progress
 * bar per file printed on standard error. Include {@link Offline} as a picocli mixin where a command loads data.
 */
final class DataStores {
    private DataStores() {
    }

    /** @return the store, reporting to {@code System.err} */
    static DatasetStore forCommandLine() {
        PrintStream err = System.err;
        return DatasetStore.builder().log(err::println).progress(new Bar(err, System.console() != null)).build();
    }

    /** {@code --offline}: never fetch a missing data set (same as {@code DML4J_OFFLINE=1}). */
    static final class Offline {
        @Option(names = "--offline", description = "never fetch a missing data set (same as DML4J_OFFLINE=1)")
        void offline(boolean on) {
            if (on) {
                System.setProperty(DatasetStore.OFFLINE_PROP_NAME, "true");
            }
        }
    }

    /** One {@link Progress} line per file, in megabytes. */
    private static final class Bar implements DatasetStore.DownloadProgress {
        private final PrintStream out;
        private final boolean terminal;
        private Progress current;
        private String file;

        Bar(PrintStream out, boolean terminal) {
            this.out = out;
            this.terminal = terminal;
        }

        @Override
        public synchronized void update(String name, long bytes, long total) {
            int totalKb = (int) Math.max(1, total / 1024);
            if (current == null || !name.equals(file)) {
                file = name;
                current = new Progress(out, terminal, "  " + name, totalKb);
            }
            current.update((int) Math.min(totalKb, bytes / 1024), String.format(Locale.ROOT, "%.1f/%.1f MB",
                    bytes / 1e6, total / 1e6));
        }

        @Override
        public synchronized void finished(String name) {
            current = null;
            file = null;
        }
    }
}
