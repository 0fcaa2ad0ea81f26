package org.dml4j.sim.engine;

import java.util.Arrays;
import java.util.Objects;

/**
 * A discrete-event engine on a virtual clock. Events are ordered by (virtual time, sequence): the sequence number is
 * taken when an event is scheduled or rescheduled, so events due at the same time fire in the order they were
 * (re)scheduled, and a run is the same on every machine and for every thread count of the code around it.
 *
 * <p>The queue is a binary heap over primitive arrays (time, sequence, slot) with a slot table of handler, argument,
 * heap position and generation. Scheduling, firing, cancelling and rescheduling allocate nothing once the arrays have
 * grown to the largest number of pending events (they double when full and never shrink). An event is named by a
 * {@code long} id that packs its slot and the slot's generation; the generation changes when the event fires or is
 * cancelled, so a stale id is recognised and ignored rather than touching a newer event in the same slot.
 *
 * <pre>{@code
 * EventEngine engine = new EventEngine();
 * EventHandler arrive = node -> System.out.println(engine.now() + ": node " + node);
 * long id = engine.schedule(2.5, arrive, 7);      // node 7 at t = 2.5 s
 * engine.reschedule(id, 3.0);                     // rates changed: now at t = 3 s
 * engine.run();                                   // until no event is left (or stop())
 * }</pre>
 *
 * <p>Not thread-safe: one thread schedules and runs (a single-writer agent). Handlers run on that thread and may
 * schedule, cancel and reschedule events, including at the current time (they fire after the events already due
 * then). An exception from a handler propagates out of {@link #run()} with the engine still consistent: the event
 * that threw has been removed and the clock stands at its time.
 */
public final class EventEngine implements VirtualClock {
    /** Id that names no event; never returned by {@link #schedule}. */
    public static final long NO_EVENT = 0L;
    private static final int INITIAL_CAPACITY = 64;

    // Heap, ordered by (heapTime, heapSeq); heapSlot[i] is the slot of heap entry i.
    private double[] heapTime;
    private long[] heapSeq;
    private int[] heapSlot;
    private int size;

    // Slot table. pos[slot] is the heap index of the slot's event, or -1 when the slot is free.
    private EventHandler[] handler;
    private long[] arg;
    private int[] pos;
    private int[] gen;
    private int[] freeSlots;
    private int freeCount;
    private int slotsUsed;

    private double now;
    private long nextSeq;
    private long fired;
    private boolean stopRequested;

    /** Creates an engine at virtual time 0 with no events. */
    public EventEngine() {
        this(INITIAL_CAPACITY);
    }

    /**
     * @param initialCapacity pending events the arrays hold before they first grow, &gt;= 1
     */
    public EventEngine(int initialCapacity) {
        if (initialCapacity < 1) {
            throw new IllegalArgumentException("initialCapacity must be >= 1, got " + initialCapacity);
        }
        heapTime = new double[initialCapacity];
        heapSeq = new long[initialCapacity];
        heapSlot = new int[initialCapacity];
        handler = new EventHandler[initialCapacity];
        arg = new long[initialCapacity];
        pos = new int[initialCapacity];
        gen = new int[initialCapacity];
        freeSlots = new int[initialCapacity];
        Arrays.fill(pos, -1);
        Arrays.fill(gen, 1);
    }

    /** @return the virtual time of the event firing now, or of the last one fired (0 before the first) */
    @Override
    public double now() {
        return now;
    }

    /**
     * Schedules an event.
     *
     * @param time    virtual time in seconds, &gt;= {@link #now()} and finite
     * @param h       the handler
     * @param eventArg passed to the handler
     * @return the event's id, for {@link #cancel} and {@link #reschedule}
     * @throws IllegalArgumentException when {@code time} is before now, NaN or infinite
     */
    public long schedule(double time, EventHandler h, long eventArg) {
        checkTime(time);
        Objects.requireNonNull(h, "handler");
        int slot = allocSlot();
        handler[slot] = h;
        arg[slot] = eventArg;
        int i = size++;
        if (i == heapTime.length) {
            growHeap();
        }
        heapTime[i] = time;
        heapSeq[i] = nextSeq++;
        heapSlot[i] = slot;
        pos[slot] = i;
        siftUp(i);
        return ((long) gen[slot] << 32) | slot;
    }

