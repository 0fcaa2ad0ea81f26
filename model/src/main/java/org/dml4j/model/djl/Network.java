package org.dml4j.model.djl;

import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.dml4j.core.SeedTree;
import org.dml4j.model.ParameterLayout;

/**
 * A feed-forward classifier described as a sequence of layers over one flat parameter vector: the architecture part
 * of a {@link TorchModel}. It knows the parameter layout, how to initialise the parameters deterministically in Java
 * and how to run the forward pass with DJL's PyTorch operators.
 *
 * <p>Immutable and thread-safe; the tensors passed to {@link #forward} belong to the caller.
 */
final class Network {
    /** Activation after a layer. */
    enum Activation {
        /** max(0, x); weights feeding it get Kaiming-uniform initialisation. */
        RELU,
        /** tanh(x); weights feeding it get Xavier-uniform initialisation. */
        TANH,
        /** identity (the logits layer); Xavier-uniform initialisation. */
        NONE;

        static Activation parse(String field, String value) {
            return switch (value) {
                case "relu" -> RELU;
                case "tanh" -> TANH;
                default -> throw new IllegalArgumentException(field + " must be relu or tanh, got " + value);
            };
        }
    }

    /** One step of the forward pass. */
    private sealed interface Op {
    }

    /** Fully connected layer; {@code param} indexes its weight, {@code param + 1} its bias if it has one. */
    private record Dense(int param, boolean bias) implements Op {
    }

    /**
     * 2-D convolution with stride 1 and symmetric zero padding. When {@code extraChannels > 0} the weight and bias
     * are extended by that many zero output channels for the operator and its output is cut back to {@code out}
     * channels (see {@link Builder#conv}).
     */
    private record Conv(int param, Shape padding, int out, int extraChannels) implements Op {
    }

    /** Non-overlapping 2-D pooling of window {@code size}. */
    private record Pool(boolean max, Shape size) implements Op {
    }

    /** Element-wise activation. */
    private record Act(Activation kind) implements Op {
    }

    /** Flattens all but the batch dimension. */
    private record Flatten() implements Op {
    }

    /** How a weight tensor is initialised. */
    private record Init(int fanIn, int fanOut, Activation next) {
    }

    /** Output channels of a convolution after a trainable layer run in multiples of this ({@link Builder#conv}). */
    static final int CHANNEL_BLOCK = 16;
    private static final Shape STRIDE_1 = new Shape(1, 1);
    private static final Shape DILATION_1 = new Shape(1, 1);
    private static final Shape NO_PADDING = new Shape(0, 0);

    private final String name;
    private final int[] inputShape;
    private final int numClasses;
    private final List<Op> ops;
    private final ParameterLayout layout;
    private final Init[] inits;
    private final long maxActivation;

    private Network(Builder b) {
        this.name = b.name;
        this.inputShape = b.inputShape.clone();
        this.numClasses = b.current[0];
        this.ops = List.copyOf(b.ops);
        this.layout = b.layout.build();
        this.inits = b.inits.toArray(new Init[0]);
        this.maxActivation = b.maxActivation;
    }

    /** @return the architecture's name, used in messages */
    String name() {
        return name;
    }

    /** @return shape of one input sample as the network consumes it, e.g. {@code {1, 28, 28}} or {@code {784}} */
    int[] inputShape() {
        return inputShape.clone();
    }

    /** @return values per input sample */
    int inputSize() {
        int s = 1;
        for (int d : inputShape) {
            s *= d;
        }
        return s;
    }

    /** @return number of output classes */
    int numClasses() {
        return numClasses;
    }

    /** @return the parameter layout */
    ParameterLayout layout() {
        return layout;
    }

    /** @return the largest number of activation values one sample produces in any layer */
    long maxActivation() {
        return maxActivation;
    }

