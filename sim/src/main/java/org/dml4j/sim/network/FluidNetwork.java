package org.dml4j.sim.network;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.dml4j.sim.engine.EventEngine;
import org.dml4j.sim.engine.EventHandler;

/**
 * Transfers over a {@link NetworkTopology} in a fluid model driven by an {@link EventEngine}. Every link has a
 * capacity (from its {@link BandwidthProfile}); the transfers crossing links share them max-min fairly (progressive
 * filling: the most constrained link's fair share is given to the transfers on it, which are then fixed, and so on).
 * Rates are recomputed whenever a transfer starts or finishes and whenever the capacity of a busy link changes; each
 * transfer's completion event is then rescheduled to {@code now + remaining / rate}. Changes at one instant are
 * batched: a recomputation runs once, after every event already due at that instant, so n equal transfers that share
 * a link finish together, at exactly the fluid-model time. A transfer is delivered (its handler called) one latency
 * after its last byte has left.
 *
 * <pre>{@code
 * FluidNetwork net = new FluidNetwork(engine, topology);
 * long t = net.send(client, NetworkTopology.SERVER, update.wireBytes(), onUploaded, client);
 * ...                                  // onUploaded.onEvent(client) runs at the delivery's virtual time
 * net.cancel(t);                       // the client dropped out: its bandwidth goes to the others
 * }</pre>
 *
 * <p>Links are created the first time a transfer crosses them, so the cost grows with the nodes that have sent or
 * received, not with the clients registered. A recomputation costs O(F h log(F h)) for F transfers in flight
 * crossing h links each (progressive filling over a lazy heap of the links' fair shares).
 *
 * <p>Not thread-safe: use it on the engine's thread. Transfer ids, like event ids, carry a generation, so a stale id
 * is ignored.
 */
public final class FluidNetwork {
    /** Id that names no transfer. */
    public static final long NO_TRANSFER = 0L;
    private static final int MAX_HOPS = 5;
    private static final byte FREE = 0;
    private static final byte FLOWING = 1;
    private static final byte DELIVERING = 2;

    private final EventEngine engine;
    private final NetworkTopology topology;

    // Links, created lazily. Index 0 of the node arrays is the server; client i is at i + 1.
    private final Link[] up;
    private final Link[] down;
    private final Link[] regionUp;
    private final Link[] regionDown;
    private final Map<Long, Link> pairs = new HashMap<>();
    private Link[] links = new Link[16];
    private int linkCount;
    private Link[] busy = new Link[16];
    private int busyCount;

    // Transfers (slot table), and the list of flowing ones.
    private long[] bytes = new long[16];
    private double[] remaining = new double[16];
    private double[] rate = new double[16];
    private double[] newRate = new double[16];
    private double[] updated = new double[16];
    private double[] latency = new double[16];
    private long[] event = new long[16];
    private EventHandler[] handler = new EventHandler[16];
    private long[] arg = new long[16];
    private Link[] path = new Link[16 * MAX_HOPS];
    private int[] pathIdx = new int[16 * MAX_HOPS]; // position of the slot in that link's flow list
    private int[] hops = new int[16];
    private byte[] state = new byte[16];
    private int[] gen = new int[16];
    private int[] flowPos = new int[16];
    private int[] freeSlots = new int[16];
    private int freeCount;
    private int slotsUsed;
    private int[] flowing = new int[16];
    private int flowingCount;
    private int inFlight;

    // Lazy min-heap of (fair share, link id, link version) used by the progressive filling.
    private double[] heapShare = new double[32];
    private int[] heapLink = new int[32];
    private int[] heapVersion = new int[32];
    private int heapSize;

    private boolean recomputePending;
    private long deliveredBytes;
    private long recomputations;

    private final EventHandler onDrained = this::drained;
    private final EventHandler onDelivered = this::delivered;
    private final EventHandler onRecompute = a -> recompute();
    private final EventHandler onCapacityChange = this::capacityChanged;

    /** A link: a capacity shared by the transfers crossing it. */
    static final class Link {
        final int id;
        final String name;
        final BandwidthProfile profile;
        double capacity;
        double validUntil = Double.NEGATIVE_INFINITY;
        int active;
        int[] flows = new int[2]; // slots of the flowing transfers crossing it, flows[0 .. active-1]
        int busyPos = -1;
        long changeEvent = EventEngine.NO_EVENT;
        double left;
        int unfrozen;
        int version;

