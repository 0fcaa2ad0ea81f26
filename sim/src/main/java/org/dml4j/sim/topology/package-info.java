/**
 * Topologies of sites (regions) with an edge aggregator each: fast LAN links inside a site, slow WAN links between a
 * site and the cloud, given in the experiment file's {@code [topology]} table or generated ({@link
 * org.dml4j.sim.topology.SiteTopology}); the grouping of clients to edges (declared, random, or measured by probes in
 * virtual time, {@link org.dml4j.sim.topology.Grouping}); the virtual time of an edge round on the site's LAN
 * ({@link org.dml4j.sim.topology.LanTiming}); and the edge tier of a hierarchical run
 * ({@link org.dml4j.sim.topology.Hierarchy}). A flat run over the same sites is the {@link
 * org.dml4j.sim.network.NetworkTopology} of {@link org.dml4j.sim.topology.SiteTopology#flat()}: regions whose WAN
 * links every client of the site shares.
 */
package org.dml4j.sim.topology;
