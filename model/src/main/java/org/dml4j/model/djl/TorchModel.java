package org.dml4j.model.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Objects;
import java.util.SplittableRandom;
import org.dml4j.core.DivergenceException;
import org.dml4j.core.SeedTree;
import org.dml4j.data.Dataset;
import org.dml4j.model.AdamState;
import org.dml4j.model.EvalResult;
import org.dml4j.model.Model;
import org.dml4j.model.ParameterLayout;
import org.dml4j.model.TrainResult;
import org.dml4j.model.TrainSpec;

/**
 * A {@link Network} trained with DJL's PyTorch engine, without DJL's {@code Trainer}: the hot loop calls the engine's
 * operators directly so that a training step costs a few dozen cheap native calls and touches each parameter only a
 * few times.
 *
 * <p>Memory: all parameters live in one Java direct buffer laid out as {@link #layout()}, so {@link #getParams} and
 * {@link #setParams} are single memory copies. Each parameter tensor is a zero-copy view of its slice of that buffer
 * and stays in place between steps; the momentum buffer and the FedProx center are kept the same way. The batch is
 * copied into a reused {@code float[]}, then into a direct buffer wrapped by a reused input tensor.
 *
 * <p>One step: fresh autograd leaves are wrapped around the parameter slices (so their gradients start undefined
 * and PyTorch neither accumulates nor needs zeroing), the forward pass runs, cross-entropy is {@code log_softmax},
 * {@code gather} and {@code sum}, and backward is seeded with {@code -lr/batch}, so each leaf's gradient is already
 * {@code lr·∇(mean loss)}. The update then runs in place on the parameter tensors:
 * <pre>
 *   d = lr·(grad + weightDecay·w + mu·(w − center))     (FedProx term when mu &gt; 0)
 *   v = momentum·v + d ;  w = w − v                      (w = w − d without momentum)
 * </pre>
 * which equals PyTorch's {@code SGD} (dampening 0, no Nesterov) for the constant learning rate of one
 * {@link #train} call. With an {@link AdamState} in the spec, backward is seeded with {@code -1/batch} (the gradient
 * itself) and the step is AdamW's, on moment buffers kept like the momentum buffer and copied from and back into the
 * caller's state around the call. The step's temporaries are freed at its end by an {@link NDScope}.
 *
 * <p>Sample order: a permutation of the data drawn from the caller's generator, redrawn at each epoch; the last batch
 * of an epoch holds the remaining samples. Evaluation runs without autograd in batches of up to {@value #EVAL_BATCH}
 * samples (fewer for large activations).
 *
 * <p>Threading: one instance per worker thread (it may move between threads between calls). Autograd mode is
 * thread-local in PyTorch and is set on the calling thread for the duration of each call. Different instances train
 * concurrently without sharing anything but the engine.
 */
final class TorchModel implements Model {
    /** Most samples per evaluation batch. */
    static final int EVAL_BATCH = 1000;
    /** Most activation values per evaluation batch tensor (8 MiB of floats): larger batches run slower on CPU. */
    private static final long EVAL_ACTIVATION_BUDGET = 2L << 20;

    private final Network net;
    private final ParameterLayout layout;
    private final int numParams;
    private final int inputSize;
    private final long[] inputShape;
    private final PtNDManager manager;
    private final FloatBuffer params;
    /** Per layout entry: its slice of the parameter buffer, its shape, and the persistent tensor over it. */
    private final ByteBuffer[] slices;
    private final Shape[] shapes;
    private final PtNDArray[] tensors;
    private FloatBuffer momentum;
    private PtNDArray[] momentumTensors;
    private FloatBuffer adamFirst;
    private FloatBuffer adamSecond;
    private PtNDArray[] adamFirstTensors;
    private PtNDArray[] adamSecondTensors;
    private FloatBuffer proxShift;
    private PtNDArray[] proxTensors;
    private Batch trainBatch;
    private Batch evalBatch;
    private boolean closed;

