package org.dml4j.sim.device;

/** Validation shared by the device config records. */
final class DeviceChecks {
    private DeviceChecks() {
    }

    static void positive(String key, double v) {
        if (!(v > 0) || v == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(key + " must be finite and > 0, got " + v);
        }
    }

    static void dropout(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + p);
        }
    }
}
