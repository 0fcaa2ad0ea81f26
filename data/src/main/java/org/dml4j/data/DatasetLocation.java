package org.dml4j.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where {@link DatasetStore} found (or put) a data set's files.
 *
 * <p>Immutable and thread-safe.
 *
 * @param dataset the data set's name
 * @param source  which step of the search found it
 * @param path    the folder (or single file) holding it; {@code null} only for {@link Source#BUNDLED}
 * @param detail  a human description, e.g. {@code "$DML4J_DATA_DIR/mnist"} or the class-path resource
 */
public record DatasetLocation(String dataset, Source source, Path path, String detail) {
    /** The steps of the search, in the order the store tries them. */
    public enum Source {
        /** A path given by the caller (command line, config file). */
        EXPLICIT,
        /** Under the folder named by the {@code DML4J_DATA_DIR} environment variable. */
        ENVIRONMENT,
        /** Under the user cache, {@code ~/.cache/dml4j} (or {@code $XDG_CACHE_HOME/dml4j}). */
        USER_CACHE,
        /** A well-known system folder, e.g. {@code /usr/share/datasets/fashion-mnist} from a Debian package. */
        SYSTEM,
        /** Shipped inside the dml4j-data jar (the digits set). */
        BUNDLED,
        /** Downloaded into the user cache by this call. */
        DOWNLOADED
    }

    /** Checks the fields. */
    public DatasetLocation {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(detail, "detail");
        if (path == null && source != Source.BUNDLED) {
            throw new IllegalArgumentException("path must be given for source " + source);
        }
    }

    @Override
    public String toString() {
        return dataset + ": " + detail + " (" + source.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + ")";
    }
}