    /**
     * Draws initial parameters: for each tensor a generator from {@code init.child(name)}, so a tensor's values depend
     * only on the seed and its name. Weights followed by ReLU get Kaiming-uniform values
     * ({@code U(±sqrt(6/fanIn))}), other weights Xavier-uniform ({@code U(±sqrt(6/(fanIn+fanOut)))}), biases zero.
     *
     * @param init seed node
     * @param out  destination of length {@code layout().size()}
     */
    void initialise(SeedTree init, float[] out) {
        List<ParameterLayout.Entry> entries = layout.entries();
        for (int i = 0; i < entries.size(); i++) {
            ParameterLayout.Entry e = entries.get(i);
            Init in = inits[i];
            int off = e.offset();
            int n = e.size();
            if (in == null) {
                Arrays.fill(out, off, off + n, 0f);
                continue;
            }
            double bound = in.next == Activation.RELU
                    ? Math.sqrt(6.0 / in.fanIn)
                    : Math.sqrt(6.0 / (in.fanIn + in.fanOut));
            SplittableRandom rng = init.child(e.name()).random();
            for (int j = 0; j < n; j++) {
                out[off + j] = (float) ((2 * rng.nextDouble() - 1) * bound);
            }
        }
    }

    /**
     * Runs the forward pass.
     *
     * @param x      a batch shaped {@code [batch, inputShape...]}
     * @param params one tensor per layout entry, in layout order, shaped as the entry
     * @return the logits, {@code [batch, numClasses]}
     */
    PtNDArray forward(PtNDArray x, PtNDArray[] params) {
        PtNDArray h = x;
        for (Op op : ops) {
            h = switch (op) {
                case Dense d -> JniUtils.linear(h, params[d.param], d.bias ? params[d.param + 1] : null);
                case Conv c -> convolution(h, params[c.param], params[c.param + 1], c);
                case Pool p -> p.max
                        ? JniUtils.maxPool(h, p.size, p.size, NO_PADDING, false)
                        : JniUtils.avgPool(h, p.size, p.size, NO_PADDING, false, true);
                case Act a -> a.kind == Activation.RELU ? JniUtils.relu(h) : JniUtils.tanh(h);
                case Flatten f -> JniUtils.flatten(h, 1, -1);
            };
        }
        return h;
    }

    private static PtNDArray convolution(PtNDArray x, PtNDArray weight, PtNDArray bias, Conv c) {
        if (c.extraChannels == 0) {
            return JniUtils.convolution(x, weight, bias, STRIDE_1, c.padding, DILATION_1, 1);
        }
        // constant_pad_nd's pairs run from the last dimension: the zeros go after the output channels (dim 0)
        PtNDArray w = JniUtils.pad(weight, new long[] {0, 0, 0, 0, 0, 0, 0, c.extraChannels}, 0);
        PtNDArray b = JniUtils.pad(bias, new long[] {0, c.extraChannels}, 0);
        PtNDArray y = JniUtils.convolution(x, w, b, STRIDE_1, c.padding, DILATION_1, 1);
        return JniUtils.slice(y, 1, 0, c.out, 1);
    }

    /**
     * @return per convolution in order, the zero output channels its operator gets (0 for none), for tests
     */
    int[] convolutionExtraChannels() {
        return ops.stream().filter(o -> o instanceof Conv).mapToInt(o -> ((Conv) o).extraChannels).toArray();
    }

    @Override
    public String toString() {
        return name + Arrays.toString(inputShape) + "->" + numClasses + " (" + layout.size() + " parameters)";
    }

    /**
     * Builds a network layer by layer while tracking the activation shape, so that a configuration which does not
     * fit the input fails with a message naming the layer.
     */
    static final class Builder {
        private final String name;
        private final int[] inputShape;
        private final List<Op> ops = new ArrayList<>();
        private final List<Init> inits = new ArrayList<>();
        private final ParameterLayout.Builder layout = new ParameterLayout.Builder();
        private int[] current;
        private int params;
        private long maxActivation;

        /**
         * @param name       architecture name
         * @param inputShape shape of one sample as fed to the first layer
         */
        Builder(String name, int... inputShape) {
            this.name = Objects.requireNonNull(name, "name");
            this.inputShape = inputShape.clone();
            this.current = inputShape.clone();
            this.maxActivation = size(current);
        }

        /** @return the current activation shape of one sample */
        int[] shape() {
            return current.clone();
        }

        /**
         * Appends a fully connected layer, flattening first if needed.
         *
         * @param layer name prefix of its tensors, e.g. {@code "fc1"}
         * @param out   output units
         * @param next  the activation that follows it (decides the initialisation and is appended)
         * @return this builder
         */
        Builder dense(String layer, int out, Activation next) {
            return dense(layer, out, next, true);
        }

