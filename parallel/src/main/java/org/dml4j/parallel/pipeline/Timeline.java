package org.dml4j.parallel.pipeline;

/**
 * The simulated timeline of one pipeline iteration, with the numbers that matter: iteration time, bubbles, peak
 * memory per device and communication on the critical path.
 *
 * <p>Definitions (all devices start at time 0):
 * <ul>
 *   <li>{@link #iterationTime()}: when the last operation ends (synchronous optimizer step after the flush);</li>
 *   <li>{@link #idealTime()}: the busiest device's compute time, the iteration time with no bubble;</li>
 *   <li>{@link #bubbleTime()} {@code = iterationTime - idealTime} and {@link #bubbleRatio()}
 *       {@code = bubbleTime / idealTime}, which is {@code (p-1)/m} for 1F1B with equal stages (the "bubble fraction
 *       vs ideal compute" of Narayanan et al., SC 2021);</li>
 *   <li>{@link #bubbleFraction()}: the idle share of all devices' time, {@code 1 - sum(busy) / (p * T)};</li>
 *   <li>{@link #pipelinedIterationTime()}: the longest span (first start to last end) of any device, which is the
 *       period when consecutive iterations overlap because the optimizer step needs no global synchronisation
 *       (Qi et al., ICLR 2024, section 4, "optimizer post-validation"); ZB-H2 and ZB-V have no bubble in this
 *       sense.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe; array accessors return copies.
 */
public final class Timeline {
    private final Schedule schedule;
    private final double[][] start;
    private final double[][] finish;
    private final double iterationTime;
    private final double[] busy;
    private final double[] firstStart;
    private final double[] lastFinish;
    private final MemoryProfile memory;
    private final double criticalComm;
    private final double criticalCompute;
    private final int criticalTransfers;

    private Timeline(Schedule schedule, double[][] start, double[][] finish, double[] busy, double[] firstStart,
                     double[] lastFinish, MemoryProfile memory, double criticalComm, double criticalCompute,
                     int criticalTransfers) {
        this.schedule = schedule;
        this.start = start;
        this.finish = finish;
        this.busy = busy;
        this.firstStart = firstStart;
        this.lastFinish = lastFinish;
        this.memory = memory;
        this.criticalComm = criticalComm;
        this.criticalCompute = criticalCompute;
        this.criticalTransfers = criticalTransfers;
        double t = 0;
        for (double x : lastFinish) {
            t = Math.max(t, x);
        }
        this.iterationTime = t;
    }

    static Timeline from(Schedule s, StageCosts costs, Engine e) {
        int p = s.devices();
        double[] busy = new double[p];
        double[] first = new double[p];
        double[] last = new double[p];
        int endDevice = -1;
        int endPos = -1;
        double end = -1;
        for (int d = 0; d < p; d++) {
            double sum = 0;
            double[] st = e.startAt[d];
            double[] fi = e.finishAt[d];
            for (int i = 0; i < st.length; i++) {
                sum += fi[i] - st[i];
            }
            busy[d] = sum;
            first[d] = st.length == 0 ? 0 : st[0];
            last[d] = fi.length == 0 ? 0 : fi[fi.length - 1];
            if (fi.length > 0 && last[d] > end) {
                end = last[d];
                endDevice = d;
                endPos = fi.length - 1;
            }
        }
        double comm = 0;
        double compute = 0;
        int transfers = 0;
        if (endDevice >= 0) {
            int code = s.code(endDevice, endPos);
            int k = s.layout().virtualStage(endDevice, Op.chunkOf(code), p);
            int kind = Op.kindOrdinal(code);
            int slot = kind == 0 ? Engine.SLOT_F : kind == 2 ? Engine.SLOT_W : Engine.SLOT_B;
            int idx = e.index(slot, k, Op.microbatchOf(code));
            while (idx >= 0) {
                int slotOf = idx % 3;
                int stage = (idx / 3) / e.m;
                double dur = slotOf == Engine.SLOT_F ? e.durF[stage]
                        : slotOf == Engine.SLOT_W ? e.durW[stage]
                        : isFused(e, idx) ? e.durB[stage] + e.durW[stage] : e.durB[stage];
                compute += dur;
                if (e.predComm[idx] > 0) {
                    comm += e.predComm[idx];
                    transfers++;
                }
                idx = e.pred[idx];
            }
        }
        return new Timeline(s, e.startAt, e.finishAt, busy, first, last, MemoryProfile.of(s, costs), comm, compute,
                transfers);
    }

