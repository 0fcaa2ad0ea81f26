package org.dml4j.sim.device;

import java.nio.file.Path;
import java.util.Objects;
import org.dml4j.core.SeedTree;
import org.dml4j.sim.trace.TraceCsv;

/** The providers of {@code [devices]}: {@code constant}, {@code lognormal} and {@code trace}. */
public final class DeviceProviders {
    private DeviceProviders() {
    }

    private static Devices devices(AvailabilityConfig availability, double dropout, int clients, SeedTree seeds,
                                   Path baseDir, java.util.function.IntToDoubleFunction secondsPerStep) {
        Objects.requireNonNull(seeds, "seeds");
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be >= 1, got " + clients);
        }
        return new Devices(clients, secondsPerStep, availability.create(clients, seeds, baseDir), dropout, seeds);
    }

    /** {@code type = "constant"} ({@link ConstantDevicesConfig}). */
    public static final class Constant implements DeviceProvider {
        @Override
        public String name() {
            return "constant";
        }

        @Override
        public Class<? extends DeviceConfig> configType() {
            return ConstantDevicesConfig.class;
        }

        @Override
        public DeviceModel create(DeviceConfig config, int clients, SeedTree seeds, Path baseDir) {
            ConstantDevicesConfig c = (ConstantDevicesConfig) config;
            double s = c.secondsPerStep();
            return devices(c.availability(), c.dropout(), clients, seeds, baseDir, n -> s);
        }
    }

    /** {@code type = "lognormal"} ({@link LogNormalDevicesConfig}); speeds from {@code devices/speed/<id>}. */
    public static final class LogNormal implements DeviceProvider {
        @Override
        public String name() {
            return "lognormal";
        }

        @Override
        public Class<? extends DeviceConfig> configType() {
            return LogNormalDevicesConfig.class;
        }

        @Override
        public DeviceModel create(DeviceConfig config, int clients, SeedTree seeds, Path baseDir) {
            LogNormalDevicesConfig c = (LogNormalDevicesConfig) config;
            SeedTree speed = seeds.child("devices").child("speed");
            double median = c.medianSecondsPerStep();
            double sigma = c.sigma();
            double lo = median / c.clip();
            double hi = median * c.clip();
            return devices(c.availability(), c.dropout(), clients, seeds, baseDir, n -> {
                double s = median * Math.exp(sigma * speed.child(n).random().nextGaussian());
                return Math.min(hi, Math.max(lo, s));
            });
        }
    }

    /** {@code type = "trace"} ({@link TraceDevicesConfig}). */
    public static final class Trace implements DeviceProvider {
        @Override
        public String name() {
            return "trace";
        }

        @Override
        public Class<? extends DeviceConfig> configType() {
            return TraceDevicesConfig.class;
        }

        @Override
        public DeviceModel create(DeviceConfig config, int clients, SeedTree seeds, Path baseDir) {
            TraceDevicesConfig c = (TraceDevicesConfig) config;
            TraceCsv csv = TraceCsv.read(AvailabilityConfig.resolve(c.file(), baseDir), "client", "seconds-per-step");
            double[] perClient = new double[clients];
            for (int r = 0; r < csv.rows(); r++) {
                int client = csv.index(r, 0, clients);
                double s = csv.value(r, 1);
                if (!(s > 0) || s == Double.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException(csv.where(r) + ": seconds-per-step must be finite and > 0, got "
                            + s);
                }
                if (perClient[client] != 0) {
                    throw new IllegalArgumentException(csv.where(r) + ": client " + client + " is listed twice");
                }
                perClient[client] = s;
            }
            for (int i = 0; i < clients; i++) {
                if (perClient[i] == 0) {
                    throw new IllegalArgumentException(csv.file() + ": client " + i + " has no row (every client 0.."
                            + (clients - 1) + " needs one)");
                }
            }
            return devices(c.availability(), c.dropout(), clients, seeds, baseDir, n -> perClient[n]);
        }
    }
}
