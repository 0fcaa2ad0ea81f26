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
import org.dml4j.model.EvalResult;
import org.dml4j.model.Model;
import org.dml4j.model.ParameterLayout;
import org.dml4j.model.TrainResult;
import org.dml4j.model.TrainSpec;

/**
 * A {@link Network} trained with DJL's PyTorch engine, without DJL's {@code Trainer}: the hot loop calls the engine's
 * operators directly so that a training step costs a handful of native calls.
 *
 * <p>How a step runs: all parameters live in one flat float tensor whose memory is a Java direct buffer, so
 * {@link #getParams} and {@link #setParams} are plain memory copies. The batch is copied into a reused
 * {@code float[]}, then into a direct buffer that a reused input tensor wraps (no tensor is created for the data).
 * The forward pass runs on views of the flat tensor (one split plus one reshape per weight); cross-entropy is
 * {@code log_softmax}, {@code gather} and {@code sum}, and backward is seeded with {@code -1/batch}, so the flat
 * tensor's gradient is the gradient of the mean loss. One fused native SGD call then updates the parameters in place:
 * <pre>
 *   d = grad + weightDecay·w + mu·(w − center)        (FedProx term when mu &gt; 0)
 *   v = momentum·v + lr·d ;  w = w − v                 (v = lr·d without momentum)
 * </pre>
 * which equals PyTorch's {@code SGD} (dampening 0, no Nesterov) for a constant learning rate. Temporaries of a step
 * are freed at its end by an {@link NDScope}.
 *
 * <p>Sample order: a permutation of the data drawn from the caller's generator, redrawn at each epoch; the last batch
 * of an epoch holds the remaining samples. Evaluation runs in batches of up to {@value #EVAL_BATCH} samples without
 * autograd.
 *
 * <p>Threading: one instance per worker thread (it may move between threads between calls). Autograd mode is
 * thread-local in PyTorch and is set on the calling thread for the duration of each call. Different instances train
 * concurrently without sharing anything but the engine.
 */
final class TorchModel implements Model {
    /** Most samples per evaluation batch. */
    static final int EVAL_BATCH = 1000;
    /** Most activation values per evaluation batch tensor (64 MiB of floats). */
    private static final long EVAL_ACTIVATION_BUDGET = 16L << 20;

    private final Network net;
    private final ParameterLayout layout;
    private final int numParams;
    private final int inputSize;
    private final long[] inputShape;
    private final PtNDManager manager;
    private final FloatBuffer params;
    private final PtNDArray paramTensor;
    private PtNDArray grad;
    private FloatBuffer momentum;
    private PtNDArray momentumTensor;
    private FloatBuffer proxShift;
    private PtNDArray proxTensor;
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
        ByteBuffer bytes = direct(4L * numParams);
        this.params = bytes.asFloatBuffer();
        this.paramTensor = wrap(bytes, DataType.FLOAT32, numParams);
        paramTensor.setRequiresGradient(true);
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
        float mu = spec.proxMu();
        float decay = spec.weightDecay() + mu;
        if (mu > 0) {
            prepareProx(spec.proxCenter(), mu);
        }
        if (spec.momentum() > 0) {
            prepareMomentum();
        }
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        shuffle(perm, rng);
        PtNDArray fullSeed = (PtNDArray) manager.create(-1f / batchSize);
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            if (grad != null) {
                JniUtils.zeroGrad(paramTensor);
            }
            int pos = 0;
            double lossSum = 0;
            long samples = 0;
            for (int step = 0; step < spec.steps(); step++) {
                if (pos == n) {
                    shuffle(perm, rng);
                    pos = 0;
                }
                int b = Math.min(batchSize, n - pos);
                batch.fill(data, perm, pos, b);
                pos += b;
                float loss = forwardBackward(batch, b, b == batchSize ? fullSeed : null);
                if (!Float.isFinite(loss)) {
                    JniUtils.zeroGrad(paramTensor);
                    throw new DivergenceException(net.name() + ": training loss is " + loss + " at step "
                            + (step + 1) + " of " + spec.steps());
                }
                if (grad == null) {
                    grad = JniUtils.getGradient(paramTensor);
                }
                if (mu > 0) {
                    JniUtils.addi(grad, proxTensor);
                }
                JniUtils.sgdUpdate(paramTensor, grad, spec.momentum() > 0 ? momentumTensor : null,
                        spec.learningRate(), decay, 1f, -1f, spec.momentum());
                JniUtils.zeroGrad(paramTensor);
                lossSum += loss;
                samples += b;
            }
            checkFiniteParams(spec.steps());
            return new TrainResult(spec.steps(), samples, lossSum / spec.steps());
        } finally {
            JniUtils.setGradMode(gradMode);
            fullSeed.close();
        }
    }

    /** Forward and backward on the first {@code b} samples of the batch; returns the mean loss. */
    private float forwardBackward(Batch batch, int b, PtNDArray seed) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            PtNDArray x = batch.features(b);
            PtNDArray y = batch.labels(b);
            PtNDArray logits = net.forward(x, net.views(paramTensor));
            PtNDArray picked = JniUtils.gather(JniUtils.logSoftmax(logits, 1, DataType.FLOAT32), y, 1);
            PtNDArray sum = JniUtils.sum(picked);
            PtNDArray s = seed != null ? seed : (PtNDArray) manager.create(-1f / b);
            JniUtils.backward(sum, s, false, false);
            return -JniUtils.getByteBuffer(sum, false).getFloat(0) / b;
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
                    PtNDArray logits = net.forward(batch.features(b), net.views(paramTensor));
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

    private void prepareProx(float[] center, float mu) {
        if (center.length != numParams) {
            throw new IllegalArgumentException("proxCenter must have " + numParams + " values, got "
                    + center.length);
        }
        if (proxTensor == null) {
            ByteBuffer bytes = direct(4L * numParams);
            proxShift = bytes.asFloatBuffer();
            proxTensor = wrap(bytes, DataType.FLOAT32, numParams);
        }
        for (int i = 0; i < numParams; i++) {
            proxShift.put(i, -mu * center[i]);
        }
    }

    private void prepareMomentum() {
        if (momentumTensor == null) {
            ByteBuffer bytes = direct(4L * numParams);
            momentum = bytes.asFloatBuffer();
            momentumTensor = wrap(bytes, DataType.FLOAT32, numParams);
        } else {
            for (int i = 0; i < numParams; i++) {
                momentum.put(i, 0f);
            }
        }
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

    /** A tensor of the given shape over {@code bytes}' memory (no copy); DJL keeps the buffer reachable. */
    private PtNDArray wrap(ByteBuffer bytes, DataType type, long... shape) {
        return JniUtils.createNdFromByteBuffer(manager, bytes, new Shape(shape), type, SparseFormat.DENSE,
                Device.cpu());
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
