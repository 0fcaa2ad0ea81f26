package org.dml4j.sim.network;

import java.util.SplittableRandom;
import org.dml4j.core.SeedTree;

/**
 * A synthetic capacity that changes every {@code period} seconds: on {@code [k*period, (k+1)*period)} it is
 * {@code mean * exp(sigma * Z_k - sigma^2 / 2)} with {@code Z_k} standard normal, so each segment is log-normal with
 * the given mean. {@code Z_k} is drawn from {@code seeds.child(k)}: the value of a segment depends only on the seed
 * path (which should name the node and the link, e.g. {@code root.child("network").child("uplink").child(node)}) and
 * {@code k}, never on the order of queries.
 *
 * <p>Immutable and thread-safe.
 */
public final class GeneratedBandwidth implements BandwidthProfile {
    private final double mean;
    private final double sigma;
    private final double period;
    private final SeedTree seeds;

    /**
     * @param mean   mean capacity in bytes per second, &gt; 0
     * @param sigma  log-scale standard deviation, &gt;= 0 (0: constant)
     * @param period seconds between changes, &gt; 0
     * @param seeds  the seed path of this link
     */
    public GeneratedBandwidth(double mean, double sigma, double period, SeedTree seeds) {
        if (!(mean > 0) || mean == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("mean must be finite and > 0, got " + mean);
        }
        if (!(sigma >= 0) || sigma > 10) {
            throw new IllegalArgumentException("sigma must be in [0, 10], got " + sigma);
        }
        if (!(period > 0) || period == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("period must be finite and > 0, got " + period);
        }
        this.mean = mean;
        this.sigma = sigma;
        this.period = period;
        this.seeds = java.util.Objects.requireNonNull(seeds, "seeds");
    }

    @Override
    public double bytesPerSecond(double time) {
        if (sigma == 0) {
            return mean;
        }
        SplittableRandom r = seeds.child(segment(time)).random();
        return mean * Math.exp(sigma * r.nextGaussian() - 0.5 * sigma * sigma);
    }

    /**
     * The first time after {@code time} whose segment index differs, found with the same rounding as
     * {@link #bytesPerSecond}, so that the value there is the next segment's.
     */
    @Override
    public double nextChange(double time) {
        if (sigma == 0) {
            return Double.POSITIVE_INFINITY;
        }
        long k = segment(time);
        double next = Math.max((k + 1) * period, Math.nextUp(time));
        while (segment(next) <= k) {
            next = Math.nextUp(next);
        }
        return next;
    }

    private long segment(double time) {
        return (long) Math.floor(Math.max(0, time) / period);
    }
}
