package org.dml4j.model.djl;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads DJL's PyTorch engine once, offline and with a fixed number of intra-op threads, the first time a model needs
 * it (never when this class loads).
 *
 * <p>Before the engine initialises, unset system properties are filled in: {@code ai.djl.offline=true} (the native
 * library comes from the {@code pytorch-native-cpu} Maven artifact, nothing is downloaded), and
 * {@code ai.djl.pytorch.num_threads} / {@code ai.djl.pytorch.num_interop_threads} from {@link #THREADS_PROP_NAME}.
 * One intra-op thread per model is the default: federated simulations train many models at once, one per Java
 * thread, which uses the cores better than splitting each small matrix product across threads.
 *
 * <p>Thread-safe.
 */
public final class TorchRuntime {
    /** System property: PyTorch intra-op threads used by each model's operators. */
    public static final String THREADS_PROP_NAME = "dml4j.model.threads";
    /** Default of {@link #THREADS_PROP_NAME}. */
    public static final int THREADS_DEFAULT = 1;
    /** System property read by DJL: never download anything. */
    public static final String DJL_OFFLINE_PROP_NAME = "ai.djl.offline";

    private TorchRuntime() {
    }

    /**
     * Loads the engine if needed.
     *
     * @return DJL's PyTorch engine
     */
    public static Engine engine() {
        return Holder.ENGINE;
    }

    /** @return engine name, version and thread counts, for run manifests and logs */
    public static String describe() {
        Engine e = engine();
        return e.getEngineName() + " " + e.getVersion() + " (intra-op threads " + JniUtils.getNumThreads()
                + ", inter-op threads " + JniUtils.getNumInteropThreads() + ")";
    }

    /**
     * The versions a run's numbers depend on, for its manifest: DJL's, and the PyTorch native library's as the
     * loaded engine reports it (the engine is loaded if needed, from the local artifact: nothing is downloaded).
     *
     * @return {@code djl} and {@code pytorch} with their versions, in that order
     */
    public static Map<String, String> versions() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("djl", Engine.getDjlVersion());
        v.put("pytorch", engine().getVersion());
        return v;
    }

    private static final class Holder {
        static final Engine ENGINE = load();
    }

    private static Engine load() {
        int threads = Integer.getInteger(THREADS_PROP_NAME, THREADS_DEFAULT);
        if (threads < 1) {
            throw new IllegalArgumentException(THREADS_PROP_NAME + " must be >= 1, got " + threads);
        }
        setIfAbsent(DJL_OFFLINE_PROP_NAME, "true");
        setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(threads));
        setIfAbsent("ai.djl.pytorch.num_interop_threads", Integer.toString(threads));
        Engine engine = Engine.getEngine("PyTorch");
        // The engine may have been started earlier by someone else with other settings; intra-op threads can
        // still be changed at any time.
        JniUtils.setNumThreads(threads);
        return engine;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
