package org.dml4j.planner.cost;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dml4j.core.PlanInfeasibleException;
import org.dml4j.parallel.partition.DeviceSpecs;
import org.dml4j.parallel.partition.LayerCosts;
import org.dml4j.parallel.partition.Partition;
import org.dml4j.parallel.partition.StagePartitioner;
import org.dml4j.parallel.pipeline.ChunkLayout;
import org.dml4j.parallel.pipeline.MemoryProfile;
import org.dml4j.parallel.pipeline.PipelineScheduler;
import org.dml4j.parallel.pipeline.PipelineSchedulers;
import org.dml4j.parallel.pipeline.Schedule;
import org.dml4j.parallel.pipeline.StageCosts;
import org.dml4j.parallel.pipeline.Timeline;
import org.dml4j.parallel.pipeline.TimelineSimulator;
import org.dml4j.planner.Evaluation;
import org.dml4j.planner.GradientCompression;
import org.dml4j.planner.MemoryBreakdown;
import org.dml4j.planner.ParallelConfig;
import org.dml4j.planner.Plan;
import org.dml4j.planner.PlanEvaluator;
import org.dml4j.planner.PlanRequest;
import org.dml4j.planner.Recompute;
import org.dml4j.planner.StageSummary;
import org.dml4j.planner.TimeBreakdown;
import org.dml4j.planner.cluster.ClusterSpec;
import org.dml4j.planner.cluster.NodeGroup;
import org.dml4j.planner.cluster.SoftwareStack;
import org.dml4j.planner.model.LayerRole;
import org.dml4j.planner.model.LayerSpec;
import org.dml4j.planner.model.ModelSpec;

/**
 * {@link AnalyticCostModel}'s evaluator for one request: caches unit tables, layer splits, fixed-order schedules'
 * in-flight counts and simulated timelines, so a search pays for each distinct piece once.
 *
 * <p>Not thread-safe; one search owns it.
 */
final class AnalyticEvaluator implements PlanEvaluator {
    /** HBM bytes moved per parameter by a mixed-precision Adam step (read and write FP32 master, m, v; bf16 in/out). */
    static final double OPTIMIZER_BYTES_PER_PARAM = 28;
    /** HBM bytes a memory-bound kernel moves per activation byte it stores: it reads its input, writes its output. */
    static final double MEMORY_TRAFFIC_FACTOR = 2;
    /**
     * Compute slowdown per second of communication hidden behind it: NCCL kernels take SMs and memory bandwidth from
     * the GEMMs they overlap (Pati et al., "T3", ASPLOS 2024, and Jangda et al., "CoCoNet", ASPLOS 2022, measure
     * 10-30%); without it a model would hide any amount of communication for free.
     */
    static final double OVERLAP_INTERFERENCE = 0.2;
    /**
     * Per-rank chunk at which a ZeRO-3 ring step reaches half its bandwidth, 16 KiB: fitted with
     * {@link SoftwareStack#DEEPSPEED_ZERO_BANDWIDTH} on the GPT-3 175B ZeRO-3 rows of Narayanan et al., SC 2021,
     * Table 2 (weakly constrained: the published floor hardly changes from 768 to 1536 GPUs, so the data allow only
     * a small size effect at chunks of 0.5-2 MB).
     */
    static final double HALF_BYTES = 16 * 1024;
    /** Megatron-LM's default gradient bucket: max(40M, 1M x dp) parameters. */
    static final double BUCKET_PARAMS = 40e6;

    private static final double GIB = 1024.0 * 1024 * 1024;
    /** Schedules that place a device's two chunks in a V (chunk 1 of device d is stage 2p-1-d). */
    private static final java.util.Set<String> V_SCHEDULES = java.util.Set.of("zb-v", "v-half", "v-min", "dualpipev");

    private final PlanRequest request;
    private final String costModelName;
    private final ModelSpec model;
    private final ClusterSpec cluster;
    private final SoftwareStack stack;
    private final long batch;
    private final int gpus;
    private final List<int[]> unitLayers;
    private final int blocks;
    private final double reserved;
    private final boolean uneven;
    private final int[] nodeStart;
    private final List<StageHardware> hardware = new ArrayList<>();
    private final Map<StageHardware, Integer> hardwareIndex = new HashMap<>();
    private final Map<String, int[]> stageHardware = new HashMap<>();
    private final Map<TableKey, UnitTable> tables = new HashMap<>();
    private final Map<String, int[]> timeSplits = new HashMap<>();
    private final Map<String, int[]> memorySplits = new HashMap<>();
    private final Map<String, double[]> inFlight = new HashMap<>();
    private final Map<String, Timeline> timelines = new HashMap<>();
    private final double[] executedFlops = new double[Recompute.values().length];
    private final double modelFlops;
    private final double totalPeak;
    private long simulations;

    private record TableKey(int t, boolean sp, Recompute r, int mb, int ep, int hw) {
    }