        Link(int id, String name, BandwidthProfile profile) {
            this.id = id;
            this.name = name;
            this.profile = Objects.requireNonNull(profile, name);
        }
    }

    /**
     * @param engine   the engine whose clock and events drive the transfers
     * @param topology the network
     */
    public FluidNetwork(EventEngine engine, NetworkTopology topology) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.topology = Objects.requireNonNull(topology, "topology");
        int n = topology.clients();
        if (n < 0) {
            throw new IllegalArgumentException("clients must be >= 0, got " + n);
        }
        up = new Link[n + 1];
        down = new Link[n + 1];
        regionUp = new Link[topology.regions()];
        regionDown = new Link[topology.regions()];
        Arrays.fill(gen, 1);
    }

    /** @return the network's topology */
    public NetworkTopology topology() {
        return topology;
    }

    /**
     * Starts a transfer now.
     *
     * @param from      sender: a client id or {@link NetworkTopology#SERVER}
     * @param to        receiver, another node
     * @param size      exact size in bytes, &gt;= 0 (a message's {@code wireBytes()})
     * @param delivered called with {@code deliveredArg} when the last byte has arrived
     * @param deliveredArg the handler's argument
     * @return the transfer's id
     * @throws IllegalArgumentException for an unknown node id, {@code from == to}, or a negative size
     */
    public long send(int from, int to, long size, EventHandler delivered, long deliveredArg) {
        checkNode(from, "from");
        checkNode(to, "to");
        if (from == to) {
            throw new IllegalArgumentException("from and to must differ, got " + from + " twice");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0 bytes, got " + size);
        }
        Objects.requireNonNull(delivered, "delivered");
        int s = allocSlot();
        bytes[s] = size;
        handler[s] = delivered;
        arg[s] = deliveredArg;
        latency[s] = buildPath(s, from, to);
        inFlight++;
        double now = engine.now();
        if (size == 0) {
            state[s] = DELIVERING;
            event[s] = engine.schedule(now + latency[s], onDelivered, s);
        } else {
            state[s] = FLOWING;
            remaining[s] = size;
            rate[s] = 0;
            updated[s] = now;
            event[s] = EventEngine.NO_EVENT;
            flowPos[s] = flowingCount;
            flowing[flowingCount++] = s;
            for (int h = 0; h < hops[s]; h++) {
                join(s, h);
            }
            requestRecompute();
        }
        return ((long) gen[s] << 32) | s;
    }

    /**
     * Abandons a transfer (the sender dropped out, or the message is no longer wanted); its share of every link goes
     * to the others. The delivery handler is not called.
     *
     * @param transfer an id from {@link #send}
     * @return false when it had been delivered or cancelled already
     */
    public boolean cancel(long transfer) {
        int s = slotOf(transfer);
        if (s < 0) {
            return false;
        }
        if (state[s] == FLOWING) {
            stopFlowing(s);
        }
        engine.cancel(event[s]);
        freeSlot(s);
        return true;
    }

    /**
     * @param transfer an id from {@link #send}
     * @return whether it has not been delivered or cancelled yet
     */
    public boolean isActive(long transfer) {
        return slotOf(transfer) >= 0;
    }

    /**
     * @param transfer an active transfer
     * @return its current rate in bytes per second (0 once its last byte has left, or before the first
     *         recomputation at its start time)
     */
    public double rate(long transfer) {
        int s = requireSlot(transfer);
        return state[s] == FLOWING ? rate[s] : 0;
    }

    /**
     * @param transfer an active transfer
     * @return bytes not yet sent, at the current virtual time
     */
    public double remainingBytes(long transfer) {
        int s = requireSlot(transfer);
        if (state[s] != FLOWING) {
            return 0;
        }
        return Math.max(0, remaining[s] - rate[s] * (engine.now() - updated[s]));
    }

    /** @return transfers started and neither delivered nor cancelled */
    public int inFlight() {
        return inFlight;
    }

    /** @return the bytes of every delivered transfer */
    public long deliveredBytes() {
        return deliveredBytes;
    }

    /** @return how many times rates were recomputed */
    public long recomputations() {
        return recomputations;
    }

    /** @return the number of links created so far (they are created on first use) */
    public int linksCreated() {
        return linkCount;
    }

    // ---- paths and links ----

    private void checkNode(int node, String field) {
        if (node != NetworkTopology.SERVER && (node < 0 || node >= topology.clients())) {
            throw new IllegalArgumentException(field + " is not a node id (clients are 0.." + (topology.clients() - 1)
                    + ", the server is " + NetworkTopology.SERVER + "), got " + node);
        }
    }

    /** Fills the slot's path and returns the one-way latency. */
    private double buildPath(int s, int from, int to) {
        int base = s * MAX_HOPS;
        int h = 0;
        path[base + h++] = uplink(from);
        path[base + h++] = downlink(to);
        double lat = topology.latency(from) + topology.latency(to);
        int ra = topology.regionOf(from);
        int rb = topology.regionOf(to);
        if (ra != rb) {
            if (ra >= 0) {
                path[base + h++] = regionLink(regionUp, ra, true);
                lat += topology.regionLatency(ra);
            }
            if (rb >= 0) {
                path[base + h++] = regionLink(regionDown, rb, false);
                lat += topology.regionLatency(rb);
            }
        }
        NetworkTopology.LinkOverride o = topology.link(from, to);
        if (o != null) {
            if (o.bandwidth() != null) {
                long key = ((long) from << 32) ^ (to & 0xFFFFFFFFL);
                Link l = pairs.get(key);
                if (l == null) {
                    l = newLink(name(from) + "->" + name(to), o.bandwidth());
                    pairs.put(key, l);
                }
                path[base + h++] = l;
            }
            if (!Double.isNaN(o.latency())) {
                lat = o.latency();
            }
        }
        hops[s] = h;
        return lat;
    }

    private Link uplink(int node) {
        Link l = up[node + 1];
        if (l == null) {
            l = newLink(name(node) + " uplink", topology.uplink(node));
            up[node + 1] = l;
        }
        return l;
    }

    private Link downlink(int node) {
        Link l = down[node + 1];
        if (l == null) {
            l = newLink(name(node) + " downlink", topology.downlink(node));
            down[node + 1] = l;
        }
        return l;
    }

    private Link regionLink(Link[] table, int region, boolean isUp) {
        Link l = table[region];
        if (l == null) {
            l = newLink("region " + region + (isUp ? " uplink" : " downlink"),
                    isUp ? topology.regionUplink(region) : topology.regionDownlink(region));
            table[region] = l;
        }
        return l;
    }

    private static String name(int node) {
        return node == NetworkTopology.SERVER ? "server" : "client " + node;
    }

    private Link newLink(String name, BandwidthProfile profile) {
        Link l = new Link(linkCount, name, profile);
        if (linkCount == links.length) {
            links = Arrays.copyOf(links, 2 * linkCount);
        }
        links[linkCount++] = l;
        return l;
    }

    /** Adds transfer {@code s} to the flow list of its hop {@code h}; a link that becomes busy starts tracking changes. */
    private void join(int s, int h) {
        Link l = path[s * MAX_HOPS + h];
        if (l.active == l.flows.length) {
            l.flows = Arrays.copyOf(l.flows, 2 * l.active);
        }
        pathIdx[s * MAX_HOPS + h] = l.active;
        l.flows[l.active] = s;
        if (l.active++ == 0) {
            if (busyCount == busy.length) {
                busy = Arrays.copyOf(busy, 2 * busyCount);
            }
            l.busyPos = busyCount;
            busy[busyCount++] = l;
            double now = engine.now();
            refreshCapacity(l, now);
            if (l.validUntil != Double.POSITIVE_INFINITY) {
                l.changeEvent = engine.schedule(l.validUntil, onCapacityChange, l.id);
            }
        }
    }

    /** Removes transfer {@code s} from the flow list of its hop {@code h}; an idle link stops tracking changes. */
    private void leave(int s, int h) {
        Link l = path[s * MAX_HOPS + h];
        int i = pathIdx[s * MAX_HOPS + h];
        int last = l.flows[--l.active];
        if (last != s) {
            l.flows[i] = last;
            int base = last * MAX_HOPS;
            for (int g = 0; g < hops[last]; g++) {
                if (path[base + g] == l) {
                    pathIdx[base + g] = i;
                    break;
                }
            }
        }
        if (l.active == 0) {
            Link lastBusy = busy[--busyCount];
            busy[l.busyPos] = lastBusy;
            lastBusy.busyPos = l.busyPos;
            busy[busyCount] = null;
            l.busyPos = -1;
            engine.cancel(l.changeEvent);
            l.changeEvent = EventEngine.NO_EVENT;
        }
    }

    private static void refreshCapacity(Link l, double now) {
        if (now >= l.validUntil) {
            l.capacity = l.profile.bytesPerSecond(now);
            if (!(l.capacity > 0) || l.capacity == Double.POSITIVE_INFINITY) {
                throw new IllegalStateException(l.name + ": bandwidth must be finite and > 0 at t=" + now + ", got "
                        + l.capacity);
            }
            double next = l.profile.nextChange(now);
            l.validUntil = next > now ? next : Double.POSITIVE_INFINITY;
        }
    }

    private void capacityChanged(long linkId) {
        Link l = links[(int) linkId];
        l.changeEvent = EventEngine.NO_EVENT;
        double now = engine.now();
        refreshCapacity(l, now);
        if (l.validUntil != Double.POSITIVE_INFINITY) {
            l.changeEvent = engine.schedule(l.validUntil, onCapacityChange, l.id);
        }
        requestRecompute();
    }

    // ---- transfers ----

    private void drained(long slot) {
        int s = (int) slot;
        stopFlowing(s);
        state[s] = DELIVERING;
        event[s] = engine.schedule(engine.now() + latency[s], onDelivered, s);
    }

    private void delivered(long slot) {
        int s = (int) slot;
        EventHandler h = handler[s];
        long a = arg[s];
        deliveredBytes += bytes[s];
        freeSlot(s);
        h.onEvent(a);
    }

    private void stopFlowing(int s) {
        int p = flowPos[s];
        int last = flowing[--flowingCount];
        flowing[p] = last;
        flowPos[last] = p;
        flowPos[s] = -1;
        for (int h = 0; h < hops[s]; h++) {
            leave(s, h);
        }
        requestRecompute();
    }

    private void requestRecompute() {
        if (!recomputePending) {
            recomputePending = true;
            engine.schedule(engine.now(), onRecompute, 0);
        }
    }

    /** Advances every flowing transfer to now, recomputes max-min rates and reschedules completions. */
    private void recompute() {
        recomputePending = false;
        recomputations++;
        double now = engine.now();
        for (int i = 0; i < flowingCount; i++) {
            int s = flowing[i];
            double r = remaining[s] - rate[s] * (now - updated[s]);
            remaining[s] = r > 0 ? r : 0;
            updated[s] = now;
            newRate[s] = -1; // not yet fixed
        }
        for (int i = 0; i < busyCount; i++) {
            Link l = busy[i];
            refreshCapacity(l, now);
            l.left = l.capacity;
            l.unfrozen = l.active;
        }
        // Progressive filling: the link with the smallest fair share (left capacity / unfixed flows) fixes its flows
        // at that share, which lowers the capacity and flow count of their other links; a fair share never
        // decreases, so the heap is lazy: an entry whose link has changed since it was pushed is skipped.
        heapSize = 0;
        for (int i = 0; i < busyCount; i++) {
            Link l = busy[i];
            push(l.left / l.unfrozen, l);
        }
        while (heapSize > 0) {
            int id = heapLink[0];
            int version = heapVersion[0];
            pop();
            Link l = links[id];
            if (version != l.version || l.unfrozen == 0) {
                continue;
            }
            double share = Math.max(0, l.left / l.unfrozen);
            for (int i = 0; i < l.active; i++) {
                int s = l.flows[i];
                if (newRate[s] >= 0) {
                    continue;
                }
                newRate[s] = share;
                for (int h = 0; h < hops[s]; h++) {
                    Link q = path[s * MAX_HOPS + h];
                    q.left -= share;
                    q.unfrozen--;
                    if (q != l && q.unfrozen > 0) {
                        push(q.left / q.unfrozen, q);
                    }
                }
            }
        }
        for (int i = 0; i < flowingCount; i++) {
            int s = flowing[i];
            double r = newRate[s];
            if (r == rate[s] && event[s] != EventEngine.NO_EVENT) {
                continue; // same rate: the scheduled completion is still right
            }
            rate[s] = r;
            if (r <= 0) {
                engine.cancel(event[s]);
                event[s] = EventEngine.NO_EVENT;
                continue;
            }
            double done = now + remaining[s] / r;
            if (event[s] == EventEngine.NO_EVENT || !engine.reschedule(event[s], done)) {
                event[s] = engine.schedule(done, onDrained, s);
            }
        }
    }

    /** Pushes a link's current fair share; older entries of the link become stale. */
    private void push(double share, Link l) {
        int v = ++l.version;
        if (heapSize == heapShare.length) {
            heapShare = Arrays.copyOf(heapShare, 2 * heapSize);
            heapLink = Arrays.copyOf(heapLink, 2 * heapSize);
            heapVersion = Arrays.copyOf(heapVersion, 2 * heapSize);
        }
        int i = heapSize++;
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (!before(share, l.id, heapShare[p], heapLink[p])) {
                break;
            }
            heapShare[i] = heapShare[p];
            heapLink[i] = heapLink[p];
            heapVersion[i] = heapVersion[p];
            i = p;
        }
        heapShare[i] = share;
        heapLink[i] = l.id;
        heapVersion[i] = v;
    }

    /** Removes the heap's top entry. */
    private void pop() {
        int n = --heapSize;
        if (n == 0) {
            return;
        }
        double share = heapShare[n];
        int id = heapLink[n];
        int v = heapVersion[n];
        int i = 0;
        int half = n >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            if (c + 1 < n && before(heapShare[c + 1], heapLink[c + 1], heapShare[c], heapLink[c])) {
                c++;
            }
            if (!before(heapShare[c], heapLink[c], share, id)) {
                break;
            }
            heapShare[i] = heapShare[c];
            heapLink[i] = heapLink[c];
            heapVersion[i] = heapVersion[c];
            i = c;
        }
        heapShare[i] = share;
        heapLink[i] = id;
        heapVersion[i] = v;
    }

    /** Order of the filling: smaller share first, then the link created first (deterministic). */
    private static boolean before(double share, int id, double otherShare, int otherId) {
        return share < otherShare || (share == otherShare && id < otherId);
    }

    /**
     * @param transfer an active transfer
     * @return the number of links it crosses (for tests)
     */
    int hops(long transfer) {
        return hops[requireSlot(transfer)];
    }

    /**
     * @param transfer an active transfer
     * @param hop      0 .. hops-1
     * @return that link (for tests)
     */
    Link link(long transfer, int hop) {
        return path[requireSlot(transfer) * MAX_HOPS + hop];
    }

    // ---- slot table ----

    private int slotOf(long id) {
        int s = (int) id;
        if (s < 0 || s >= slotsUsed || state[s] == FREE || gen[s] != (int) (id >>> 32)) {
            return -1;
        }
        return s;
    }

    private int requireSlot(long id) {
        int s = slotOf(id);
        if (s < 0) {
            throw new IllegalArgumentException("transfer " + id + " is not active");
        }
        return s;
    }

    private int allocSlot() {
        if (freeCount > 0) {
            return freeSlots[--freeCount];
        }
        if (slotsUsed == state.length) {
            grow();
        }
        return slotsUsed++;
    }

    private void freeSlot(int s) {
        state[s] = FREE;
        handler[s] = null;
        event[s] = EventEngine.NO_EVENT;
        int g = gen[s] + 1;
        gen[s] = g == 0 ? 1 : g;
        Arrays.fill(path, s * MAX_HOPS, s * MAX_HOPS + MAX_HOPS, null);
        freeSlots[freeCount++] = s;
        inFlight--;
    }

    private void grow() {
        int old = state.length;
        int n = 2 * old;
        bytes = Arrays.copyOf(bytes, n);
        remaining = Arrays.copyOf(remaining, n);
        rate = Arrays.copyOf(rate, n);
        newRate = Arrays.copyOf(newRate, n);
        updated = Arrays.copyOf(updated, n);
        latency = Arrays.copyOf(latency, n);
        event = Arrays.copyOf(event, n);
        handler = Arrays.copyOf(handler, n);
        arg = Arrays.copyOf(arg, n);
        path = Arrays.copyOf(path, n * MAX_HOPS);
        pathIdx = Arrays.copyOf(pathIdx, n * MAX_HOPS);
        hops = Arrays.copyOf(hops, n);
        state = Arrays.copyOf(state, n);
        gen = Arrays.copyOf(gen, n);
        Arrays.fill(gen, old, n, 1);
        flowPos = Arrays.copyOf(flowPos, n);
        freeSlots = Arrays.copyOf(freeSlots, n);
        flowing = Arrays.copyOf(flowing, n);
    }
}
