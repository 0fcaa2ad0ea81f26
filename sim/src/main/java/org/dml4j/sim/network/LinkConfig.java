package org.dml4j.sim.network;

/**
 * An override of one directed pair (an entry of {@code links = [...]} in {@code [network]}): a cap on the pair's
 * transfers and/or the one-way latency between them.
 *
 * @param from          sender: a client id or {@code "server"}
 * @param to            receiver: a client id or {@code "server"}
 * @param bandwidthMbps cap on this pair's transfers, Mb/s, &gt; 0, or null
 * @param latencyMs     one-way latency replacing the computed one, ms, &gt;= 0, or null
 */
public record LinkConfig(String from, String to, Double bandwidthMbps, Double latencyMs) {
    /** Validates; messages name the key and the value. */
    public LinkConfig {
        int a = node("from", from);
        int b = node("to", to);
        if (a == b) {
            throw new IllegalArgumentException("link: from and to must differ, got " + from + " twice");
        }
        if (bandwidthMbps == null && latencyMs == null) {
            throw new IllegalArgumentException("link " + from + " -> " + to + ": needs bandwidth-mbps or latency-ms");
        }
        if (bandwidthMbps != null) {
            NetworkChecks.positive("link " + from + " -> " + to + ": bandwidth-mbps", bandwidthMbps);
        }
        if (latencyMs != null) {
            NetworkChecks.nonNegative("link " + from + " -> " + to + ": latency-ms", latencyMs);
        }
    }

    /** @return the sender's node id ({@link NetworkTopology#SERVER} for the server) */
    public int fromNode() {
        return node("from", from);
    }

    /** @return the receiver's node id */
    public int toNode() {
        return node("to", to);
    }

    private static int node(String key, String value) {
        if (value == null) {
            throw new IllegalArgumentException("link: " + key + " is required (a client id or \"server\")");
        }
        String v = value.strip();
        if (v.equals("server")) {
            return NetworkTopology.SERVER;
        }
        try {
            int id = Integer.parseInt(v);
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("link: " + key + " must be a client id or \"server\", got '" + value + "'");
    }
}
