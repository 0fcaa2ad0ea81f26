package org.dml4j.compress;

import java.util.List;
import java.util.Objects;
import org.dml4j.core.FloatKernels;

/**
 * A per-layer low-rank update (PowerSGD): the vector is a sequence of blocks covering it in order; a
 * {@link Factored} block stands for the {@code rows x cols} row-major matrix {@code P Q^T}, a {@link Raw} block
 * carries its values as they are (biases and other layers not worth factoring). Immutable and thread-safe.
 *
 * <p>Wire layout after the header: block count, then per block a type byte and either {@code rows, cols, rank} and
 * the factors, or a length and the raw values, all values in the update's {@link ValueFormat}. A factored block
 * whose factors travelled in the round's exchange ({@link Factored#exchanged()}, PowerSGD's all-reduce form) carries
 * only its type byte and shape: such an update is counted ({@link #wireBytes()}) but has no encoding of its own
 * ({@link UpdateCodec#encode(CompressedUpdate)} refuses it).
 */
public final class LowRankUpdate implements CompressedUpdate {
    /** One block of a low-rank update. */
    public sealed interface Block permits Factored, Raw {
        /** @return number of vector elements the block covers */
        int length();

        /** @return number of values the block carries */
        long carried();
    }

    /**
     * A {@code rows x cols} matrix as {@code P Q^T}: {@code p} holds the {@code rank} columns of P one after the other
     * ({@code p[c*rows + i]}), {@code q} the columns of Q ({@code q[c*cols + j]}). The arrays are handed over and must
     * not be mutated afterwards.
     *
     * @param rows      rows of the matrix, at least 1
     * @param cols      columns of the matrix, at least 1
     * @param rank      number of factor columns, at least 1
     * @param p         {@code rank * rows} values
     * @param q         {@code rank * cols} values
     * @param exchanged the factors travelled in the round exchange ({@link RoundExchange}) before this reply: P as
     *                  the all-reduced mean the receiver holds (P̂ is its orthonormalization), Q as the sender's own
     *                  report. The block then puts only its type byte and shape on the wire; {@link #carried()} still
     *                  counts the {@code rank * (rows + cols)} values the sender sent for it (its P and Q reports)
     */
    public record Factored(int rows, int cols, int rank, float[] p, float[] q, boolean exchanged) implements Block {
        /**
         * A block that carries its factors.
         *
         * @param rows rows of the matrix, at least 1
         * @param cols columns of the matrix, at least 1
         * @param rank number of factor columns, at least 1
         * @param p    {@code rank * rows} values
         * @param q    {@code rank * cols} values
         */
        public Factored(int rows, int cols, int rank, float[] p, float[] q) {
            this(rows, cols, rank, p, q, false);
        }

        /** Validates the shape. */
        public Factored {
            Objects.requireNonNull(p, "p");
            Objects.requireNonNull(q, "q");
            if (rows < 1 || cols < 1 || rank < 1) {
                throw new IllegalArgumentException("rows, cols and rank must be >= 1, got " + rows + ", " + cols
                        + ", " + rank);
            }
            if ((long) rows * cols > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("rows * cols is too large: " + rows + " x " + cols);
            }
            if (p.length != (long) rank * rows || q.length != (long) rank * cols) {
                throw new IllegalArgumentException("p must have rank*rows = " + (long) rank * rows + " values and q "
                        + "rank*cols = " + (long) rank * cols + ", got " + p.length + " and " + q.length);
            }
        }

        @Override
        public int length() {
            return rows * cols;
        }

        @Override
        public long carried() {
            return (long) rank * (rows + cols);
        }
    }

    /**
     * Raw values of a block (handed over, not mutated afterwards).
     *
     * @param values the values, at least one
     */
    public record Raw(float[] values) implements Block {
        /** Validates the length. */
        public Raw {
            Objects.requireNonNull(values, "values");
            if (values.length < 1) {
                throw new IllegalArgumentException("a raw block needs at least one value");
            }
        }

        @Override
        public int length() {
            return values.length;
        }

        @Override
        public long carried() {
            return values.length;
        }
    }

    private final int dim;
    private final Block[] blocks;
    private final ValueFormat format;

