package org.dml4j.parallel.pipeline;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A pipeline schedule: for each device, the ordered list of operations it runs in one training iteration. A device
 * runs its list in order; an operation starts once the device is free and its inputs have arrived. Whether the
 * order respects the dependencies and memory limits is checked by {@link ScheduleValidator}, and its timing is
 * computed by {@link TimelineSimulator}.
 *
 * <p>Device {@code d}'s chunk {@code c} is virtual stage {@link ChunkLayout#virtualStage(int, int, int)} of the
 * {@code p * v} virtual stages. A schedule does not depend on costs except through the scheduler that made it.
 *
 * <p>Immutable and thread-safe.
 */
public final class Schedule {
    private final String name;
    private final int microbatches;
    private final int chunks;
    private final ChunkLayout layout;
    private final int[][] ops;

    Schedule(String name, int microbatches, int chunks, ChunkLayout layout, int[][] ops) {
        this.name = Objects.requireNonNull(name, "name");
        this.layout = Objects.requireNonNull(layout, "layout");
        if (microbatches < 1) {
            throw new IllegalArgumentException("microbatches must be >= 1, got " + microbatches);
        }
        if (chunks < 1 || chunks > Op.MAX_CHUNK + 1) {
            throw new IllegalArgumentException("v (chunks) must be in [1," + (Op.MAX_CHUNK + 1) + "], got " + chunks);
        }
        if (ops.length < 1) {
            throw new IllegalArgumentException("a schedule needs at least one device");
        }
        if (microbatches > Op.MAX_MICROBATCH + 1) {
            throw new IllegalArgumentException("microbatches must be <= " + (Op.MAX_MICROBATCH + 1) + ", got "
                    + microbatches);
        }
        this.microbatches = microbatches;
        this.chunks = chunks;
        this.ops = ops;
    }

    /**
     * Builds a schedule from explicit per-device operation lists, for hand-made or external schedules.
     *
     * @param name         a label for reports
     * @param microbatches {@code m >= 1}
     * @param chunks       model chunks per device {@code v >= 1}
     * @param layout       placement of chunks on devices
     * @param perDevice    one operation list per device
     * @return the schedule (not yet validated; see {@link ScheduleValidator})
     */
    public static Schedule of(String name, int microbatches, int chunks, ChunkLayout layout,
                              List<? extends List<Op>> perDevice) {
        Objects.requireNonNull(perDevice, "perDevice");
        int[][] codes = new int[perDevice.size()][];
        for (int d = 0; d < codes.length; d++) {
            List<Op> list = Objects.requireNonNull(perDevice.get(d), "perDevice[" + d + "]");
            codes[d] = new int[list.size()];
            for (int i = 0; i < codes[d].length; i++) {
                codes[d][i] = Objects.requireNonNull(list.get(i), "perDevice[" + d + "][" + i + "]").code();
            }
        }
        return new Schedule(name, microbatches, chunks, layout, codes);
    }

    /** @return the schedule's label ("1f1b", "zb-h1", ...) */
    public String name() {
        return name;
    }

    /** @return the number of devices {@code p} */
    public int devices() {
        return ops.length;
    }

    /** @return micro-batches per iteration {@code m} */
    public int microbatches() {
        return microbatches;
    }

    /** @return model chunks per device {@code v} */
    public int chunks() {
        return chunks;
    }

    /** @return how chunks map to virtual stages */
    public ChunkLayout layout() {
        return layout;
    }

    /** @return {@code p * v} */
    public int virtualStages() {
        return ops.length * chunks;
    }

    /**
     * @param device a device
     * @return how many operations it runs
     */
    public int size(int device) {
        return ops[device].length;
    }

    /**
     * @param device a device
     * @param index position in its list
     * @return the operation
     */
    public Op op(int device, int index) {
        return Op.decode(ops[device][index]);
    }

    /**
     * @param device a device
     * @return its operations in order, as an unmodifiable view
     */
    public List<Op> ops(int device) {
        int[] a = ops[device];
        return new AbstractList<>() {
            @Override
            public Op get(int i) {
                return Op.decode(a[i]);
            }

            @Override
            public int size() {
                return a.length;
            }
        };
    }

    /** @return every device's operations, as unmodifiable views */
    public List<List<Op>> allOps() {
        List<List<Op>> all = new ArrayList<>(ops.length);
        for (int d = 0; d < ops.length; d++) {
            all.add(ops(d));
        }
        return List.copyOf(all);
    }

    /**
     * @param newName the new name
     * @return a copy of this schedule under another name
     */
    public Schedule withName(String newName) {
        return new Schedule(newName, microbatches, chunks, layout, ops);
    }

    int code(int device, int index) {
        return ops[device][index];
    }

    int[] codes(int device) {
        return ops[device];
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(" (p=").append(ops.length).append(", m=")
                .append(microbatches).append(", v=").append(chunks).append(")");
        for (int d = 0; d < ops.length && d < 16; d++) {
            sb.append("\n  device ").append(d).append(':');
            for (int i = 0; i < ops[d].length && i < 64; i++) {
                sb.append(' ').append(Op.decode(ops[d][i]));
            }
            if (ops[d].length > 64) {
                sb.append(" ...");
            }
        }
        return sb.toString();
    }
}