    /**
     * @param delay    seconds from now, &gt;= 0 and finite
     * @param h        the handler
     * @param eventArg passed to the handler
     * @return the event's id
     */
    public long scheduleAfter(double delay, EventHandler h, long eventArg) {
        if (!(delay >= 0) || delay == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("delay must be finite and >= 0, got " + delay);
        }
        return schedule(now + delay, h, eventArg);
    }

    /**
     * Removes a pending event.
     *
     * @param id an id from {@link #schedule}
     * @return true when the event was pending and is now removed; false when it had fired or was cancelled already
     */
    public boolean cancel(long id) {
        int slot = slotOf(id);
        if (slot < 0) {
            return false;
        }
        removeAt(pos[slot]);
        freeSlot(slot);
        return true;
    }

    /**
     * Moves a pending event to another time. The event takes a new sequence number, so among events due at its new
     * time it fires after those already scheduled for then. The id stays valid.
     *
     * @param id   an id from {@link #schedule}
     * @param time the new virtual time, &gt;= {@link #now()} and finite
     * @return true when the event was pending and has moved; false when it had fired or was cancelled
     */
    public boolean reschedule(long id, double time) {
        checkTime(time);
        int slot = slotOf(id);
        if (slot < 0) {
            return false;
        }
        int i = pos[slot];
        double old = heapTime[i];
        heapTime[i] = time;
        heapSeq[i] = nextSeq++;
        if (time < old) {
            siftUp(i);
        } else {
            siftDown(i);
        }
        return true;
    }

    /**
     * @param id an id from {@link #schedule}
     * @return whether that event is still waiting to fire
     */
    public boolean isPending(long id) {
        return slotOf(id) >= 0;
    }

    /**
     * @param id an id of a pending event
     * @return its virtual time
     * @throws IllegalArgumentException when the event is not pending
     */
    public double timeOf(long id) {
        int slot = slotOf(id);
        if (slot < 0) {
            throw new IllegalArgumentException("event " + id + " is not pending");
        }
        return heapTime[pos[slot]];
    }

    /** @return the number of pending events */
    public int pending() {
        return size;
    }

    /** @return the time of the next event, or {@link Double#POSITIVE_INFINITY} when none is pending */
    public double nextTime() {
        return size == 0 ? Double.POSITIVE_INFINITY : heapTime[0];
    }

    /**
     * A pending event as {@link #pendingEvents} lists it.
     *
     * @param time    its virtual time
     * @param id      its id
     * @param handler its handler
     * @param arg     its argument
     */
    public record Pending(double time, long id, EventHandler handler, long arg) {
    }

