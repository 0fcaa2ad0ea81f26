/**
 * Decentralized training without a server: gossip graphs ({@link org.dml4j.fl.gossip.GossipGraph}: ring, torus,
 * random regular, Erdős–Rényi, complete) with Metropolis–Hastings mixing ({@link org.dml4j.fl.gossip.MixingMatrix},
 * the averaging step of D-PSGD), and Combo's segmented gossip with BACombo's bandwidth-aware peer choice
 * ({@link org.dml4j.fl.gossip.SegmentedGossip}, {@link org.dml4j.fl.gossip.BandwidthAwareChoice}). These are the
 * peers' rules; a simulator drives them in virtual time.
 */
package org.dml4j.fl.gossip;
