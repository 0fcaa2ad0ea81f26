/**
 * The simulated network: a fluid model of transfers sharing links max-min fairly, on the virtual clock of
 * {@link org.dml4j.sim.engine.EventEngine}.
 *
 * <p>API:
 * <ul>
 *   <li>{@link org.dml4j.sim.network.FluidNetwork}: {@code long send(from, to, bytes, handler, arg)} starts a
 *       transfer of exact size (a message's {@code wireBytes()}); the handler runs at its delivery time;
 *       {@code cancel(id)} drops it (dropout); {@code rate(id)}, {@code remainingBytes(id)}, {@code inFlight()},
 *       {@code deliveredBytes()} observe it.</li>
 *   <li>{@link org.dml4j.sim.network.NetworkTopology}: clients {@code 0..n-1} and
 *       {@link org.dml4j.sim.network.NetworkTopology#SERVER}; per-node uplink, downlink and latency, regions with
 *       shared WAN links, per-pair overrides. {@link org.dml4j.sim.network.Topology} assembles one from functions of
 *       the node id, evaluated only for nodes that send or receive.</li>
 *   <li>{@link org.dml4j.sim.network.BandwidthProfile}: capacity over time; constant,
 *       {@link org.dml4j.sim.network.BandwidthTrace} (CSV {@code time,bandwidth} in seconds and Mb/s) or
 *       {@link org.dml4j.sim.network.GeneratedBandwidth} (seeded log-normal changes).</li>
 *   <li>Configuration: the {@code [network]} table's {@code type} selects a
 *       {@link org.dml4j.sim.network.NetworkProvider} ({@code "uniform"}, {@code "fleet"} with presets
 *       {@code mobile}, {@code broadband}, {@code datacenter}); its record binds with the project's config binder
 *       and {@code provider.create(config, clients, seeds, experimentDir)} returns the topology.</li>
 * </ul>
 */
package org.dml4j.sim.network;