    AnalyticEvaluator(PlanRequest request, String costModelName) {
        this.request = request;
        this.costModelName = costModelName;
        this.model = request.model();
        this.cluster = request.cluster();
        this.stack = request.stack();
        this.batch = request.globalBatch();
        this.gpus = cluster.gpus();
        this.reserved = request.space().reservedMemory();
        this.uneven = request.space().unevenSplits();
        this.unitLayers = units(model);
        this.blocks = unitLayers.size();
        double peak = 0;
        for (NodeGroup g : cluster.groups()) {
            peak += g.gpus() * g.gpu().peak(model.precision());
        }
        this.totalPeak = peak;
        this.nodeStart = new int[cluster.nodes() + 1];
        int n = 0;
        int rank = 0;
        for (NodeGroup g : cluster.groups()) {
            for (int i = 0; i < g.nodes(); i++) {
                nodeStart[n++] = rank;
                rank += g.gpusPerNode();
            }
        }
        nodeStart[n] = rank;
        for (Recompute r : Recompute.values()) {
            double fl = 0;
            for (LayerSpec l : model.layers()) {
                fl += 3 * l.forwardFlops();
                if (r == Recompute.FULL && l.recomputable()) {
                    fl += l.forwardFlops();
                } else if (r != Recompute.NONE) {
                    fl += l.attentionFlops();
                }
            }
            executedFlops[r.ordinal()] = fl * batch;
        }
        this.modelFlops = model.modelFlopsPerIteration(batch);
    }

