package org.dml4j.spark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.dml4j.data.Dataset;
import org.dml4j.sim.SimulationSpec;
import org.dml4j.sim.WorkerPool;

/**
 * A run's data on the cluster: the client shards as an RDD of client blocks and the test set's slices packed into one
 * partition per core, each block a Spark broadcast and each RDD partition computed from its block ({@link LoadBlock})
 * and cached (memory, then disk), distributed when made. {@link #distribute} makes them for one run; a {@link Cache}
 * (one per {@link SparkEngine} that shares data, e.g. a {@code dml4j sweep}) hands the same cached RDDs to every run
 * whose client data, test set and partition count are equal, content for content (a SHA-256 over the samples and
 * labels), so a grid of variants that differ in training, strategy or compression distributes its data once.
 *
 * <p>Immutable once made; {@link Cache} is thread-safe.
 *
 * @param shards      the client blocks, one element per partition
 * @param testSlices  the test set's slices ({@link WorkerPool#testSlices}) in slice order, one block per partition
 * @param partitionOf each client's partition
 * @param blocks      the broadcasts the partitions are computed from
 */
record SharedData(JavaRDD<List<Shard>> shards, JavaRDD<List<Shard>> testSlices, int[] partitionOf,
                  List<Broadcast<List<Shard>>> blocks) {
    /**
     * Builds, caches and distributes a run's data now (not in its first round).
     *
     * @param sc         the Spark context
     * @param spec       the run
     * @param partitions partitions holding the client shards, at most one per client
     * @return the cached data
     */
    static SharedData distribute(JavaSparkContext sc, SimulationSpec spec, int partitions) {
        int n = spec.clientData().size();
        int[] partitionOf = new int[n];
        List<List<Shard>> blocks = new ArrayList<>(partitions);
        for (int b = 0; b < partitions; b++) {
            int from = (int) ((long) n * b / partitions);
            int to = (int) ((long) n * (b + 1) / partitions);
            List<Shard> block = new ArrayList<>(to - from);
            for (int c = from; c < to; c++) {
                block.add(new Shard(c, spec.clientData().get(c)));
                partitionOf[c] = b;
            }
            blocks.add(block);
        }
        List<Broadcast<List<Shard>>> all = new ArrayList<>();
        List<Broadcast<List<Shard>>> shardBlocks = broadcastEach(sc, blocks, all);
        JavaRDD<List<Shard>> shards = blockRdd(sc, shardBlocks);
        // the test slices, packed into as many partitions as there are cores (evaluated in slice order)
        List<Dataset> slices = WorkerPool.testSlices(spec.test());
        int evalParts = Math.max(1, Math.min(slices.size(), sc.defaultParallelism()));
        List<List<Shard>> test = new ArrayList<>(evalParts);
        for (int b = 0; b < evalParts; b++) {
            List<Shard> part = new ArrayList<>();
            for (int i = (int) ((long) slices.size() * b / evalParts);
                 i < (int) ((long) slices.size() * (b + 1) / evalParts); i++) {
                part.add(new Shard(i, slices.get(i)));
            }
            test.add(part);
        }
        JavaRDD<List<Shard>> testSlices = blockRdd(sc, broadcastEach(sc, test, all));
        sc.setJobGroup("dml4j-distribute-" + UUID.randomUUID(), "dml4j: distribute shards", true);
        try {
            shards.count(); // distribute and cache now, not in the first round
            testSlices.count();
        } finally {
            sc.clearJobGroup();
        }
        return new SharedData(shards, testSlices, partitionOf, List.copyOf(all));
    }

    private static List<Broadcast<List<Shard>>> broadcastEach(JavaSparkContext sc, List<List<Shard>> blocks,
                                                              List<Broadcast<List<Shard>>> all) {
        List<Broadcast<List<Shard>>> out = new ArrayList<>(blocks.size());
        for (List<Shard> b : blocks) {
            out.add(sc.broadcast(b));
        }
        all.addAll(out);
        return out;
    }

    /**
     * An RDD with one partition per block, cached (memory, then disk), each computed from its block's broadcast.
     * Its partitions hold only their index, so tasks over it (and over RDDs zipped with it) never carry the data.
     */
    private static JavaRDD<List<Shard>> blockRdd(JavaSparkContext sc, List<Broadcast<List<Shard>>> blocks) {
        List<Integer> ids = new ArrayList<>(blocks.size());
        for (int i = 0; i < blocks.size(); i++) {
            ids.add(i);
        }
        // parallelize cuts a list of P elements into P slices of one
        return sc.parallelize(ids, blocks.size()).map(new LoadBlock<>(blocks))
                .persist(StorageLevel.MEMORY_AND_DISK());
    }

    /** Drops the cached partitions and their broadcasts. */
    void unpersist() {
        shards.unpersist(false);
        testSlices.unpersist(false);
        for (Broadcast<List<Shard>> b : blocks) {
            b.destroy();
        }
    }

    /**
     * The data of every run of one engine, kept cached until the engine closes: runs with equal data share it.
     * Thread-safe.
     */
    static final class Cache {
        private final Map<String, SharedData> byContent = new HashMap<>();
        private int distributions;

        /**
         * @param sc         the Spark context
         * @param spec       the run
         * @param partitions partitions holding the client shards
         * @return the cached data of an earlier run with the same data, or this run's, distributed now
         */
        synchronized SharedData get(JavaSparkContext sc, SimulationSpec spec, int partitions) {
            String key = key(spec, partitions);
            SharedData d = byContent.get(key);
            if (d == null) {
                d = distribute(sc, spec, partitions);
                byContent.put(key, d);
                distributions++;
            }
            return d;
        }

        /** @return how many distinct data sets were distributed so far */
        synchronized int distributions() {
            return distributions;
        }

        /** Drops every cached data set. */
        synchronized void clear() {
            byContent.values().forEach(SharedData::unpersist);
            byContent.clear();
        }

        private static String key(SimulationSpec spec, int partitions) {
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
            ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            sha.update(head.putInt(partitions).putInt(spec.clientData().size()).flip());
            for (Dataset d : spec.clientData()) {
                digest(sha, d);
            }
            digest(sha, spec.test());
            return HexFormat.of().formatHex(sha.digest());
        }

        /** Shape, classes, every sample's features and label. */
        private static void digest(MessageDigest sha, Dataset d) {
            int fs = d.featureSize();
            int[] shape = d.sampleShape();
            ByteBuffer meta = ByteBuffer.allocate(4 * (3 + shape.length)).order(ByteOrder.LITTLE_ENDIAN);
            meta.putInt(d.size()).putInt(d.numClasses()).putInt(shape.length);
            for (int s : shape) {
                meta.putInt(s);
            }
            sha.update(meta.flip());
            float[] row = new float[fs];
            ByteBuffer bytes = ByteBuffer.allocate(4 * fs + 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < d.size(); i++) {
                d.copyFeatures(i, row, 0);
                bytes.clear();
                bytes.asFloatBuffer().put(row);
                bytes.position(4 * fs);
                bytes.putInt(d.label(i));
                sha.update(bytes.flip());
            }
        }
    }
}
