package org.dml4j.sim.device;

/**
 * The simulated devices: how long a local step takes on each client, when each client is online, and whether a task
 * is interrupted. Clients are {@code 0 .. clients()-1}. Compute time comes from this model, never from measured wall
 * time, so that a run replays exactly.
 *
 * <p>Implementations are immutable and thread-safe and compute per-client values on demand from seed paths naming
 * the client ({@code devices/speed/<id>}, {@code devices/availability/<id>}, {@code devices/dropout/<id>/<task>}),
 * so 100,000 registered clients cost nothing until they are used, and a value never depends on which thread asks or
 * in which order.
 */
public interface DeviceModel {
    /** @return the number of clients */
    int clients();

    /**
     * @param client a client id
     * @return virtual seconds one local step takes on it, &gt; 0
     */
    double secondsPerStep(int client);

    /**
     * @param client a client id
     * @param time   virtual seconds
     * @return whether the client is online at {@code time}
     */
    boolean isOnline(int client, double time);

    /**
     * @param client a client id
     * @param time   virtual seconds
     * @return the first time &gt;= {@code time} at which the client is online, or positive infinity if never again
     */
    double nextOnline(int client, double time);

    /**
     * @param client a client id
     * @param time   virtual seconds at which it is online
     * @return when its current online period ends (positive infinity for always), or {@code time} when offline
     */
    double onlineUntil(int client, double time);

    /** @return the probability that a task is interrupted at a uniformly random point of its computation */
    double dropout();

    /**
     * Plans one task: its compute time, and whether and when it is interrupted, either by a random dropout
     * ({@link #dropout()}) or because the client goes offline before its computation ends. An upload after the
     * computation is interrupted when {@link #onlineUntil} passes during it; the transport checks that.
     *
     * @param client a client id
     * @param task   an id of this dispatch, unique per client in a run (e.g. the dispatch sequence number); it
     *               names the seed path of the dropout draw
     * @param start  virtual time the computation starts
     * @param steps  local steps, &gt;= 0
     * @return the plan
     */
    default TaskPlan plan(int client, long task, double start, int steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
        double compute = steps * secondsPerStep(client);
        double end = start + compute;
        if (!isOnline(client, start)) {
            return new TaskPlan(start, compute, start);
        }
        double drop = Double.NaN;
        double p = dropout();
        if (p > 0) {
            double u = dropoutDraw(client, task);
            if (u < p) {
                drop = start + (u / p) * compute; // given a dropout, uniform over the computation
            }
        }
        double until = onlineUntil(client, start);
        if (until < end && !(drop <= until)) {
            drop = until;
        }
        return new TaskPlan(start, compute, drop);
    }

    /**
     * @param client a client id
     * @param task   the task id given to {@link #plan}
     * @return a uniform draw in [0, 1) from the seed path {@code devices/dropout/<client>/<task>}
     */
    double dropoutDraw(int client, long task);

    /**
     * One task's timing.
     *
     * @param start          virtual time the computation starts
     * @param computeSeconds its duration when not interrupted
     * @param dropoutAt      virtual time the client drops out, or NaN when it completes
     */
    record TaskPlan(double start, double computeSeconds, double dropoutAt) {
        /** @return whether the client drops out during the computation */
        public boolean dropsOut() {
            return !Double.isNaN(dropoutAt);
        }

        /** @return when the computation ends (when it is not interrupted) */
        public double end() {
            return start + computeSeconds;
        }
    }
}