    /**
     * Lists the pending events in the order they will fire (time, then sequence), for checkpoints: scheduling them in
     * this order on an engine whose clock stands at the same time ({@link #runUntil}) reproduces the queue, ties
     * included. Allocates; not for hot paths.
     *
     * @return the pending events, in firing order
     */
    public java.util.List<Pending> pendingEvents() {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> heapTime[a] != heapTime[b] ? Double.compare(heapTime[a], heapTime[b])
                : Long.compare(heapSeq[a], heapSeq[b]));
        java.util.List<Pending> out = new java.util.ArrayList<>(size);
        for (int i : order) {
            int slot = heapSlot[i];
            out.add(new Pending(heapTime[i], ((long) gen[slot] << 32) | slot, handler[slot], arg[slot]));
        }
        return out;
    }

    /** @return the number of events fired since construction */
    public long fired() {
        return fired;
    }

    /**
     * Fires the next event, if any.
     *
     * @return false when no event was pending
     */
    public boolean step() {
        if (size == 0) {
            return false;
        }
        fireTop();
        return true;
    }

    /**
     * Fires events until none is pending or a handler calls {@link #stop()}.
     *
     * @return the number of events fired by this call
     */
    public long run() {
        return runUntil(Double.POSITIVE_INFINITY);
    }

    /**
     * Fires every event due at or before {@code limit}, in order, until a handler calls {@link #stop()}. When it was
     * not stopped and {@code limit} is finite, the clock then stands at {@code limit}.
     *
     * @param limit a virtual time &gt;= {@link #now()} (or positive infinity)
     * @return the number of events fired by this call
     */
    public long runUntil(double limit) {
        if (!(limit >= now)) {
            throw new IllegalArgumentException("limit must be >= now (" + now + "), got " + limit);
        }
        stopRequested = false;
        long before = fired;
        while (size > 0 && heapTime[0] <= limit && !stopRequested) {
            fireTop();
        }
        if (!stopRequested && limit != Double.POSITIVE_INFINITY) {
            now = limit;
        }
        stopRequested = false;
        return fired - before;
    }

    /** Makes the running {@link #run()} or {@link #runUntil} return after the current handler. */
    public void stop() {
        stopRequested = true;
    }

    private void fireTop() {
        int slot = heapSlot[0];
        now = heapTime[0];
        EventHandler h = handler[slot];
        long a = arg[slot];
        removeAt(0);
        freeSlot(slot);
        fired++;
        h.onEvent(a);
    }

    private void checkTime(double time) {
        if (!(time >= now) || time == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("event time must be finite and >= now (" + now + "), got " + time);
        }
    }

    private int slotOf(long id) {
        int slot = (int) id;
        if (slot < 0 || slot >= slotsUsed || pos[slot] < 0 || gen[slot] != (int) (id >>> 32)) {
            return -1;
        }
        return slot;
    }

    private int allocSlot() {
        if (freeCount > 0) {
            return freeSlots[--freeCount];
        }
        if (slotsUsed == handler.length) {
            growSlots();
        }
        return slotsUsed++;
    }

    private void freeSlot(int slot) {
        pos[slot] = -1;
        handler[slot] = null;
        int g = gen[slot] + 1;
        gen[slot] = g == 0 ? 1 : g; // generation 0 never names an event, so NO_EVENT stays invalid
        freeSlots[freeCount++] = slot;
    }

    /** Removes heap entry {@code i}, filling the hole with the last entry. */
    private void removeAt(int i) {
        int last = --size;
        if (i != last) {
            move(last, i);
            if (i > 0 && less(i, (i - 1) >>> 1)) {
                siftUp(i);
            } else {
                siftDown(i);
            }
        }
    }

    private boolean less(int a, int b) {
        double ta = heapTime[a];
        double tb = heapTime[b];
        return ta < tb || (ta == tb && heapSeq[a] < heapSeq[b]);
    }

    private void move(int from, int to) {
        heapTime[to] = heapTime[from];
        heapSeq[to] = heapSeq[from];
        int s = heapSlot[from];
        heapSlot[to] = s;
        pos[s] = to;
    }

    private void siftUp(int i) {
        double t = heapTime[i];
        long q = heapSeq[i];
        int s = heapSlot[i];
        while (i > 0) {
            int p = (i - 1) >>> 1;
            double tp = heapTime[p];
            if (tp < t || (tp == t && heapSeq[p] < q)) {
                break;
            }
            move(p, i);
            i = p;
        }
        heapTime[i] = t;
        heapSeq[i] = q;
        heapSlot[i] = s;
        pos[s] = i;
    }

    private void siftDown(int i) {
        double t = heapTime[i];
        long q = heapSeq[i];
        int s = heapSlot[i];
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            int r = c + 1;
            if (r < size && less(r, c)) {
                c = r;
            }
            double tc = heapTime[c];
            if (t < tc || (t == tc && q < heapSeq[c])) {
                break;
            }
            move(c, i);
            i = c;
        }
        heapTime[i] = t;
        heapSeq[i] = q;
        heapSlot[i] = s;
        pos[s] = i;
    }

    private void growHeap() {
        int n = heapTime.length * 2;
        heapTime = Arrays.copyOf(heapTime, n);
        heapSeq = Arrays.copyOf(heapSeq, n);
        heapSlot = Arrays.copyOf(heapSlot, n);
    }

    private void growSlots() {
        int old = handler.length;
        int n = old * 2;
        handler = Arrays.copyOf(handler, n);
        arg = Arrays.copyOf(arg, n);
        pos = Arrays.copyOf(pos, n);
        gen = Arrays.copyOf(gen, n);
        freeSlots = Arrays.copyOf(freeSlots, n);
        Arrays.fill(pos, old, n, -1);
        Arrays.fill(gen, old, n, 1);
    }
}