        /**
         * Appends a fully connected layer, flattening first if needed.
         *
         * @param layer name prefix of its tensors, e.g. {@code "fc1"}
         * @param out   output units
         * @param next  the activation that follows it (decides the initialisation and is appended)
         * @param bias  whether the layer adds a bias vector
         * @return this builder
         */
        Builder dense(String layer, int out, Activation next, boolean bias) {
            if (current.length != 1) {
                ops.add(new Flatten());
                current = new int[] {size(current)};
            }
            int in = current[0];
            ops.add(new Dense(params, bias));
            addParam(layer + ".weight", new Init(in, out, next), out, in);
            if (bias) {
                addParam(layer + ".bias", null, out);
            }
            current = new int[] {out};
            activation(next);
            return this;
        }

        /**
         * Appends a 2-D convolution with stride 1.
         *
         * @param layer   name prefix of its tensors, e.g. {@code "conv1"}
         * @param out     output channels
         * @param kernel  square kernel size
         * @param padding zero padding on each side
         * @param next    the activation that follows it
         * @return this builder
         */
        Builder conv(String layer, int out, int kernel, int padding, Activation next) {
            if (current.length != 3) {
                throw new IllegalArgumentException(name + ": layer " + layer + " needs input shaped "
                        + "(channels, height, width), got " + Arrays.toString(current));
            }
            int c = current[0];
            int h = current[1] + 2 * padding - kernel + 1;
            int w = current[2] + 2 * padding - kernel + 1;
            if (h < 1 || w < 1) {
                throw new IllegalArgumentException(name + ": input " + Arrays.toString(inputShape)
                        + " is too small: layer " + layer + " (kernel " + kernel + ", padding " + padding
                        + ") gets " + Arrays.toString(current));
            }
            // Work-around for the CPU convolution of the PyTorch build DJL loads (libtorch 2.7.1, oneDNN): with
            // an output channel count that is not a multiple of the ISA's channel block (16 with AVX-512, 8 with
            // AVX2), its backward pass w.r.t. the input reads the padding of the blocked gradient buffer, which is
            // not always zeroed, and now and then (more often under load) turns the input gradient into NaN. Measured
            // here on a 3-conv net with 8 channels: 123 of 200 identical trainings hit a NaN, none with 16. The
            // input gradient is only computed after a trainable layer, so such convolutions run with zero output
            // channels up to a multiple of 16 and their output is cut back; the zeros take no part in the result.
            int extra = params > 0 && out % CHANNEL_BLOCK != 0 ? CHANNEL_BLOCK - out % CHANNEL_BLOCK : 0;
            ops.add(new Conv(params, new Shape(padding, padding), out, extra));
            int fan = c * kernel * kernel;
            addParam(layer + ".weight", new Init(fan, out * kernel * kernel, next), out, c, kernel, kernel);
            addParam(layer + ".bias", null, out);
            current = new int[] {out, h, w};
            activation(next);
            return this;
        }

        /**
         * Appends non-overlapping pooling.
         *
         * @param max  max pooling if true, average pooling otherwise
         * @param size window and stride
         * @return this builder
         */
        Builder pool(boolean max, int size) {
            if (current.length != 3 || current[1] < size || current[2] < size) {
                throw new IllegalArgumentException(name + ": input " + Arrays.toString(inputShape)
                        + " is too small: pooling " + size + "x" + size + " gets " + Arrays.toString(current));
            }
            ops.add(new Pool(max, new Shape(size, size)));
            current = new int[] {current[0], current[1] / size, current[2] / size};
            return this;
        }

        private void activation(Activation a) {
            if (a != Activation.NONE) {
                ops.add(new Act(a));
            }
            maxActivation = Math.max(maxActivation, size(current));
        }

        private void addParam(String tensor, Init init, int... shape) {
            layout.add(tensor, shape);
            inits.add(init);
            params++;
        }

        /** @return the network; the last layer's width is the number of classes */
        Network build() {
            if (current.length != 1 || ops.isEmpty()) {
                throw new IllegalStateException(name + ": a network must end with a dense layer");
            }
            return new Network(this);
        }

        private static int size(int[] shape) {
            long s = 1;
            for (int d : shape) {
                s *= d;
            }
            if (s > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("activation of " + s + " values per sample is too large");
            }
            return (int) s;
        }
    }
}
