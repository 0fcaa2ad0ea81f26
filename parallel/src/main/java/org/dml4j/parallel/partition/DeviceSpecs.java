package org.dml4j.parallel.partition;

import java.util.Arrays;
import java.util.Objects;

/**
 * The devices of a pipeline in stage order: relative speed, memory limit, and how many micro-batches' activations
 * each stage holds at its peak (the schedule decides: {@code p - s} for 1F1B, {@code m} for GPipe, {@code p} for
 * the first stage of ZB-H1).
 *
 * <p>Immutable and thread-safe; array accessors return copies.
 */
public final class DeviceSpecs {
    private final double[] speed;
    private final double[] memoryLimit;
    private final double[] inFlight;

    private DeviceSpecs(double[] speed, double[] memoryLimit, double[] inFlight) {
        int p = Objects.requireNonNull(speed, "speed").length;
        if (p < 1) {
            throw new IllegalArgumentException("stages must be >= 1, got 0");
        }
        Objects.requireNonNull(memoryLimit, "memoryLimit");
        Objects.requireNonNull(inFlight, "inFlight");
        if (memoryLimit.length != p) {
            throw new IllegalArgumentException("memoryLimit must have " + p + " (stages) values, got "
                    + memoryLimit.length);
        }
        if (inFlight.length != p) {
            throw new IllegalArgumentException("inFlight must have " + p + " (stages) values, got " + inFlight.length);
        }
        for (int s = 0; s < p; s++) {
            if (!(speed[s] > 0) || Double.isInfinite(speed[s])) {
                throw new IllegalArgumentException("speed[" + s + "] must be a finite number > 0, got " + speed[s]);
            }
            if (!(memoryLimit[s] > 0)) {
                throw new IllegalArgumentException("memoryLimit[" + s + "] must be > 0 (or Infinity), got "
                        + memoryLimit[s]);
            }
            if (!(inFlight[s] >= 0) || Double.isInfinite(inFlight[s])) {
                throw new IllegalArgumentException("inFlight[" + s + "] must be a finite number >= 0, got "
                        + inFlight[s]);
            }
        }
        this.speed = speed.clone();
        this.memoryLimit = memoryLimit.clone();
        this.inFlight = inFlight.clone();
    }

    /**
     * @param speed       relative speed per stage's device ({@code > 0})
     * @param memoryLimit memory limit per device ({@code Infinity}: none)
     * @param inFlight    micro-batches of activations each stage holds at its peak
     * @return the validated devices
     */
    public static DeviceSpecs of(double[] speed, double[] memoryLimit, double[] inFlight) {
        return new DeviceSpecs(speed, memoryLimit, inFlight);
    }

    /**
     * @param p stages
     * @return {@code p} identical unit-speed devices with no memory limit, 1F1B's in-flight counts
     */
    public static DeviceSpecs uniform(int p) {
        if (p < 1) {
            throw new IllegalArgumentException("stages must be >= 1, got " + p);
        }
        double[] speed = new double[p];
        double[] mem = new double[p];
        Arrays.fill(speed, 1);
        Arrays.fill(mem, Double.POSITIVE_INFINITY);
        return new DeviceSpecs(speed, mem, oneFOneBInFlight(p));
    }

    /**
     * @param p stages
     * @return 1F1B's activation counts {@code p - s} (Narayanan et al., SC 2021)
     */
    public static double[] oneFOneBInFlight(int p) {
        double[] a = new double[p];
        for (int s = 0; s < p; s++) {
            a[s] = p - s;
        }
        return a;
    }

    /**
     * @param speed new speeds
     * @return a copy with these speeds
     */
    public DeviceSpecs withSpeed(double... speed) {
        return new DeviceSpecs(speed, memoryLimit, inFlight);
    }

    /**
     * @param limit new memory limits
     * @return a copy with these limits
     */
    public DeviceSpecs withMemoryLimit(double... limit) {
        return new DeviceSpecs(speed, limit, inFlight);
    }

    /**
     * @param inFlight new in-flight counts
     * @return a copy with them
     */
    public DeviceSpecs withInFlight(double... inFlight) {
        return new DeviceSpecs(speed, memoryLimit, inFlight);
    }

    /** @return the number of stages {@code p} */
    public int stages() {
        return speed.length;
    }

    /**
     * @param s a stage
     * @return its device's speed
     */
    public double speed(int s) {
        return speed[s];
    }

    /**
     * @param s a stage
     * @return its device's memory limit
     */
    public double memoryLimit(int s) {
        return memoryLimit[s];
    }

    /**
     * @param s a stage
     * @return micro-batches of activations it holds at its peak
     */
    public double inFlight(int s) {
        return inFlight[s];
    }

    /** @return a copy of the speeds */
    public double[] speeds() {
        return speed.clone();
    }

    /** @return a copy of the memory limits */
    public double[] memoryLimits() {
        return memoryLimit.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceSpecs d && Arrays.equals(speed, d.speed) && Arrays.equals(memoryLimit,
                d.memoryLimit) && Arrays.equals(inFlight, d.inFlight);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(speed), Arrays.hashCode(memoryLimit), Arrays.hashCode(inFlight));
    }

    @Override
    public String toString() {
        return "DeviceSpecs[speed=" + Arrays.toString(speed) + ", memoryLimit=" + Arrays.toString(memoryLimit)
                + ", inFlight=" + Arrays.toString(inFlight) + "]";
    }
}