    private static boolean isFused(Engine e, int idx) {
        // a B slot with no W recorded is a fused backward
        double w = e.finish[idx + 1];
        return w != w;
    }

    /** @return the simulated schedule */
    public Schedule schedule() {
        return schedule;
    }

    /** @return the time at which the last operation ends */
    public double iterationTime() {
        return iterationTime;
    }

    /** @return the busiest device's compute time */
    public double idealTime() {
        double max = 0;
        for (double b : busy) {
            max = Math.max(max, b);
        }
        return max;
    }

    /** @return {@code iterationTime - idealTime} */
    public double bubbleTime() {
        return iterationTime - idealTime();
    }

    /** @return {@code bubbleTime / idealTime} ({@code (p-1)/m} for 1F1B with equal stages) */
    public double bubbleRatio() {
        double ideal = idealTime();
        return ideal == 0 ? 0 : bubbleTime() / ideal;
    }

    /** @return the idle share of all device time, {@code 1 - sum(busy) / (p * iterationTime)} */
    public double bubbleFraction() {
        if (iterationTime == 0) {
            return 0;
        }
        double sum = 0;
        for (double b : busy) {
            sum += b;
        }
        return 1 - sum / (busy.length * iterationTime);
    }

    /** @return the longest device span, the iteration period with optimizer post-validation */
    public double pipelinedIterationTime() {
        double max = 0;
        for (int d = 0; d < busy.length; d++) {
            max = Math.max(max, lastFinish[d] - firstStart[d]);
        }
        return max;
    }

    /** @return {@code (pipelinedIterationTime - idealTime) / idealTime} */
    public double pipelinedBubbleRatio() {
        double ideal = idealTime();
        return ideal == 0 ? 0 : (pipelinedIterationTime() - ideal) / ideal;
    }

    /**
     * @param device a device
     * @return its compute time
     */
    public double busyTime(int device) {
        return busy[device];
    }

    /**
     * @param device a device
     * @return its idle time within the iteration
     */
    public double idleTime(int device) {
        return iterationTime - busy[device];
    }

    /**
     * @param device a device
     * @return when its first operation starts
     */
    public double firstStart(int device) {
        return firstStart[device];
    }

    /**
     * @param device a device
     * @return when its last operation ends
     */
    public double lastFinish(int device) {
        return lastFinish[device];
    }

    /**
     * @param device a device
     * @param index position in its list
     * @return the operation's start time
     */
    public double start(int device, int index) {
        return start[device][index];
    }

    /**
     * @param device a device
     * @param index position in its list
     * @return the operation's end time
     */
    public double finish(int device, int index) {
        return finish[device][index];
    }

    /**
     * @param device a device
     * @return its peak memory (static + activations)
     */
    public double peakMemory(int device) {
        return memory.peak(device);
    }

    /** @return the largest peak memory over devices */
    public double maxPeakMemory() {
        return memory.maxPeak();
    }

    /** @return the per-device memory peaks */
    public MemoryProfile memory() {
        return memory;
    }

    /** @return point-to-point transfer time on the critical path (the chain of operations ending last) */
    public double criticalPathCommunication() {
        return criticalComm;
    }

    /** @return compute time on the critical path */
    public double criticalPathCompute() {
        return criticalCompute;
    }

    /** @return number of point-to-point transfers on the critical path */
    public int criticalPathTransfers() {
        return criticalTransfers;
    }

    /** @return the number of devices */
    public int devices() {
        return busy.length;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "%s: iteration %.6g, bubble %.4f of ideal (%.2f%% idle), pipelined %.6g, peak memory %.6g",
                schedule.name(), iterationTime, bubbleRatio(), 100 * bubbleFraction(), pipelinedIterationTime(),
                maxPeakMemory());
    }
}
