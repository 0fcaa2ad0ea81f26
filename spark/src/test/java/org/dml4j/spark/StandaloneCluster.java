package org.dml4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;

/**
 * A Spark standalone cluster for tests: one master and {@code n} workers, each a JVM of its own started from this
 * JVM's class path, all bound to loopback. Each worker offers one core and {@value #WORKER_MEMORY} of memory; the
 * executors the workers launch get the same class path ({@code spark.executor.extraClassPath}) and the project's JVM
 * flags, so tasks can run dml4j code without a Spark distribution on the machine (the workers' {@code SPARK_HOME} is an
 * empty folder with an empty {@code jars/}).
 *
 * <p>{@link #killWorker(int)} SIGKILLs a worker JVM and the executor JVMs it launched (a machine lost);
 * {@link #close()} SIGKILLs every process this cluster started and all their descendants, and a shutdown hook does the
 * same if the test JVM ends without closing it. Nothing else is ever killed. Logs are in {@code dir/logs}.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class StandaloneCluster implements AutoCloseable {
    /** Memory each worker offers to executors. */
    static final String WORKER_MEMORY = "1g";
    /** Heap of each executor (fits a worker's {@link #WORKER_MEMORY}). */
    static final String EXECUTOR_MEMORY = "768m";
    /** JVM flags of the executors: the project's (DJL offline, the Vector API, native access). */
    static final String EXECUTOR_JVM_FLAGS = "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
            + " -Dai.djl.offline=true -XX:+UseSerialGC";
    private static final Pattern ALIVE = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
    private static final long START_SECONDS = 120;

    private final Path dir;
    private final int masterPort;
    private final int masterUiPort;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();
    /** Every process started here, with the descendants seen so far (executors), for teardown. */
    private final List<ProcessHandle> started = new ArrayList<>();
    private final Thread hook = new Thread(this::killAll, "standalone-cluster-teardown");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private StandaloneCluster(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("spark-home").resolve("jars"));
        Runtime.getRuntime().addShutdownHook(hook);
        this.masterPort = freePort();
        this.masterUiPort = freePort();
        this.master = jvm("master", "-Xmx256m", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(masterUiPort)));
    }

    /**
     * Starts a master and {@code n} workers and waits until all {@code n} are registered with the master.
     *
     * @param dir     folder for logs and the workers' work folders
     * @param n       number of workers, at least 1
     * @return the running cluster (close it)
     * @throws IOException          when a JVM cannot be started
     * @throws InterruptedException when interrupted while waiting
     */
    static StandaloneCluster start(Path dir, int n) throws IOException, InterruptedException {
        if (n < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + n);
        }
        StandaloneCluster c = new StandaloneCluster(dir);
        try {
            c.awaitAlive("the master's web UI", x -> x >= 0);
            for (int i = 0; i < n; i++) {
                Path work = dir.resolve("work-" + i);
                Files.createDirectories(work);
                c.workers.add(c.jvm("worker-" + i, "-Xmx256m", List.of("org.apache.spark.deploy.worker.Worker",
                        "--host", "127.0.0.1", "--port", Integer.toString(freePort()), "--webui-port",
                        Integer.toString(freePort()), "--cores", "1", "--memory", WORKER_MEMORY, "--work-dir",
                        work.toString(), c.masterUrl())));
            }
            c.awaitAlive(n + " registered workers", x -> x == n);
            return c;
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            c.close();
            throw e;
        }
    }

    /** @return {@code spark://127.0.0.1:PORT} */
    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /**
     * A driver configuration for this cluster: loopback, no UI, one core and {@value #EXECUTOR_MEMORY} per executor,
     * at most one executor per worker, executors on this JVM's class path.
     *
     * @param app the application's name
     * @return a new configuration
     */
    SparkConf conf(String app) {
        return configure(new SparkConf().setMaster(masterUrl()).setAppName(app));
    }

    /**
     * Adds what this cluster needs to a driver configuration (e.g. {@code SparkEngine.conf(masterUrl(), app)}): one
     * core and {@value #EXECUTOR_MEMORY} per executor, at most one executor per worker, and, where not set, the
     * executors' class path and JVM flags and the driver on loopback without a UI.
     *
     * @param conf a configuration whose master is {@link #masterUrl()}
     * @return {@code conf}
     */
    SparkConf configure(SparkConf conf) {
        if (!masterUrl().equals(conf.get("spark.master", null))) {
            throw new IllegalArgumentException("spark.master must be " + masterUrl() + ", got "
                    + conf.get("spark.master", null));
        }
        return conf.set("spark.executor.cores", "1").set("spark.executor.memory", EXECUTOR_MEMORY)
                .set("spark.cores.max", Integer.toString(workers.size()))
                .setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1")
                .setIfMissing("spark.ui.enabled", "false")
                .setIfMissing("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .setIfMissing("spark.executor.extraJavaOptions", EXECUTOR_JVM_FLAGS)
                .setIfMissing("spark.local.dir", dir.resolve("driver-local").toString());
    }

    /**
     * @param executorId a Spark executor id of this cluster's application
     * @return the worker that launched it (each worker keeps a folder per executor under its work folder)
     * @throws IllegalArgumentException when no worker launched it
     */
    int workerOf(String executorId) {
        for (int i = 0; i < workers.size(); i++) {
            try (var apps = Files.list(dir.resolve("work-" + i))) {
                if (apps.anyMatch(app -> Files.isDirectory(app.resolve(executorId)))) {
                    return i;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalArgumentException("no worker of this cluster launched executor " + executorId);
    }

    /** @return the number of workers the master counts as alive, or -1 when its web UI does not answer */
    int aliveWorkers() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUiPort
                    + "/json/")).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = ALIVE.matcher(r.body());
            return r.statusCode() == 200 && m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * SIGKILLs worker {@code i} and the executors it launched, as if its machine were lost, and waits until the master
     * no longer counts it.
     *
     * @param i the worker, from 0
     * @throws InterruptedException when interrupted while waiting
     */
    void killWorker(int i) throws InterruptedException {
        Process w = workers.get(i);
        List<ProcessHandle> executors = w.toHandle().descendants().toList();
        w.destroyForcibly();
        executors.forEach(ProcessHandle::destroyForcibly);
        if (!w.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("worker " + i + " (pid " + w.pid() + ") survived SIGKILL");
        }
        int left = (int) workers.stream().filter(Process::isAlive).count();
        awaitAlive(left + " alive workers after killing worker " + i, x -> x == left);
    }

    /**
     * @param name a log's name ({@code master}, {@code worker-0}, ...)
     * @return its text so far
     */
    String log(String name) {
        try {
            return Files.readString(dir.resolve("logs").resolve(name + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the processes of this cluster alive now: the master, the workers and their executors */
    synchronized List<ProcessHandle> processes() {
        List<ProcessHandle> all = new ArrayList<>();
        for (ProcessHandle p : started) {
            if (p.isAlive()) {
                all.add(p);
            }
            p.descendants().filter(ProcessHandle::isAlive).forEach(all::add);
        }
        return all;
    }

    /** SIGKILLs every process this cluster started and their descendants, and waits for them to end. */
    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs killAll too
        }
    }

    private synchronized void killAll() {
        List<ProcessHandle> all = new ArrayList<>();
        for (ProcessHandle p : started) {
            all.addAll(p.descendants().toList()); // before the parent dies: orphans are no longer descendants
            all.add(p);
        }
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // already gone, or will be: nothing more this JVM may do about a process
            }
        }
    }

    private void awaitAlive(String what, IntPredicate done) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        int last;
        while (!done.test(last = aliveWorkers())) {
            if (!master.isAlive()) {
                throw new AssertionError("the Spark master ended while waiting for " + what + "; its log:\n"
                        + log("master"));
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what + " (the master counts " + last
                        + " alive workers); its log:\n" + log("master"));
            }
            Thread.sleep(100);
        }
    }

    private Process jvm(String name, String heap, List<String> mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), heap,
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs").resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_HOME", dir.resolve("spark-home").toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_CONF_DIR", dir.resolve("spark-home").resolve("conf").toString());
        env.remove("SPARK_MASTER_HOST");
        env.remove("SPARK_WORKER_DIR");
        Process p;
        synchronized (this) {
            p = pb.start();
            started.add(p.toHandle());
        }
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