    /**
     * @param net  the architecture
     * @param init seeds the initial parameters
     */
    TorchModel(Network net, SeedTree init) {
        this.net = Objects.requireNonNull(net, "net");
        Objects.requireNonNull(init, "init");
        this.layout = net.layout();
        this.numParams = layout.size();
        this.inputSize = net.inputSize();
        int[] in = net.inputShape();
        this.inputShape = new long[in.length + 1];
        for (int i = 0; i < in.length; i++) {
            inputShape[i + 1] = in[i];
        }
        this.manager = (PtNDManager) TorchRuntime.engine().newBaseManager();
        ByteBuffer paramBytes = direct(4L * numParams);
        this.params = paramBytes.asFloatBuffer();
        int k = layout.entries().size();
        this.slices = new ByteBuffer[k];
        this.shapes = new Shape[k];
        for (int i = 0; i < k; i++) {
            ParameterLayout.Entry e = layout.entries().get(i);
            slices[i] = paramBytes.slice(4 * e.offset(), 4 * e.size()).order(ByteOrder.nativeOrder());
            shapes[i] = new Shape(java.util.Arrays.stream(e.shape()).asLongStream().toArray());
        }
        this.tensors = wrapSlices(paramBytes);
        float[] w = new float[numParams];
        net.initialise(init, w);
        params.put(0, w);
    }

    @Override
    public ParameterLayout layout() {
        return layout;
    }

    @Override
    public int numParams() {
        return numParams;
    }

    @Override
    public void getParams(float[] out) {
        ensureOpen();
        checkLength(out, "out");
        params.get(0, out, 0, numParams);
    }

    @Override
    public void setParams(float[] in) {
        ensureOpen();
        checkLength(in, "in");
        params.put(0, in, 0, numParams);
    }

