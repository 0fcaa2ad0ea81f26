package org.dml4j.fl.fedluck;

import java.util.Arrays;

/**
 * Estimates FedLuck's per-device {@code alpha_i} (seconds per local step) and {@code beta_i} (seconds to upload an
 * uncompressed update) from what replies report: the compute seconds of a task and its number of steps, and the
 * transfer seconds of an upload and its exact size in bytes. Both are ratio estimators over everything recorded:
 * {@code alpha = sum(compute seconds) / sum(steps)} and
 * {@code beta = fullModelBytes * sum(upload seconds) / sum(upload bytes)}. In the simulator these are virtual times,
 * so the estimates are exact for constant devices and links (a link's latency is spread over the bytes, which
 * slightly overestimates {@code beta} for small messages); with measured wall time on real devices they are
 * averages.
 *
 * <p>State is four primitive arrays indexed by client id, grown to the largest id recorded (32 bytes per client).
 * Not thread-safe: use it on the coordinator's thread.
 */
public final class TimingEstimator {
    private final long fullModelBytes;
    private double[] computeSeconds = new double[0];
    private long[] steps = new long[0];
    private double[] uploadSeconds = new double[0];
    private long[] uploadBytes = new long[0];

    /**
     * @param fullModelBytes wire size of an uncompressed update, &gt; 0 (the dense update's {@code wireBytes()})
     */
    public TimingEstimator(long fullModelBytes) {
        if (fullModelBytes < 1) {
            throw new IllegalArgumentException("fullModelBytes must be >= 1, got " + fullModelBytes);
        }
        this.fullModelBytes = fullModelBytes;
    }

    /**
     * @param client  the device
     * @param n       local steps it ran, &gt;= 1
     * @param seconds the compute seconds they took, &gt;= 0
     */
    public void recordCompute(int client, int n, double seconds) {
        if (n < 1) {
            throw new IllegalArgumentException("steps must be >= 1, got " + n);
        }
        checkSeconds(seconds);
        ensure(client);
        computeSeconds[client] += seconds;
        steps[client] += n;
    }

    /**
     * @param client  the device
     * @param bytes   exact size of the upload, &gt;= 1
     * @param seconds the seconds it took, &gt;= 0
     */
    public void recordUpload(int client, long bytes, double seconds) {
        if (bytes < 1) {
            throw new IllegalArgumentException("bytes must be >= 1, got " + bytes);
        }
        checkSeconds(seconds);
        ensure(client);
        uploadSeconds[client] += seconds;
        uploadBytes[client] += bytes;
    }

    /**
     * @param client a device
     * @return whether both {@code alpha} and {@code beta} have been measured for it
     */
    public boolean hasEstimate(int client) {
        return client >= 0 && client < steps.length && steps[client] > 0 && uploadBytes[client] > 0;
    }

    /**
     * @param client a device with a compute measurement
     * @return its seconds per local step
     */
    public double alpha(int client) {
        if (client < 0 || client >= steps.length || steps[client] == 0) {
            throw new IllegalArgumentException("no compute time recorded for client " + client);
        }
        return computeSeconds[client] / steps[client];
    }

    /**
     * @param client a device with an upload measurement
     * @return its seconds to upload an uncompressed update
     */
    public double beta(int client) {
        if (client < 0 || client >= steps.length || uploadBytes[client] == 0) {
            throw new IllegalArgumentException("no upload recorded for client " + client);
        }
        return fullModelBytes * (uploadSeconds[client] / uploadBytes[client]);
    }

    private static void checkSeconds(double s) {
        if (!(s >= 0) || s == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("seconds must be finite and >= 0, got " + s);
        }
    }

    private void ensure(int client) {
        if (client < 0) {
            throw new IllegalArgumentException("client must be >= 0, got " + client);
        }
        if (client >= steps.length) {
            int n = Math.max(client + 1, Math.min(Integer.MAX_VALUE - 8, 2 * steps.length));
            computeSeconds = Arrays.copyOf(computeSeconds, n);
            steps = Arrays.copyOf(steps, n);
            uploadSeconds = Arrays.copyOf(uploadSeconds, n);
            uploadBytes = Arrays.copyOf(uploadBytes, n);
        }
    }

    /** @param out where the measurements go (a checkpoint view) */
    public void save(org.dml4j.core.Snapshot out) {
        out.putLong("full-model-bytes", fullModelBytes).putDoubles("compute-seconds", computeSeconds)
                .putLongs("steps", steps).putDoubles("upload-seconds", uploadSeconds)
                .putLongs("upload-bytes", uploadBytes);
    }

    /**
     * @param in what {@link #save} wrote
     * @return the estimator as saved
     */
    public static TimingEstimator restore(org.dml4j.core.Snapshot in) {
        TimingEstimator t = new TimingEstimator(in.getLong("full-model-bytes"));
        int n = in.getLongs("steps").length;
        t.computeSeconds = in.getDoubles("compute-seconds", n);
        t.steps = in.getLongs("steps", n);
        t.uploadSeconds = in.getDoubles("upload-seconds", n);
        t.uploadBytes = in.getLongs("upload-bytes", n);
        return t;
    }
}
