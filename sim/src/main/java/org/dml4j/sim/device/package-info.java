/**
 * The simulated devices: seconds per local step for each client (constant, log-normal, or from a trace), when each
 * client is online (always, periodic, or windows from a file), and dropouts in the middle of a task.
 *
 * <p>API: {@link org.dml4j.sim.device.DeviceModel} answers {@code secondsPerStep(client)},
 * {@code isOnline/nextOnline/onlineUntil(client, t)} and {@code plan(client, task, start, steps)}, which gives the
 * task's compute seconds and, when it is interrupted, the virtual time it drops out. The {@code [devices]} table's
 * {@code type} selects a {@link org.dml4j.sim.device.DeviceProvider} ({@code "constant"}, {@code "lognormal"} with
 * preset {@code "mobile"}, {@code "trace"}); {@code provider.create(config, clients, seeds, experimentDir)} returns
 * the model. Every draw comes from a seed path naming the client and its purpose.
 */
package org.dml4j.sim.device;
