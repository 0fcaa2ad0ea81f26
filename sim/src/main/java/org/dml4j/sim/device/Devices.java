package org.dml4j.sim.device;

import java.util.Objects;
import java.util.function.IntToDoubleFunction;
import org.dml4j.core.SeedTree;

/**
 * A {@link DeviceModel} assembled from a per-client step time (a pure function of the client id, evaluated on
 * demand), an {@link Availability} and a dropout probability.
 *
 * <p>Immutable and thread-safe when the step-time function is.
 */
public final class Devices implements DeviceModel {
    private final int clients;
    private final IntToDoubleFunction secondsPerStep;
    private final Availability availability;
    private final double dropout;
    private final SeedTree dropoutSeeds;

    /**
     * @param clients        number of clients, &gt;= 1
     * @param secondsPerStep a client's seconds per local step (&gt; 0), computed on demand
     * @param availability   when clients are online
     * @param dropout        probability that a task is interrupted, in [0, 1)
     * @param seeds          the run's seed tree (dropouts come from {@code devices/dropout/<id>/<task>})
     */
    public Devices(int clients, IntToDoubleFunction secondsPerStep, Availability availability, double dropout,
                   SeedTree seeds) {
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be >= 1, got " + clients);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        this.clients = clients;
        this.secondsPerStep = Objects.requireNonNull(secondsPerStep, "secondsPerStep");
        this.availability = Objects.requireNonNull(availability, "availability");
        this.dropout = dropout;
        this.dropoutSeeds = seeds.child("devices").child("dropout");
    }

    @Override
    public int clients() {
        return clients;
    }

    @Override
    public double secondsPerStep(int client) {
        double s = secondsPerStep.applyAsDouble(check(client));
        if (!(s > 0) || s == Double.POSITIVE_INFINITY) {
            throw new IllegalStateException("client " + client + ": seconds per step must be finite and > 0, got "
                    + s);
        }
        return s;
    }

    @Override
    public boolean isOnline(int client, double time) {
        return availability.isOnline(check(client), time);
    }

    @Override
    public double nextOnline(int client, double time) {
        return availability.nextOnline(check(client), time);
    }

    @Override
    public double onlineUntil(int client, double time) {
        return availability.onlineUntil(check(client), time);
    }

    @Override
    public double dropout() {
        return dropout;
    }

    @Override
    public double dropoutDraw(int client, long task) {
        return dropoutSeeds.child(check(client)).child(task).random().nextDouble();
    }

    private int check(int client) {
        if (client < 0 || client >= clients) {
            throw new IllegalArgumentException("client must be an id in 0.." + (clients - 1) + ", got " + client);
        }
        return client;
    }
}