    @Override
    public TrainResult train(Dataset data, TrainSpec spec, SplittableRandom rng) {
        ensureOpen();
        checkData(data);
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(rng, "rng");
        int n = data.size();
        int batchSize = Math.min(spec.batchSize(), n);
        if (trainBatch == null || trainBatch.capacity < batchSize || trainBatch.capacity > 2 * batchSize) {
            if (trainBatch != null) {
                trainBatch.close();
            }
            trainBatch = new Batch(batchSize);
        }
        Batch batch = trainBatch;
        float lr = spec.learningRate();
        float mu = spec.proxMu();
        float decay = spec.weightDecay() + mu;
        if (mu > 0) {
            prepareProx(spec.proxCenter(), lr * mu);
        }
        boolean heavyBall = spec.momentum() > 0;
        if (heavyBall) {
            prepareMomentum();
        }
        AdamState adam = spec.adam();
        if (adam != null) {
            prepareAdam(adam);
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        shuffle(perm, rng);
        boolean gradMode = JniUtils.isGradMode();
        try (NDScope callScope = new NDScope()) {
            callScope.suppressNotUsedWarning();
            Step step = new Step(lr, batchSize, decay > 0 ? scalar(lr * decay) : null,
                    heavyBall ? scalar(spec.momentum()) : null, mu > 0, adam);
            JniUtils.setGradMode(true);
            int pos = 0;
            double lossSum = 0;
            long samples = 0;
            for (int s = 0; s < spec.steps(); s++) {
                if (pos == n) {
                    shuffle(perm, rng);
                    pos = 0;
                }
                int b = Math.min(batchSize, n - pos);
                batch.fill(data, perm, pos, b);
                pos += b;
                float loss = step.run(batch, b);
                if (!Float.isFinite(loss)) {
                    throw new DivergenceException(net.name() + ": training loss is " + loss + " at step " + (s + 1)
                            + " of " + spec.steps());
                }
                lossSum += loss;
                samples += b;
            }
            checkFiniteParams(spec.steps());
            if (adam != null) {
                adamFirst.get(0, adam.firstMoment(), 0, numParams);
                adamSecond.get(0, adam.secondMoment(), 0, numParams);
                adam.advance(spec.steps());
            }
            return new TrainResult(spec.steps(), samples, lossSum / spec.steps());
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** The per-call constants of the training loop and one step of it. */
    private final class Step {
        private final float lr;
        private final int batchSize;
        private final PtNDArray fullSeed;
        private final PtNDArray lrDecay;
        private final PtNDArray momentumFactor;
        private final boolean prox;
        private final AdamState adam;
        private final float seedScale;
        private long adamStep;
        private PtNDArray beta1;
        private PtNDArray oneMinusBeta1;
        private PtNDArray beta2;
        private PtNDArray oneMinusBeta2;

        Step(float lr, int batchSize, PtNDArray lrDecay, PtNDArray momentumFactor, boolean prox, AdamState adam) {
            this.lr = lr;
            this.batchSize = batchSize;
            this.adam = adam;
            this.seedScale = adam != null ? 1f : lr; // AdamW needs the gradient itself
            this.fullSeed = scalar(-seedScale / batchSize);
            this.lrDecay = lrDecay;
            this.momentumFactor = momentumFactor;
            this.prox = prox;
            if (adam != null) {
                adamStep = adam.steps();
                beta1 = scalar(adam.beta1());
                oneMinusBeta1 = scalar(1 - adam.beta1());
                beta2 = scalar(adam.beta2());
                oneMinusBeta2 = scalar(1 - adam.beta2());
            }
        }

        /** AdamW on every tensor with a gradient (the decoupled decay is {@code lrDecay}). */
        private void adamUpdate(PtNDArray[] leaves) {
            adamStep++;
            double bc1 = 1 - Math.pow(adam.beta1(), adamStep);
            double bc2 = 1 - Math.pow(adam.beta2(), adamStep);
            PtNDArray stepSize = scalar((float) (lr / bc1));
            PtNDArray invSqrtBc2 = scalar((float) (1 / Math.sqrt(bc2)));
            PtNDArray eps = scalar(adam.eps());
            for (int i = 0; i < leaves.length; i++) {
                PtNDArray g = JniUtils.getGradient(leaves[i]);
                if (g == null) {
                    continue;
                }
                JniUtils.muli(adamFirstTensors[i], beta1);
                JniUtils.addi(adamFirstTensors[i], JniUtils.mul(g, oneMinusBeta1));
                JniUtils.muli(adamSecondTensors[i], beta2);
                JniUtils.addi(adamSecondTensors[i], JniUtils.mul(JniUtils.mul(g, g), oneMinusBeta2));
                if (lrDecay != null) {
                    JniUtils.subi(tensors[i], JniUtils.mul(tensors[i], lrDecay));
                }
                PtNDArray denom = JniUtils.add(JniUtils.mul(JniUtils.sqrt(adamSecondTensors[i]), invSqrtBc2), eps);
                JniUtils.subi(tensors[i], JniUtils.mul(JniUtils.div(adamFirstTensors[i], denom), stepSize));
            }
        }

        /** Forward, backward and update on the first {@code b} samples of the batch; returns the mean loss. */
        float run(Batch batch, int b) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                PtNDArray seed = b == batchSize ? fullSeed : scalar(-seedScale / b);
                PtNDArray[] leaves = new PtNDArray[tensors.length];
                for (int i = 0; i < leaves.length; i++) {
                    leaves[i] = JniUtils.createNdFromByteBuffer(manager, slices[i], shapes[i], DataType.FLOAT32,
                            SparseFormat.DENSE, Device.cpu());
                    leaves[i].setRequiresGradient(true);
                }
                PtNDArray logits = net.forward(batch.features(b), leaves);
                PtNDArray logp = JniUtils.logSoftmax(logits, 1, DataType.FLOAT32);
                PtNDArray sum = JniUtils.sum(JniUtils.gather(logp, batch.labels(b), 1));
                JniUtils.backward(sum, seed, false, false);
                float loss = -JniUtils.getByteBuffer(sum, false).getFloat(0) / b;
                if (!Float.isFinite(loss)) {
                    return loss;
                }
                if (adam != null) {
                    adamUpdate(leaves);
                    return loss;
                }
                for (int i = 0; i < leaves.length; i++) {
                    PtNDArray d = JniUtils.getGradient(leaves[i]);
                    if (d == null) {
                        continue; // the tensor did not take part in the forward pass
                    }
                    if (lrDecay != null) {
                        JniUtils.addi(d, JniUtils.mul(tensors[i], lrDecay));
                    }
                    if (prox) {
                        JniUtils.addi(d, proxTensors[i]);
                    }
                    if (momentumFactor != null) {
                        JniUtils.muli(momentumTensors[i], momentumFactor);
                        JniUtils.addi(momentumTensors[i], d);
                        d = momentumTensors[i];
                    }
                    JniUtils.subi(tensors[i], d);
                }
                return loss;
            }
        }
    }

    @Override
    public EvalResult evaluate(Dataset data) {
        ensureOpen();
        checkData(data);
        int n = data.size();
        int classes = net.numClasses();
        int cap = (int) Math.max(1, Math.min(Math.min(EVAL_BATCH, n), EVAL_ACTIVATION_BUDGET / net.maxActivation()));
        if (evalBatch == null || evalBatch.capacity != cap) {
            if (evalBatch != null) {
                evalBatch.close();
            }
            evalBatch = new Batch(cap);
        }
        Batch batch = evalBatch;
        float[] logp = new float[cap * classes];
        double lossSum = 0;
        long correct = 0;
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (int from = 0; from < n; from += cap) {
                int b = Math.min(cap, n - from);
                batch.fillRange(data, from, b);
                try (NDScope scope = new NDScope()) {
                    scope.suppressNotUsedWarning();
                    PtNDArray logits = net.forward(batch.features(b), tensors);
                    JniUtils.getByteBuffer(JniUtils.logSoftmax(logits, 1, DataType.FLOAT32), false)
                            .asFloatBuffer().get(0, logp, 0, b * classes);
                }
                for (int j = 0; j < b; j++) {
                    int label = data.label(from + j);
                    int off = j * classes;
                    lossSum -= logp[off + label];
                    int best = 0;
                    for (int c = 1; c < classes; c++) {
                        if (logp[off + c] > logp[off + best]) {
                            best = c;
                        }
                    }
                    if (best == label) {
                        correct++;
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        return new EvalResult(n, lossSum / n, (double) correct / n);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }

    @Override
    public String toString() {
        return net.toString();
    }

    /** Fills the FedProx shift {@code -lr·mu·center}. */
    private void prepareProx(float[] center, float lrMu) {
        if (center.length != numParams) {
            throw new IllegalArgumentException("proxCenter must have " + numParams + " values, got "
                    + center.length);
        }
        if (proxTensors == null) {
            ByteBuffer bytes = direct(4L * numParams);
            proxShift = bytes.asFloatBuffer();
            proxTensors = wrapSlices(bytes);
        }
        for (int i = 0; i < numParams; i++) {
            proxShift.put(i, -lrMu * center[i]);
        }
    }

    /** Allocates or zeroes the momentum buffer. */
    private void prepareMomentum() {
        if (momentumTensors == null) {
            ByteBuffer bytes = direct(4L * numParams);
            momentum = bytes.asFloatBuffer();
            momentumTensors = wrapSlices(bytes);
        } else {
            for (int i = 0; i < numParams; i++) {
                momentum.put(i, 0f);
            }
        }
    }

    /** Allocates the AdamW moment buffers if needed and loads the caller's moments into them. */
    private void prepareAdam(AdamState adam) {
        if (adam.firstMoment().length != numParams) {
            throw new IllegalArgumentException("the AdamW state has " + adam.firstMoment().length
                    + " parameters, the model " + numParams);
        }
        if (adamFirstTensors == null) {
            ByteBuffer first = direct(4L * numParams);
            ByteBuffer second = direct(4L * numParams);
            adamFirst = first.asFloatBuffer();
            adamSecond = second.asFloatBuffer();
            adamFirstTensors = wrapSlices(first);
            adamSecondTensors = wrapSlices(second);
        }
        adamFirst.put(0, adam.firstMoment(), 0, numParams);
        adamSecond.put(0, adam.secondMoment(), 0, numParams);
    }

    /** One tensor per layout entry over the matching slice of {@code flat}, which is laid out as the parameters. */
    private PtNDArray[] wrapSlices(ByteBuffer flat) {
        PtNDArray[] t = new PtNDArray[slices.length];
        for (int i = 0; i < t.length; i++) {
            ParameterLayout.Entry e = layout.entries().get(i);
            ByteBuffer slice = flat.slice(4 * e.offset(), 4 * e.size()).order(ByteOrder.nativeOrder());
            t[i] = JniUtils.createNdFromByteBuffer(manager, slice, shapes[i], DataType.FLOAT32, SparseFormat.DENSE,
                    Device.cpu());
            NDScope.unregister(t[i]);
        }
        return t;
    }

    /** A scalar tensor registered in the current scope. */
    private PtNDArray scalar(float v) {
        return (PtNDArray) manager.create(v);
    }

    private void checkFiniteParams(int steps) {
        for (int i = 0; i < numParams; i++) {
            if (!Float.isFinite(params.get(i))) {
                throw new DivergenceException(net.name() + ": parameter " + i + " is " + params.get(i)
                        + " after step " + steps);
            }
        }
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private void checkData(Dataset data) {
        Objects.requireNonNull(data, "data");
        if (data.size() == 0) {
            throw new IllegalArgumentException("data " + data.name() + " is empty");
        }
        if (data.featureSize() != inputSize) {
            throw new IllegalArgumentException("data " + data.name() + " has " + data.featureSize()
                    + " features per sample, the model " + net + " expects " + inputSize);
        }
        if (data.numClasses() > net.numClasses()) {
            throw new IllegalArgumentException("data " + data.name() + " has " + data.numClasses()
                    + " classes, the model " + net + " only " + net.numClasses());
        }
    }

    private void checkLength(float[] a, String name) {
        Objects.requireNonNull(a, name);
        if (a.length != numParams) {
            throw new IllegalArgumentException(name + " must have " + numParams + " values, got " + a.length);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("model " + net.name() + " is closed");
        }
    }

    /** A 64-byte aligned, zeroed, native-order direct buffer of {@code bytes} bytes. */
    private static ByteBuffer direct(long bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(Math.toIntExact(bytes + 127)).alignedSlice(64);
        return b.limit(Math.toIntExact(bytes)).slice().order(ByteOrder.nativeOrder());
    }

    /**
     * A tensor of the given shape over {@code bytes}' memory (no copy; DJL keeps the buffer reachable), owned by this
     * model's manager and never by a caller's {@link NDScope}.
     */
    private PtNDArray wrap(ByteBuffer bytes, DataType type, long... shape) {
        PtNDArray t = JniUtils.createNdFromByteBuffer(manager, bytes, new Shape(shape), type, SparseFormat.DENSE,
                Device.cpu());
        NDScope.unregister(t);
        return t;
    }

    /** Reused host and native memory for one batch of features and labels. */
    private final class Batch {
        final int capacity;
        private final float[] host;
        private final FloatBuffer features;
        private final LongBuffer labels;
        private final PtNDArray featureTensor;
        private final PtNDArray labelTensor;

        Batch(int capacity) {
            this.capacity = capacity;
            this.host = new float[capacity * inputSize];
            ByteBuffer fb = direct(4L * capacity * inputSize);
            ByteBuffer lb = direct(8L * capacity);
            this.features = fb.asFloatBuffer();
            this.labels = lb.asLongBuffer();
            long[] shape = inputShape.clone();
            shape[0] = capacity;
            this.featureTensor = wrap(fb, DataType.FLOAT32, shape);
            this.labelTensor = wrap(lb, DataType.INT64, capacity, 1);
        }

        void fill(Dataset data, int[] order, int from, int count) {
            for (int j = 0; j < count; j++) {
                int i = order[from + j];
                data.copyFeatures(i, host, j * inputSize);
                labels.put(j, data.label(i));
            }
            features.put(0, host, 0, count * inputSize);
        }

        void fillRange(Dataset data, int from, int count) {
            for (int j = 0; j < count; j++) {
                data.copyFeatures(from + j, host, j * inputSize);
                labels.put(j, data.label(from + j));
            }
            features.put(0, host, 0, count * inputSize);
        }

        /** The first {@code b} samples; a view registered in the current scope when {@code b < capacity}. */
        PtNDArray features(int b) {
            return b == capacity ? featureTensor : JniUtils.slice(featureTensor, 0, 0, b, 1);
        }

        PtNDArray labels(int b) {
            return b == capacity ? labelTensor : JniUtils.slice(labelTensor, 0, 0, b, 1);
        }

        void close() {
            featureTensor.close();
            labelTensor.close();
        }
    }

    /** @return the manager owning this model's tensors (for tests) */
    NDManager manager() {
        return manager;
    }
}