    /** Blocks with the embedding attached to the first and the head to the last. */
    private static List<int[]> units(ModelSpec model) {
        List<LayerSpec> layers = model.layers();
        List<int[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i).role() == LayerRole.BLOCK) {
                out.add(new int[] {start, i + 1});
                start = i + 1;
            }
        }
        if (start < layers.size()) {
            out.get(out.size() - 1)[1] = layers.size();
        }
        return out;
    }

    @Override
    public long simulations() {
        return simulations;
    }

    // ---------------------------------------------------------------- configuration checks

    private void check(ParallelConfig c) {
        if (c.gpus() != gpus) {
            throw new IllegalArgumentException("tp x pp x dp = " + c.tp() + " x " + c.pp() + " x " + c.dp() + " = "
                    + c.gpus() + " must equal the cluster's GPUs (" + gpus + ")");
        }
        if (c.tp() > 1 && model.tensorParallelDivisor() % c.tp() != 0) {
            String what = model.transformer() != null ? "heads (" + model.transformer().heads() + "), kv-heads ("
                    + model.transformer().kvHeads() + ") and ffn-hidden (" + model.transformer().ffnHidden() + ")"
                    : "the model's tp-divisor (" + model.tensorParallelDivisor() + ")";
            throw new IllegalArgumentException("tp = " + c.tp() + " must divide " + what + " of model '"
                    + model.name() + "'");
        }
        if (c.tp() > 1 && cluster.gpusPerNodeGcd() % c.tp() != 0) {
            throw new IllegalArgumentException("tp = " + c.tp() + " must divide the GPUs per node ("
                    + cluster.gpusPerNodeGcd() + "): tensor parallelism stays inside a node");
        }
        if (batch % ((long) c.dp() * c.microBatch()) != 0) {
            throw new IllegalArgumentException("global-batch (" + batch + ") must be a multiple of dp x micro-batch = "
                    + c.dp() + " x " + c.microBatch());
        }
        if (c.pp() > blocks) {
            throw new IllegalArgumentException("pp = " + c.pp() + " exceeds the model's " + blocks + " blocks");
        }
        if (c.ep() > 1 && (!model.isMoe() || model.experts() % c.ep() != 0)) {
            throw new IllegalArgumentException("ep = " + c.ep() + " must divide the model's experts ("
                    + model.experts() + ")");
        }
        if (c.zeroStage() >= 2 && c.pp() > 1) {
            throw new IllegalArgumentException("zero stage " + c.zeroStage() + " cannot be combined with pipeline "
                    + "parallelism (pp = " + c.pp() + ")");
        }
        if (c.pp() > 1) {
            PipelineScheduler s = PipelineSchedulers.get(c.schedule());
            if (!s.supportsChunks(c.chunks())) {
                throw new IllegalArgumentException("v = " + c.chunks() + " cannot be used by schedule "
                        + c.schedule());
            }
            int m = microbatches(c);
            if (c.schedule().equals("interleaved") && m % c.pp() != 0) {
                throw new IllegalArgumentException("interleaved 1F1B needs micro-batches (" + m + ") to be a "
                        + "multiple of pp (" + c.pp() + ")");
            }
            if (c.chunks() > 1 && blocks % (c.pp() * c.chunks()) != 0 && c.layerSplit() == null) {
                throw new IllegalArgumentException("blocks (" + blocks + ") must be a multiple of pp x v = "
                        + c.pp() + " x " + c.chunks() + " for schedule " + c.schedule());
            }
        }
        int[] split = c.layerSplit();
        if (split != null) {
            int sum = 0;
            for (int s : split) {
                sum += s;
            }
            if (sum != blocks) {
                throw new IllegalArgumentException("layer split " + Arrays.toString(split) + " must sum to the "
                        + "model's " + blocks + " blocks, got " + sum);
            }
            for (int d = 0; d < split.length; d++) {
                if (split[d] < c.chunks() - 1) {
                    throw new IllegalArgumentException("layer split " + Arrays.toString(split) + ": stage " + d
                            + " holds " + split[d] + " blocks, fewer than v - 1 = " + (c.chunks() - 1) + " (more than "
                            + "one of its chunks would be empty)");
                }
            }
            // with v > 1 a stage need not hold a multiple of v blocks (Llama 3 405B: 126 layers on 16 x 8 virtual
            // stages, one fewer on the first and last); each chunk is costed as 1/v of its stage, which is exact
            // for equal chunks and an approximation otherwise
        }
    }

    private int microbatches(ParallelConfig c) {
        return (int) (batch / ((long) c.dp() * c.microBatch()));
    }

    // ---------------------------------------------------------------- hardware and tables

    private int[] stageHardware(int tp, int pp, int dp) {
        String key = tp + "/" + pp + "/" + dp;
        int[] hw = stageHardware.get(key);
        if (hw == null) {
            hw = new int[pp];
            int block = tp * dp;
            for (int d = 0; d < pp; d++) {
                StageHardware h = StageHardware.of(cluster, model.precision(), stack.computeFactor(), d * block,
                        block);
                Integer idx = hardwareIndex.get(h);
                if (idx == null) {
                    idx = hardware.size();
                    hardware.add(h);
                    hardwareIndex.put(h, idx);
                }
                hw[d] = idx;
            }
            stageHardware.put(key, hw);
        }
        return hw;
    }

    private UnitTable table(ParallelConfig c, int hw) {
        TableKey k = new TableKey(c.tp(), c.sequenceParallel(), c.recompute(), c.microBatch(), c.ep(), hw);
        UnitTable t = tables.get(k);
        if (t == null) {
            t = new UnitTable(model, unitLayers, c.tp(), c.sequenceParallel(), c.recompute(), c.microBatch(), c.ep(),
                    hardware.get(hw), stack.overlapsTpCommunication(c.tp(), c.sequenceParallel()));
            tables.put(k, t);
        }
        return t;
    }

    private int nodeOf(int rank) {
        int i = Arrays.binarySearch(nodeStart, rank);
        return i >= 0 ? i : -i - 2;
    }

    // ---------------------------------------------------------------- memory per parameter

    /** Bytes per parameter held by a GPU for weights, gradients and optimizer state under a ZeRO stage. */
    private static double[] zeroBytes(int z, int shards) {
        double k = shards;
        return switch (z) {
            case 0 -> new double[] {2, 2, 12};
            case 1 -> new double[] {2, 2, 12 / k};
            case 2 -> new double[] {2, 2 / k, 12 / k};
            default -> new double[] {2 / k, 2 / k, 12 / k};
        };
    }

    // ---------------------------------------------------------------- in-flight micro-batches

    /**
     * Micro-batches of activations each device holds at its peak. Exact for the fixed-order schedules (read from the
     * schedule's memory profile, which depends only on the order); for the ZB-H2 list schedule its admission caps;
     * for the adaptive schedule 1F1B's counts (used only to choose a split; the simulated schedule's own profile
     * decides).
     */
    private double[] inFlightForSplit(String schedule, int p, int m, int v) {
        String key = schedule + "/" + p + "/" + m + "/" + v;
        double[] r = inFlight.get(key);
        if (r != null) {
            return r;
        }
        r = new double[p];
        switch (schedule) {
            case "zb-h2-list" -> {
                for (int d = 0; d < p; d++) {
                    r[d] = Math.min(m, 2 * (p - d) - 1);
                }
            }
            case "adaptive" -> {
                for (int d = 0; d < p; d++) {
                    r[d] = Math.min(m, p - d);
                }
            }
            default -> {
                StageCosts unit = StageCosts.builder(p).forward(1).backward(1).weight(1).activationMemory(1).build();
                Schedule s = PipelineSchedulers.get(schedule).schedule(unit, m, v);
                MemoryProfile mp = MemoryProfile.of(s, unit);
                for (int d = 0; d < p; d++) {
                    r[d] = mp.peakInFlight(d);
                }
            }
        }
        inFlight.put(key, r);
        return r;
    }

    /** A lower bound of the micro-batches of activations each device holds. */
    private double[] inFlightLowerBound(String schedule, int p, int m, int v) {
        if (schedule.equals("zb-h2-list") || schedule.equals("adaptive")) {
            double[] one = new double[p];
            Arrays.fill(one, 1);
            return one;
        }
        return inFlightForSplit(schedule, p, m, v);
    }

    // ---------------------------------------------------------------- stage layout

    /** Everything per stage for one configuration. */
    private final class Layout {
        final ParallelConfig c;
        final int p;
        final int m;
        final int v;
        final int[] hw;
        final UnitTable[] tab;
        final int[] first;
        final int[] split;
        final double[] f;
        final double[] b;
        final double[] w;
        final double[] p2p;
        final double[] act;
        final double[] work;
        final double[] dense;
        final double[] expert;
        final double[] weightsB;
        final double[] gradsB;
        final double[] optB;
        final double[] otherB;
        final double[] limit;

        Layout(ParallelConfig c, int[] split) {
            this.c = c;
            this.p = c.pp();
            this.m = microbatches(c);
            this.v = c.chunks();
            this.split = split;
            this.hw = stageHardware(c.tp(), p, c.dp());
            this.tab = new UnitTable[p];
            this.first = new int[p + 1];
            for (int d = 0; d < p; d++) {
                tab[d] = table(c, hw[d]);
                first[d + 1] = first[d] + split[d];
            }
            f = new double[p];
            b = new double[p];
            w = new double[p];
            p2p = new double[p];
            act = new double[p];
            work = new double[p];
            dense = new double[p];
            expert = new double[p];
            weightsB = new double[p];
            gradsB = new double[p];
            optB = new double[p];
            otherB = new double[p];
            limit = new double[p];
            int dpExpert = c.dp() / c.ep();
            double[] zd = zeroBytes(c.zeroStage(), c.dp());
            double[] ze = zeroBytes(c.zeroStage(), dpExpert);
            for (int d = 0; d < p; d++) {
                UnitTable t = tab[d];
                int a = first[d];
                int z = first[d + 1];
                f[d] = UnitTable.range(t.f, a, z);
                b[d] = UnitTable.range(t.b, a, z);
                w[d] = UnitTable.range(t.w, a, z);
                act[d] = UnitTable.range(t.act, a, z);
                double wk = 0;
                double tiedHere = 0;
                for (int u = a; u < z; u++) {
                    wk = Math.max(wk, t.work[u]);
                    tiedHere += t.tied[u];
                }
                work[d] = wk;
                // tied output weights are a second copy only when the embedding lives on another stage
                dense[d] = UnitTable.range(t.dense, a, z) - (a == 0 ? tiedHere : 0);
                expert[d] = UnitTable.range(t.expert, a, z);
                weightsB[d] = zd[0] * dense[d] + ze[0] * expert[d];
                gradsB[d] = zd[1] * dense[d] + ze[1] * expert[d];
                optB[d] = zd[2] * dense[d] + ze[2] * expert[d];
                if (c.zeroStage() == 3) {
                    weightsB[d] += 2 * 2 * t.maxUnitParams; // gathered module plus the prefetched next one
                }
                otherB[d] = reserved + (c.compression().errorFeedback() ? 4 * dense[d] : 0);
                limit[d] = hardware.get(hw[d]).memory();
            }
            if (p > 1) {
                addPointToPoint();
            }
        }

        private void addPointToPoint() {
            ChunkLayout layout = V_SCHEDULES.contains(c.schedule()) ? ChunkLayout.V_SHAPE : ChunkLayout.INTERLEAVED;
            int virtual = p * v;
            for (int d = 0; d < p; d++) {
                double send = 0;
                for (int ch = 0; ch < v; ch++) {
                    int k = layout.virtualStage(d, ch, p);
                    if (k + 1 < virtual) {
                        int to = layout.device(k + 1, p);
                        if (to != d) {
                            double x = transfer(d, to);
                            f[d] += x;
                            send += x;
                        }
                    }
                    if (k > 0) {
                        int to = layout.device(k - 1, p);
                        if (to != d) {
                            double x = transfer(d, to);
                            b[d] += x;
                            send += x;
                        }
                    }
                }
                p2p[d] = send;
            }
        }

        /** One activation (or gradient) message from stage {@code from} to stage {@code to}, per micro-batch. */
        private double transfer(int from, int to) {
            int block = c.tp() * c.dp();
            int r1 = from * block;
            int r2 = to * block;
            boolean cross = nodeOf(r1) != nodeOf(r2) || nodeOf(r1 + block - 1) != nodeOf(r2 + block - 1);
            StageHardware h1 = hardware.get(hw[from]);
            StageHardware h2 = hardware.get(hw[to]);
            double raw = tab[to].input[first[to]] * c.microBatch();
            double perGpu = raw / c.tp();
            double bw = cross ? Math.min(h1.interBw(), h2.interBw()) : Math.min(h1.intraBw(), h2.intraBw());
            double lat = cross ? Math.max(h1.interLat(), h2.interLat()) : Math.max(h1.intraLat(), h2.intraLat());
            double t = lat + perGpu / bw;
            if (!c.sequenceParallel() && c.tp() > 1) {
                // Megatron's scatter/gather: each TP rank sends 1/t, then the receivers all-gather over NVLink
                t += Collectives.allGather(perGpu, c.tp(), h2.intraBw(), h2.intraLat());
            }
            return t;
        }

        double staticBytes(int d) {
            return weightsB[d] + gradsB[d] + optB[d] + otherB[d];
        }

        /**
         * Data-parallel communication of stage d: {reduce part, gather part, encode+decode}. Gradients go in buckets
         * of {@code max(40M, 1M x dp)} parameters (one ring latency each); ZeRO-3 gathers one unit at a time.
         */
        double[] dataParallel(int d) {
            StageHardware h = hardware.get(hw[d]);
            int dp = c.dp();
            int dpE = dp / c.ep();
            double[] link = h.groupLink(dp, c.tp());
            double[] linkE = h.groupLink(dpE, c.tp() * c.ep());
            double bucket = Math.max(BUCKET_PARAMS, 1e6 * dp);
            double messages = Math.ceil(dense[d] / bucket);
            double messagesE = Math.ceil(expert[d] / bucket);
            if (c.zeroStage() == 3) {
                // one all-gather (and reduce-scatter) per module; across nodes at the stack's ZeRO-3 efficiency
                messages = UnitTable.range(prefixModules(tab[d]), first[d], first[d + 1]);
                messagesE = messages;
                if ((long) dp * c.tp() > h.gpusPerNode()) {
                    link = new double[] {link[0] * stack.zeroBandwidthEfficiency(), link[1]};
                }
                if ((long) dpE * c.tp() * c.ep() > h.gpusPerNode()) {
                    linkE = new double[] {linkE[0] * stack.zeroBandwidthEfficiency(), linkE[1]};
                }
            }
            GradientCompression comp = c.compression();
            double denseTime;
            double codec = 0;
            if (comp.isNone() || dp == 1) {
                denseTime = Collectives.allReduce(2 * dense[d], dp, link[0], link[1], messages);
            } else {
                double n = dense[d];
                codec += n / comp.encodeElementsPerS();
                if (comp.collective() == GradientCompression.Collective.ALL_REDUCE) {
                    denseTime = Collectives.allReduce(n * comp.wireBytesPerElement(), dp, link[0], link[1],
                            messages);
                    codec += n * comp.density() / comp.decodeEntriesPerS();
                } else {
                    denseTime = Collectives.allGather(n * comp.wireBytesPerElement(), dp, link[0], link[1])
                            + (messages - 1) * (dp - 1) * link[1];
                    codec += (dp - 1) * n * comp.density() / comp.decodeEntriesPerS();
                }
            }
            double expertTime = Collectives.allReduce(2 * expert[d], dpE, linkE[0], linkE[1], messagesE);
            if (c.zeroStage() == 3) {
                double g = Collectives.allGatherChunked(2 * dense[d], dp, link[0], link[1], messages, HALF_BYTES)
                        + Collectives.allGatherChunked(2 * expert[d], dpE, linkE[0], linkE[1], messagesE, HALF_BYTES);
                return new double[] {g, 2 * g, codec};
            }
            double total = denseTime + expertTime;
            return switch (c.zeroStage()) {
                case 0 -> new double[] {total, 0, codec};
                case 1 -> new double[] {total / 2, total / 2, codec};
                // per micro-batch reduce-scatter, final all-gather of the updated shard
                case 2 -> new double[] {total / 2, total / 2, codec};
                default -> throw new IllegalStateException("zero stage " + c.zeroStage());
            };
        }

        double optimizer(int d) {
            StageHardware h = hardware.get(hw[d]);
            double params = c.zeroStage() >= 1 ? dense[d] / c.dp() + expert[d] / (c.dp() / c.ep())
                    : dense[d] + expert[d];
            return params * OPTIMIZER_BYTES_PER_PARAM / h.hbm();
        }

        double bucketShare(int d) {
            double params = dense[d] + expert[d];
            if (params <= 0) {
                return 1;
            }
            return Math.min(1, Math.max(BUCKET_PARAMS, 1e6 * c.dp()) / params);
        }
    }

    private static double[] prefixModules(UnitTable t) {
        double[] p = new double[t.modules.length + 1];
        for (int u = 0; u < t.modules.length; u++) {
            p[u + 1] = p[u] + t.modules[u];
        }
        return p;
    }

    /**
     * Exposed cost of {@code comm} seconds of communication overlapped with a {@code window} of computation: what does
     * not fit in the window, at least the last bucket's share, plus the interference of what is hidden.
     */
    static double overlapped(double comm, double window, double share) {
        double exposed = Math.max(comm - Math.max(0, window), comm * share);
        return exposed + OVERLAP_INTERFERENCE * (comm - exposed);
    }

    /** The smallest value {@link #overlapped} can take for any window. */
    static double overlappedMin(double comm, double share) {
        return comm * share + OVERLAP_INTERFERENCE * comm * (1 - share);
    }

    // ---------------------------------------------------------------- splits

    private int[] evenSplit(int p) {
        int[] s = new int[p];
        Arrays.fill(s, blocks / p);
        return s;
    }

    private int[] chooseSplit(ParallelConfig c) {
        int[] given = c.layerSplit();
        if (given != null) {
            return given;
        }
        int p = c.pp();
        if (p == 1) {
            return new int[] {blocks};
        }
        if (c.chunks() > 1 || !uneven) {
            if (blocks % p != 0) {
                throw new IllegalArgumentException("blocks (" + blocks + ") must be a multiple of pp (" + p + ") when "
                        + "uneven splits are off or v > 1");
            }
            return evenSplit(p);
        }
        int[] hw = stageHardware(c.tp(), p, c.dp());
        String tkey = c.tp() + "/" + c.sequenceParallel() + "/" + c.recompute() + "/" + c.microBatch() + "/" + c.ep()
                + "/" + p;
        int[] split = timeSplits.get(tkey);
        if (split == null) {
            UnitTable ref = table(c, hw[0]);
            double[] time = ref.unitTimes();
            double[] zero = new double[blocks];
            LayerCosts lc = LayerCosts.of(time, zero, zero, zero, zero);
            double[] speed = new double[p];
            double[] mem = new double[p];
            for (int d = 0; d < p; d++) {
                speed[d] = hardware.get(hw[d]).flops() / hardware.get(hw[0]).flops();
                mem[d] = Double.POSITIVE_INFINITY;
            }
            split = StagePartitioner.partition(lc, DeviceSpecs.of(speed, mem, new double[p])).layerCounts();
            timeSplits.put(tkey, split);
        }
        int m = microbatches(c);
        double[] inflight = inFlightForSplit(c.schedule(), p, m, c.chunks());
        Layout l = new Layout(c, split);
        boolean fits = true;
        for (int d = 0; d < p && fits; d++) {
            fits = l.staticBytes(d) + inflight[d] * l.act[d] + l.work[d] <= l.limit[d];
        }
        if (fits) {
            return split;
        }
        String mkey = tkey + "/" + c.schedule() + "/" + m + "/" + c.zeroStage() + "/" + c.compression().errorFeedback();
        int[] ms = memorySplits.get(mkey);
        if (ms == null) {
            ms = memoryAwareSplit(c, l, inflight, split);
            memorySplits.put(mkey, ms);
        }
        return ms;
    }

    private int[] memoryAwareSplit(ParallelConfig c, Layout l, double[] inflight, int[] fallback) {
        int p = c.pp();
        UnitTable ref = l.tab[0];
        int dpE = c.dp() / c.ep();
        double[] zd = zeroBytes(c.zeroStage(), c.dp());
        double[] ze = zeroBytes(c.zeroStage(), dpE);
        double perDense = zd[0] + zd[1] + zd[2] + (c.compression().errorFeedback() ? 4 : 0);
        double perExpert = ze[0] + ze[1] + ze[2];
        double[] stat = new double[blocks];
        double[] act = new double[blocks];
        double maxWork = 0;
        double totalNeed = 0;
        for (int u = 0; u < blocks; u++) {
            stat[u] = perDense * UnitTable.range(ref.dense, u, u + 1) + perExpert * UnitTable.range(ref.expert, u,
                    u + 1);
            act[u] = UnitTable.range(ref.act, u, u + 1);
            maxWork = Math.max(maxWork, ref.work[u]);
        }
        double[] speed = new double[p];
        double[] mem = new double[p];
        double capacity = 0;
        double minInflight = Double.POSITIVE_INFINITY;
        for (int d = 0; d < p; d++) {
            speed[d] = hardware.get(l.hw[d]).flops() / hardware.get(l.hw[0]).flops();
            mem[d] = l.limit[d] - reserved - maxWork - (c.zeroStage() == 3 ? 4 * ref.maxUnitParams : 0);
            if (mem[d] <= 0) {
                return fallback;
            }
            capacity += mem[d];
            minInflight = Math.min(minInflight, inflight[d]);
        }
        for (int u = 0; u < blocks; u++) {
            totalNeed += stat[u] + minInflight * act[u];
        }
        if (totalNeed > capacity) {
            return fallback;
        }
        double[] time = ref.unitTimes();
        LayerCosts lc = LayerCosts.of(time, new double[blocks], new double[blocks], stat, act);
        try {
            Partition part = StagePartitioner.partition(lc, DeviceSpecs.of(speed, mem, inflight));
            return part.layerCounts();
        } catch (PlanInfeasibleException e) {
            return fallback;
        }
    }

    // ---------------------------------------------------------------- bound

    @Override
    public Bound bound(ParallelConfig c) {
        check(c);
        Layout l = new Layout(c, chooseSplit(c));
        int p = l.p;
        double[] lb = p == 1 ? new double[] {1} : inFlightLowerBound(c.schedule(), p, l.m, l.v);
        double shortfall = Double.NEGATIVE_INFINITY;
        for (int d = 0; d < p; d++) {
            shortfall = Math.max(shortfall, l.staticBytes(d) + lb[d] * l.act[d] + l.work[d] - l.limit[d]);
        }
        double seconds;
        if (p == 1) {
            seconds = singleStageTime(l).iteration;
        } else {
            boolean fused = c.schedule().equals("1f1b") || c.schedule().equals("gpipe")
                    || c.schedule().equals("interleaved");
            double head = 0;
            double tail = 0;
            double pipe = 0;
            double perStage = 0;
            double minEnd = Double.POSITIVE_INFINITY;
            for (int d = 0; d < p; d++) {
                double busy = l.m * (l.f[d] + l.b[d] + l.w[d]);
                double[] dpc = l.dataParallel(d);
                double exposedMin = c.overlapGradReduce() ? overlappedMin(dpc[0], l.bucketShare(d))
                        + overlappedMin(dpc[1], l.bucketShare(d)) : dpc[0] + dpc[1];
                double end = exposedMin + dpc[2] + l.optimizer(d);
                minEnd = Math.min(minEnd, end);
                perStage = Math.max(perStage, head + busy + end);
                pipe = Math.max(pipe, head + busy + (fused ? tail : 0));
                head += l.f[d] / l.v;
                tail += (l.b[d] + l.w[d]) / l.v;
            }
            seconds = Math.max(perStage, pipe + minEnd);
        }
        return new Bound(seconds, shortfall);
    }

    // ---------------------------------------------------------------- evaluate

    /** Iteration timing of a configuration. */
    private static final class Timing {
        double iteration;
        int critical;
        double[] lastFinish;
        double[] busy;
        double[] peakAct;
        double[] exposed;
        double[] gather;
        double[] codec;
        double[] optimizer;
        double bubbleFraction;
    }

    private Timing singleStageTime(Layout l) {
        ParallelConfig c = l.c;
        Timing t = new Timing();
        double fbw = l.f[0] + l.b[0] + l.w[0];
        double[] dpc = l.dataParallel(0);
        double share = l.bucketShare(0);
        boolean ov = c.overlapGradReduce();
        double reduce;
        double gather;
        switch (c.zeroStage()) {
            case 2 -> {
                double rs = dpc[0];
                reduce = l.m * (ov ? overlapped(rs, l.b[0] + l.w[0], share) : rs);
                double ag = dpc[1];
                gather = ov ? overlapped(ag, l.f[0], share) : ag;
            }
            case 3 -> {
                // per micro-batch: gather every module for the forward, again for the backward, and reduce-scatter
                // the gradients (dpc[1] holds both halves). With overlap, the backward's gathers and reduce-scatters
                // run beside its compute, the forward's only when the stack prefetches whole modules; the
                // communication stream is serial, so a micro-batch takes at least all its collectives: the
                // iteration-time floor of ZeRO-3 at large data-parallel sizes (Narayanan et al., SC 2021, Table 2)
                double gatherF = dpc[0];
                double gatherB = dpc[1] / 2;
                double rs = dpc[1] / 2;
                double compute = l.f[0] + l.b[0] + l.w[0];
                double micro;
                if (ov) {
                    double forward = stack.forwardPrefetch() ? overlapped(gatherF, l.f[0], share) : gatherF;
                    double computePath = compute + forward + OVERLAP_INTERFERENCE * (gatherB + rs);
                    micro = Math.max(computePath, gatherF + gatherB + rs);
                } else {
                    micro = compute + gatherF + gatherB + rs;
                }
                double exposed = micro - compute;
                double comm = gatherF + gatherB + rs;
                double gatherShare = comm > 0 ? (gatherF + gatherB) / comm : 0;
                gather = l.m * exposed * gatherShare;
                reduce = l.m * exposed * (1 - gatherShare);
            }
            default -> {
                double rs = dpc[0];
                double ag = dpc[1];
                double window = l.b[0] + l.w[0];
                reduce = ov ? overlapped(rs, window, share) : rs;
                gather = ov ? overlapped(ag, l.f[0], share) : ag;
            }
        }
        double busy = l.m * fbw;
        t.lastFinish = new double[] {busy};
        t.busy = new double[] {busy};
        t.peakAct = new double[] {l.act[0]};
        t.exposed = new double[] {reduce};
        t.gather = new double[] {gather};
        t.codec = new double[] {dpc[2]};
        t.optimizer = new double[] {l.optimizer(0)};
        t.iteration = busy + reduce + gather + dpc[2] + t.optimizer[0];
        t.critical = 0;
        t.bubbleFraction = 0;
        return t;
    }

    private Timing pipelineTime(Layout l, Timeline tl) {
        ParallelConfig c = l.c;
        int p = l.p;
        Timing t = new Timing();
        t.lastFinish = new double[p];
        t.busy = new double[p];
        t.peakAct = new double[p];
        t.exposed = new double[p];
        t.gather = new double[p];
        t.codec = new double[p];
        t.optimizer = new double[p];
        double pipe = tl.iterationTime();
        double best = -1;
        for (int d = 0; d < p; d++) {
            t.lastFinish[d] = tl.lastFinish(d);
            t.busy[d] = tl.busyTime(d);
            t.peakAct[d] = tl.peakMemory(d);
            double[] dpc = l.dataParallel(d);
            double share = l.bucketShare(d);
            double rs = dpc[0];
            double ag = dpc[1];
            double exposed;
            double gathered;
            if (c.overlapGradReduce()) {
                double window = (pipe - t.lastFinish[d]) + (l.b[d] + l.w[d]) / l.v;
                exposed = overlapped(rs, window, share);
                gathered = overlapped(ag, l.f[d] / l.v, share);
            } else {
                exposed = rs;
                gathered = ag;
            }
            t.exposed[d] = exposed;
            t.gather[d] = gathered;
            t.codec[d] = dpc[2];
            t.optimizer[d] = l.optimizer(d);
            double end = t.lastFinish[d] + exposed + gathered + dpc[2] + t.optimizer[d];
            if (end > best) {
                best = end;
                t.critical = d;
            }
        }
        t.iteration = best;
        t.bubbleFraction = tl.bubbleFraction();
        return t;
    }

    private Timeline timeline(Layout l) {
        ParallelConfig c = l.c;
        boolean adaptive = c.schedule().equals("adaptive");
        StringBuilder key = new StringBuilder();
        key.append(c.tp()).append('/').append(c.sequenceParallel()).append('/').append(c.recompute()).append('/')
                .append(c.microBatch()).append('/').append(c.ep()).append('/').append(c.schedule()).append('/')
                .append(l.v).append('/').append(l.m).append('/').append(Arrays.toString(l.split));
        double[] memLimit = new double[l.p];
        Arrays.fill(memLimit, Double.POSITIVE_INFINITY);
        if (adaptive) {
            for (int d = 0; d < l.p; d++) {
                memLimit[d] = l.limit[d] - l.staticBytes(d) - l.work[d];
                if (memLimit[d] <= 0) {
                    return null;
                }
            }
            key.append('/').append(Arrays.toString(memLimit));
        }
        String k = key.toString();
        Timeline tl = timelines.get(k);
        if (tl == null && !timelines.containsKey(k)) {
            StageCosts costs = StageCosts.builder(l.p).forward(l.f).backward(l.b).weight(l.w)
                    .activationMemory(l.act).memoryLimit(memLimit).build();
            try {
                Schedule s = PipelineSchedulers.get(c.schedule()).schedule(costs, l.m, l.v);
                tl = TimelineSimulator.simulate(s, costs);
            } catch (PlanInfeasibleException e) {
                tl = null;
            }
            simulations++;
            timelines.put(k, tl);
        }
        return tl;
    }

    @Override
    public Evaluation evaluate(ParallelConfig c) {
        check(c);
        int[] split = chooseSplit(c);
        ParallelConfig resolved = c.withLayerSplit(split);
        Layout l = new Layout(resolved, split);
        Timing t;
        if (l.p == 1) {
            t = singleStageTime(l);
        } else {
            Timeline tl = timeline(l);
            if (tl == null) {
                return adaptiveInfeasible(resolved, l);
            }
            t = pipelineTime(l, tl);
        }
        // memory
        int worst = 0;
        double worstExcess = Double.NEGATIVE_INFINITY;
        double[] need = new double[l.p];
        for (int d = 0; d < l.p; d++) {
            need[d] = l.staticBytes(d) + t.peakAct[d] + l.work[d];
            double excess = need[d] - l.limit[d];
            if (excess > worstExcess) {
                worstExcess = excess;
                worst = d;
            }
        }
        if (worstExcess > 0) {
            return infeasible(resolved, l, t.peakAct, need, worst);
        }
        return new Evaluation.Feasible(plan(resolved, l, t, need));
    }

    private Evaluation adaptiveInfeasible(ParallelConfig c, Layout l) {
        double[] oneMicro = l.act.clone();
        double[] need = new double[l.p];
        int worst = 0;
        for (int d = 0; d < l.p; d++) {
            need[d] = l.staticBytes(d) + oneMicro[d] + l.work[d];
            if (need[d] - l.limit[d] > need[worst] - l.limit[worst]) {
                worst = d;
            }
        }
        if (need[worst] <= l.limit[worst]) {
            // the adaptive schedule refused although one micro-batch fits: report the smallest positive shortfall
            need[worst] = l.limit[worst] + 1;
        }
        return infeasible(c, l, oneMicro, need, worst);
    }

    private Evaluation.Infeasible infeasible(ParallelConfig c, Layout l, double[] act, double[] need, int d) {
        StageHardware h = hardware.get(l.hw[d]);
        String reason = String.format(Locale.ROOT, "stage %d (%s) needs %.2f GiB per GPU but has %.2f GiB: weights "
                        + "%.2f, gradients %.2f, optimizer %.2f, activations %.2f, working %.2f, other %.2f GiB",
                d, h.gpuName(), need[d] / GIB, l.limit[d] / GIB, l.weightsB[d] / GIB, l.gradsB[d] / GIB,
                l.optB[d] / GIB, act[d] / GIB, l.work[d] / GIB, l.otherB[d] / GIB);
        return new Evaluation.Infeasible(c, need[d] - l.limit[d], need[d], l.limit[d], d, h.gpuName(), reason);
    }

    private Plan plan(ParallelConfig c, Layout l, Timing t, double[] need) {
        int d = t.critical;
        double m = l.m;
        UnitTable tab = l.tab[d];
        int a = l.first[d];
        int z = l.first[d + 1];
        double compute = m * UnitTable.range(tab.cmp, a, z);
        double rec = m * UnitTable.range(tab.rec, a, z);
        double tp = m * UnitTable.range(tab.tp, a, z);
        double ep = m * UnitTable.range(tab.ep, a, z);
        double p2p = m * l.p2p[d];
        double bubble = t.lastFinish[d] - (compute + rec + tp + ep + p2p);
        TimeBreakdown time = new TimeBreakdown(compute, rec, tp, ep, p2p, Math.max(0, bubble), t.exposed[d],
                t.gather[d], t.codec[d], t.optimizer[d]);
        // memory: the GPU closest to (or most over) its limit
        int md = 0;
        for (int s = 1; s < l.p; s++) {
            if (need[s] / l.limit[s] > need[md] / l.limit[md]) {
                md = s;
            }
        }
        MemoryBreakdown mem = new MemoryBreakdown(l.weightsB[md], l.gradsB[md], l.optB[md], t.peakAct[md],
                l.work[md], l.otherB[md]);
        List<StageSummary> stages = new ArrayList<>(l.p);
        for (int s = 0; s < l.p; s++) {
            stages.add(new StageSummary(s, hardware.get(l.hw[s]).gpuName(), l.first[s], l.split[s], t.busy[s],
                    need[s], l.limit[s]));
        }
        double iter = t.iteration;
        double tflops = executedFlops[c.recompute().ordinal()] / iter / gpus / 1e12;
        double mfu = modelFlops / iter / totalPeak;
        return new Plan(c, model.name(), cluster.name(), gpus, batch, l.m, iter, tflops, mfu, need[md], l.limit[md],
                mem, time, t.bubbleFraction, stages, costModelName);
    }

    PlanRequest request() {
        return request;
    }
}