    /**
     * @param blocks blocks covering the vector in order; their arrays are copied and rounded to {@code format}
     * @param format how values travel on the wire
     * @throws IllegalArgumentException when a value is not finite or the blocks are too long together
     */
    public LowRankUpdate(List<? extends Block> blocks, ValueFormat format) {
        Objects.requireNonNull(blocks, "blocks");
        this.format = Objects.requireNonNull(format, "format");
        this.blocks = new Block[blocks.size()];
        long total = 0;
        for (int b = 0; b < this.blocks.length; b++) {
            Block blk = Objects.requireNonNull(blocks.get(b), "block");
            Block copy = switch (blk) {
                case Factored f -> new Factored(f.rows(), f.cols(), f.rank(), finiteCopy(f.p(), format, b),
                        finiteCopy(f.q(), format, b), f.exchanged());
                case Raw r -> new Raw(finiteCopy(r.values(), format, b));
            };
            this.blocks[b] = copy;
            total += copy.length();
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("blocks cover " + total + " elements, more than an int dimension");
        }
        this.dim = (int) total;
    }

    private LowRankUpdate(int dim, Block[] blocks, ValueFormat format) {
        this.dim = dim;
        this.blocks = blocks;
        this.format = format;
    }

    /** Wraps blocks handed over by a compressor or the decoder: values finite and rounded, lengths summing to dim. */
    static LowRankUpdate wrap(int dim, Block[] blocks, ValueFormat format) {
        return new LowRankUpdate(dim, blocks, format);
    }

    private static float[] finiteCopy(float[] v, ValueFormat format, int block) {
        float[] c = v.clone();
        for (int i = 0; i < c.length; i++) {
            if (!Float.isFinite(c[i])) {
                throw new IllegalArgumentException("block " + block + " value " + i + " is not finite: " + c[i]);
            }
        }
        format.roundInPlace(c, 0, c.length);
        return c;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public long elements() {
        long e = 0;
        for (Block b : blocks) {
            e += b.carried();
        }
        return e;
    }

    /**
     * @return bytes on the wire: header, block count, and per block its type byte, then {@code rows, cols, rank} and
     *     the factors, or a length and the raw values; an {@linkplain Factored#exchanged() exchanged} block's factors
     *     are not among them (their bytes are the round exchange's)
     */
    @Override
    public long wireBytes() {
        long bytes = UpdateCodec.HEADER_BYTES + 4L;
        for (Block b : blocks) {
            bytes += switch (b) {
                case Factored f -> 1 + 12 + (f.exchanged() ? 0 : (long) format.bytes() * f.carried());
                case Raw r -> 1 + 4 + (long) format.bytes() * r.carried();
            };
        }
        return bytes;
    }

    /** @return whether a block's factors travelled in the round exchange, so that the update has no encoding */
    boolean hasExchangedBlocks() {
        for (Block b : blocks) {
            if (b instanceof Factored f && f.exchanged()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void addTo(float[] target, float weight) {
        CompressedUpdate.checkTarget(target, dim);
        FloatKernels k = FloatKernels.get();
        int off = 0;
        for (Block blk : blocks) {
            switch (blk) {
                case Factored f -> {
                    int rows = f.rows();
                    int cols = f.cols();
                    float[] p = f.p();
                    float[] q = f.q();
                    for (int i = 0; i < rows; i++) {
                        int row = off + i * cols;
                        for (int c = 0; c < f.rank(); c++) {
                            float a = weight * p[c * rows + i];
                            if (a != 0f) {
                                k.axpy(a, q, c * cols, target, row, cols);
                            }
                        }
                    }
                }
                case Raw r -> k.axpy(weight, r.values(), 0, target, off, r.values().length);
            }
            off += blk.length();
        }
    }

    /** @return the wire format of the values */
    public ValueFormat valueFormat() {
        return format;
    }

    /** @return number of blocks */
    public int blockCount() {
        return blocks.length;
    }

    /**
     * @param b block number
     * @return a copy of the block
     */
    public Block block(int b) {
        return switch (blocks[b]) {
            case Factored f -> new Factored(f.rows(), f.cols(), f.rank(), f.p().clone(), f.q().clone(),
                    f.exchanged());
            case Raw r -> new Raw(r.values().clone());
        };
    }

    /** Package access for the codec; never mutated. */
    Block[] blockArray() {
        return blocks;
    }
}
