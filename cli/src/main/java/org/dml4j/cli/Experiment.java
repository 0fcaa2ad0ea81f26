package org.dml4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dml4j.cli.config.ConfigTree;
import org.dml4j.cli.config.DataConfig;
import org.dml4j.cli.config.RunConfig;
import org.dml4j.cli.config.TrainingConfig;
import org.dml4j.compress.CompressorConfig;
import org.dml4j.compress.CompressorProvider;
import org.dml4j.compress.Compressors;
import org.dml4j.core.RunManifest;
import org.dml4j.core.SeedTree;
import org.dml4j.core.config.ConfigBinder;
import org.dml4j.data.DataSplits;
import org.dml4j.data.Dataset;
import org.dml4j.data.Partition;
import org.dml4j.data.partition.Partitioner;
import org.dml4j.data.partition.PartitionerProvider;
import org.dml4j.fl.Compression;
import org.dml4j.fl.DataAware;
import org.dml4j.fl.LocalTraining;
import org.dml4j.fl.Strategy;
import org.dml4j.fl.StrategyConfig;
import org.dml4j.fl.StrategyProvider;
import org.dml4j.model.ModelConfig;
import org.dml4j.model.ModelProvider;
import org.dml4j.model.Models;
import org.dml4j.model.djl.TorchRuntime;
import org.dml4j.model.schedule.LearningRateSchedule;
import org.dml4j.model.schedule.LearningRateScheduleProvider;
import org.dml4j.model.schedule.LearningRateSchedules;
import org.dml4j.model.schedule.ScheduleConfig;
import org.dml4j.sim.CrossRegionConfig;
import org.dml4j.sim.CrossRegionSimulation;
import org.dml4j.sim.FederatedSimulation;
import org.dml4j.sim.GossipConfig;
import org.dml4j.sim.GossipSimulation;
import org.dml4j.sim.ModelFactory;
import org.dml4j.sim.Simulation;
import org.dml4j.sim.SimulationSpec;
import org.dml4j.sim.device.DeviceConfig;
import org.dml4j.sim.device.DeviceModel;
import org.dml4j.sim.device.DeviceProvider;
import org.dml4j.sim.network.NetworkConfig;
import org.dml4j.sim.network.NetworkProvider;
import org.dml4j.sim.network.NetworkTopology;
import org.dml4j.sim.topology.Grouping;
import org.dml4j.sim.topology.Hierarchy;
import org.dml4j.sim.topology.LanTiming;
import org.dml4j.sim.topology.LinkChange;
import org.dml4j.sim.topology.Placement;
import org.dml4j.sim.topology.Regrouping;
import org.dml4j.sim.topology.SiteTopology;
import org.dml4j.sim.topology.TopologyConfig;

/**
 * An experiment file resolved into everything a simulation needs. Every section is validated before any data is
 * loaded or any model is built, so a typo fails in milliseconds with the table and key named.
 *
 * <p>Sections: {@code [run]}, {@code [data]}, {@code [partition]}, {@code [model]}, {@code [training]},
 * {@code [strategy]}, {@code [compressor]} (the uplink; {@code data-aware} picks per-client levels), {@code [downlink]}
 * (optional), {@code [network]} and {@code [devices]} (optional: the simulator's virtual time), {@code [topology]}
 * (optional, instead of {@code [network]}: sites with LAN and WAN links, and for {@code mode = "hierarchical"} an edge
 * aggregator per site with its own compressors {@code [topology.edge-uplink]} and {@code [topology.edge-downlink]}),
 * {@code [gossip]} (optional: peers and no coordinator, D-PSGD, Combo or BACombo over {@code [network]}),
 * {@code [cross-region]} (optional: data-parallel workers across regions, synchronous, Local SGD, DiLoCo or DeCo-SGD,
 * over {@code [topology]} with {@code mode = "flat"} or {@code [network]}; {@code [compressor]} is then the WAN's);
 * see the README for their keys.
 */
public final class Experiment {
    /** The tables an experiment file may have. */
    public static final List<String> TABLES = List.of("run", "data", "partition", "model", "training", "strategy",
            "compressor", "downlink", "network", "devices", "topology", "gossip", "cross-region");

    private final ConfigTree tree;
    /** Every table as resolved, defaults included: written back as config.toml and into the manifest. */
    private final ObjectNode resolved = JsonNodeFactory.instance.objectNode();
    private final String name;
    private final long seed;
    private final int rounds;
    private final int threads;
    private final int evalEvery;
    private final double targetAccuracy;
    private final int checkpointEvery;
    private final DataConfig data;
    private final int clients;
    private final Partitioner partitioner;
    private final ModelProvider modelProvider;
    private final ModelConfig modelConfig;
    private final LocalTraining training;
    private final Strategy strategy;
    private final Compression compression;
    private final NetworkTopology network;
    private final DeviceModel devices;
    private final SiteTopology sites;
    private final int[] edgeOf;
    private final CompressorConfig edgeUplink;
    private final CompressorConfig edgeDownlink;
    private final GossipSimulation.Gossip gossip;
    private final Double pairMbps;
    private final CrossRegionConfig crossRegion;

    private Experiment(ConfigTree tree, String defaultName) {
        this.tree = tree;
        tree.requireOnlyTables(TABLES);

        RunConfig run = ConfigBinder.bind(tree.table("run"), RunConfig.class, "run").named(defaultName);
        name = run.name();
        seed = run.seed();
        rounds = run.rounds();
        threads = run.threads();
        evalEvery = run.evalEvery();
        targetAccuracy = run.targetAccuracy();
        checkpointEvery = run.checkpointEvery();
        resolved.set("run", ConfigBinder.table(run));

        data = ConfigBinder.bind(tree.table("data"), DataConfig.class, "data");
        resolved.set("data", ConfigBinder.table(data));

        ObjectNode part = tree.table("partition").deepCopy();
        ObjectNode count = JsonNodeFactory.instance.objectNode();
        if (part.has("clients")) {
            count.set("clients", part.remove("clients"));
        }
        clients = ConfigBinder.bind(count, Clients.class, "partition").clients();
        PartitionerProvider pp = PartitionerProvider.REGISTRY.get(typeOr(part, "partition", "iid"));
        var pc = ConfigBinder.bind(part, pp.configType(), "partition");
        partitioner = pp.create(pc);
        resolved.putObject("partition").put("type", pp.name()).put("clients", clients).setAll(ConfigBinder.table(pc));

        ObjectNode model = tree.table("model");
        modelProvider = Models.provider(ConfigTree.type(model, "model"));
        modelConfig = ConfigBinder.bind(model, modelProvider.configType(), "model");
        resolved.set("model", table(ConfigTree.type(model, "model"), modelConfig, model));

        TrainingConfig tr = ConfigBinder.bind(tree.table("training"), TrainingConfig.class, "training");
        ObjectNode sched = tr.schedule();
        if (sched == null) {
            throw new IllegalArgumentException("[training] needs schedule = { type = \"constant\", learning-rate ="
                    + " 0.05 } (types: " + String.join(", ", LearningRateSchedules.registry().names()) + ")");
        }
        String schedType = ConfigTree.type(sched, "training.schedule");
        LearningRateScheduleProvider sp = LearningRateSchedules.registry().get(schedType);
        ScheduleConfig sc = ConfigBinder.bind(sched, sp.configType(), "training.schedule");
        LearningRateSchedule schedule = sp.create(sc);
        training = new LocalTraining(tr.batchSize(), tr.localEpochs(), tr.localSteps(), schedule, tr.momentum(),
                tr.weightDecay());
        resolved.set("training", ConfigBinder.table(tr.withSchedule(table(schedType, sc, sched))));

        ObjectNode st = tree.table("strategy");
        StrategyProvider stp = StrategyProvider.REGISTRY.get(typeOr(st, "strategy", "fedavg"));
        StrategyConfig stc = ConfigBinder.bind(st, stp.configType(), "strategy");
        strategy = stp.create(stc);
        resolved.set("strategy", table(stp.name(), stc, st));

        ObjectNode co = tree.table("compressor").deepCopy();
        ObjectNode aware = JsonNodeFactory.instance.objectNode();
        if (co.has("data-aware")) {
            aware.set("data-aware", co.remove("data-aware"));
        }
        DataAware dataAware = DataAware.of(ConfigBinder.bind(aware, Levels.class, "compressor").dataAware());
        double meanLevel = Double.NaN;
        if (dataAware != DataAware.UNIFORM) {
            String key = dataAware.absolute() ? "threshold" : "ratio";
            if (!co.has(key)) {
                throw new IllegalArgumentException("[compressor] data-aware = '" + dataAware.key() + "' needs " + key
                        + " (the " + (dataAware.absolute() ? "harmonic mean of the clients' thresholds, λ̄"
                        : "average of the clients' ratios, δ̄") + ")");
            }
        }
        CompressorConfig uplink = compressor(co, "compressor", "identity", schedule, rounds);
        if (dataAware != DataAware.UNIFORM) {
            meanLevel = co.get(dataAware.absolute() ? "threshold" : "ratio").asDouble(); // a number: bound above
        }
        ObjectNode down = tree.table("downlink").deepCopy();
        CompressorConfig downlink = down.isEmpty() ? null : compressor(down, "downlink", null, schedule, rounds);
        compression = new Compression(uplink, dataAware, meanLevel, downlink);
        ObjectNode upResolved = table(typeOr(co, "compressor", "identity"), uplink, co);
        if (dataAware != DataAware.UNIFORM) {
            upResolved.put("data-aware", dataAware.key());
        }
        resolved.set("compressor", upResolved);
        if (downlink != null) {
            resolved.set("downlink", table(down.get("type").asText(), downlink, down));
        }
        if (strategy.name().equals("fedluck")) {
            requireRatio(uplink, co, "[strategy] type = 'fedluck' chooses each client's compression ratio");
        }

        Path baseDir = baseDir(tree);
        ObjectNode net = tree.table("network");
        if (net.isEmpty()) {
            network = null;
        } else {
            NetworkProvider np = NetworkProvider.REGISTRY.get(ConfigTree.type(net, "network"));
            NetworkConfig nc = ConfigBinder.bind(net, np.configType(), "network");
            try {
                network = np.create(nc, clients, SeedTree.root(seed), baseDir);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("[network] " + e.getMessage(), e);
            }
            resolved.set("network", absolute(ConfigBinder.table(np.name(), nc), baseDir));
        }
        ObjectNode topo = tree.table("topology").deepCopy();
        if (topo.isEmpty()) {
            sites = null;
            edgeOf = null;
            edgeUplink = null;
            edgeDownlink = null;
        } else {
            if (!net.isEmpty()) {
                throw new IllegalArgumentException("[topology] and [network] both describe the links: give one of them");
            }
            JsonNode eu = topo.remove("edge-uplink");
            JsonNode ed = topo.remove("edge-downlink");
            TopologyConfig tc = ConfigBinder.bind(topo, TopologyConfig.class, "topology");
            if (tc.hierarchical() && training.localSteps() == 0) {
                throw new IllegalArgumentException("[topology] mode = \"hierarchical\" needs [training] local-steps"
                        + " (kappa1, the local steps of every edge round), got local-epochs only");
            }
            sites = SiteTopology.create(tc, clients, SeedTree.root(seed));
            edgeOf = Grouping.assign(sites, tc.grouping(), SeedTree.root(seed));
            edgeUplink = eu instanceof ObjectNode o ? compressor(o.deepCopy(), "topology.edge-uplink", "identity",
                    schedule, rounds) : compressor(JsonNodeFactory.instance.objectNode(), "topology.edge-uplink",
                    "identity", schedule, rounds);
            edgeDownlink = ed instanceof ObjectNode o ? compressor(o.deepCopy(), "topology.edge-downlink", null,
                    schedule, rounds) : null;
            if (tc.linkChanges().length > 0 && tc.grouping().equals("measured") && tc.hierarchical()
                    && !List.of("fedavg", "fedprox", "robust-fedavg").contains(strategy.name())) {
                throw new IllegalArgumentException("[topology] link-changes with grouping = \"measured\" regroup the"
                        + " clients at each synchronous cloud round: [strategy] type must be fedavg, fedprox or"
                        + " robust-fedavg, got '" + strategy.name() + "'");
            }
            if (!tc.hierarchical() && tc.linkChanges().length > 0) {
                throw new IllegalArgumentException("[topology] link-changes change links between clients and edges:"
                        + " they need mode = \"hierarchical\" (got mode = \"" + tc.mode() + "\")");
            }
            if (!tc.hierarchical() && !tc.edgeHost().equals("dedicated")) {
                throw new IllegalArgumentException("[topology] edge-host places edge aggregators: it needs mode ="
                        + " \"hierarchical\" (got mode = \"" + tc.mode() + "\", edge-host = \"" + tc.edgeHost()
                        + "\")");
            }
            if (!tc.hierarchical() && (eu != null || ed != null)) {
                throw new IllegalArgumentException("[topology] edge-uplink and edge-downlink need mode ="
                        + " \"hierarchical\" (got mode = \"" + tc.mode() + "\")");
            }
            ObjectNode topoResolved = resolved.putObject("topology").setAll(ConfigBinder.table(tc));
            if (tc.hierarchical()) {
                topoResolved.set("edge-uplink", ConfigBinder.table(compressorName(edgeUplink), edgeUplink));
                if (edgeDownlink != null) {
                    topoResolved.set("edge-downlink", ConfigBinder.table(compressorName(edgeDownlink), edgeDownlink));
                }
            }
        }
        ObjectNode gos = tree.table("gossip");
        if (gos.isEmpty()) {
            gossip = null;
            pairMbps = null;
        } else {
            if (!topo.isEmpty()) {
                throw new IllegalArgumentException("[gossip] has no edges or cloud: give [network] for its links,"
                        + " not [topology]");
            }
            GossipConfig gc = ConfigBinder.bind(gos, GossipConfig.class, "gossip");
            try {
                gossip = gc.resolve(clients, SeedTree.root(seed));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("[gossip] " + e.getMessage(), e);
            }
            pairMbps = gc.pairMbps();
            resolved.set("gossip", ConfigBinder.table(gc));
            if (pairMbps != null && network == null) {
                throw new IllegalArgumentException("[gossip] pair-mbps caps the links of [network], which is missing");
            }
        }
        ObjectNode xr = tree.table("cross-region");
        if (xr.isEmpty()) {
            crossRegion = null;
        } else {
            if (!gos.isEmpty()) {
                throw new IllegalArgumentException("[cross-region] and [gossip] are two kinds of run: give one of them");
            }
            if (sites != null && sites.config().hierarchical()) {
                throw new IllegalArgumentException("[cross-region] exchanges between the regions' leaders, without"
                        + " edges and a cloud: [topology] mode must be \"flat\", got \"" + sites.config().mode()
                        + "\"");
            }
            crossRegion = ConfigBinder.bind(xr, CrossRegionConfig.class, "cross-region");
            resolved.set("cross-region", ConfigBinder.table(crossRegion));
            if (crossRegion.oneStep() && training.stepsFor(1) != 1) {
                throw new IllegalArgumentException("[cross-region] algorithm = \"" + crossRegion.algorithm()
                        + "\" takes one step per sync: [training] local-steps must be 1, got "
                        + training.localSteps());
            }
            if (!crossRegion.oneStep() && training.localSteps() == 0) {
                throw new IllegalArgumentException("[cross-region] algorithm = \"" + crossRegion.algorithm()
                        + "\" needs [training] local-steps (H, the inner steps between syncs)");
            }
            if (crossRegion.algorithm().equals("deco")) {
                if (network == null && sites == null) {
                    throw new IllegalArgumentException("[cross-region] algorithm = \"deco\" adapts to the measured"
                            + " links: give [topology] or [network]");
                }
                requireRatio(uplink, co, "[cross-region] algorithm = 'deco' chooses the WAN's compression ratio");
            }
        }
        ObjectNode dev = tree.table("devices");
        if (dev.isEmpty()) {
            devices = null;
        } else {
            DeviceProvider dp = DeviceProvider.REGISTRY.get(ConfigTree.type(dev, "devices"));
            DeviceConfig dc = ConfigBinder.bind(dev, dp.configType(), "devices");
            try {
                devices = dp.create(dc, clients, SeedTree.root(seed), baseDir);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("[devices] " + e.getMessage(), e);
            }
            resolved.set("devices", absolute(ConfigBinder.table(dp.name(), dc), baseDir));
        }
    }

    /** The keys of [network] and [devices] that name files (traces): resolved against the experiment's folder. */
    private static final java.util.Set<String> FILE_KEYS = java.util.Set.of("uplink-trace", "downlink-trace", "file");

    /**
     * @param table   a resolved table
     * @param baseDir the experiment file's folder
     * @return the table with every file it names ({@link #FILE_KEYS}, at any depth) as an absolute path, so that
     *     the run folder's {@code config.toml} finds the same files
     */
    private static ObjectNode absolute(ObjectNode table, Path baseDir) {
        for (Map.Entry<String, JsonNode> e : table.properties()) {
            if (FILE_KEYS.contains(e.getKey()) && e.getValue().isTextual()) {
                e.setValue(JsonNodeFactory.instance.textNode(baseDir.resolve(e.getValue().asText()).normalize()
                        .toString()));
            } else if (e.getValue() instanceof ObjectNode o) {
                absolute(o, baseDir);
            } else if (e.getValue() instanceof ArrayNode a) {
                a.forEach(x -> {
                    if (x instanceof ObjectNode o) {
                        absolute(o, baseDir);
                    }
                });
            }
        }
        return table;
    }

    /** @return the registered name of the provider that takes this config */
    private static String compressorName(CompressorConfig config) {
        return CompressorProvider.REGISTRY.all().values().stream().filter(p -> p.configType() == config.getClass())
                .findFirst().orElseThrow().name();
    }

    /**
     * @param type   the table's type
     * @param config the record bound from it
     * @param given  the table as written (kept as is when the config is not a record)
     * @return the table with every key of the record, defaults included
     */
    private static ObjectNode table(String type, Object config, ObjectNode given) {
        if (config instanceof Record r) {
            return ConfigBinder.table(type, r);
        }
        return given.deepCopy();
    }

    /**
     * @return every table as resolved, defaults included, bound records written back table by table (the files of
     *     [network] and [devices] as absolute paths)
     */
    public ConfigTree resolved() {
        return ConfigTree.of(resolved, tree.source());
    }

    /**
     * @param commandLine the arguments the run was started with
     * @return a manifest of a run of this experiment starting now: its resolved configuration, the {@code --set}
     *     overrides on their own, and the DJL and PyTorch versions
     */
    public RunManifest manifest(List<String> commandLine) {
        return RunManifest.capture(seed, resolved().toMap(), commandLine, tree.overrides(), TorchRuntime.versions());
    }

    /** FedLuck and DeCo set the ratio: the uplink compressor must have one. */
    private static void requireRatio(CompressorConfig uplink, ObjectNode table, String who) {
        try {
            Compressors.create(uplink).newState(1, new java.util.SplittableRandom(0)).setRatio(1.0);
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException(who + ":"
                    + " [compressor] needs a compressor with a ratio (topk, randk, dgc), got '"
                    + (table.has("type") ? table.get("type").asText() : "identity") + "'", e);
        }
    }

    private static Path baseDir(ConfigTree tree) {
        Path p = Path.of(tree.source()).toAbsolutePath().getParent();
        return p == null ? Path.of("").toAbsolutePath() : p;
    }

    /**
     * Binds a compressor table. γ-FedHT's per-round learning rates default to the training schedule's, since its
     * threshold follows the stepsize of every round (γ_0 … γ_T must be known before training).
     */
    private static CompressorConfig compressor(ObjectNode table, String where, String defaultType,
                                                 LearningRateSchedule schedule, int rounds) {
        if (defaultType == null && !table.has("type")) {
            throw new IllegalArgumentException("[" + where + "] needs type = \"...\" (known: "
                    + String.join(", ", CompressorProvider.REGISTRY.names()) + ")");
        }
        String type = typeOr(table, where, defaultType);
        CompressorProvider provider = CompressorProvider.REGISTRY.get(type); // unknown types list the known ones
        if (type.equals("gamma-fedht") && !table.has("rates")) {
            ArrayNode rates = table.putArray("rates");
            for (int r = 0; r < rounds; r++) {
                rates.add(schedule.rate(r));
            }
        }
        CompressorConfig config = ConfigBinder.bind(table, provider.configType(), where);
        try {
            provider.create(config); // the provider's own checks, before any data is loaded
            return config;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("[" + where + "] " + e.getMessage(), e);
        }
    }

    /**
     * Resolves and validates an experiment file (no data is loaded yet).
     *
     * @param tree        the file's tree, overrides applied
     * @param defaultName run name when {@code [run] name} is absent
     * @return the experiment
     * @throws IllegalArgumentException naming the table and key of the first problem
     */
    public static Experiment resolve(ConfigTree tree, String defaultName) {
        return new Experiment(tree, defaultName);
    }

    /**
     * The {@code clients} key of {@code [partition]} (the rest of the table is the partitioner's).
     *
     * @param clients how many clients the training data is split among, at least 1 (default 10)
     */
    public record Clients(int clients) {
        /** Validates. */
        public Clients {
            if (clients < 1) {
                throw new IllegalArgumentException("clients must be >= 1, got " + clients);
            }
        }

        /** @return 10 clients */
        public static Clients defaults() {
            return new Clients(10);
        }
    }

    /**
     * The {@code data-aware} key of {@code [compressor]} (the rest of the table is the compressor's).
     *
     * @param dataAware how the clients' compression levels are set: {@code uniform} (default), {@code dagc-r},
     *                  {@code dagc-r-water-filling} or {@code dagc-a}
     */
    public record Levels(String dataAware) {
        /** @return uniform */
        public static Levels defaults() {
            return new Levels("uniform");
        }
    }

    private static String typeOr(ObjectNode table, String where, String def) {
        return table.has("type") ? ConfigTree.type(table, where) : def;
    }

    /**
     * Refuses the {@code [topology]} keys that only the simulator applies, before a deployment command
     * ({@code dml4j serve}, {@code dml4j edge}) would silently ignore them: {@code link-changes} (scheduled changes of
     * client–edge links in virtual time; a deployment's links are the real ones) and an {@code edge-host} other than
     * {@code "dedicated"} (the simulated choice of the client that runs a site's edge; a deployed edge runs where
     * {@code dml4j edge} is started).
     *
     * @param command the command, for the message ({@code "serve"}, {@code "edge"})
     * @throws IllegalArgumentException naming the key and its value
     */
    public void requireDeployableTopology(String command) {
        if (sites == null) {
            return;
        }
        TopologyConfig tc = sites.config();
        LinkChange[] changes = tc.linkChanges();
        if (changes.length > 0) {
            LinkChange first = changes[0];
            throw new IllegalArgumentException(command + ": [topology] link-changes change links in virtual time, which"
                    + " only the simulator (dml4j run) applies; a deployment's links are the real ones (got"
                    + " link-changes with " + changes.length + (changes.length == 1 ? " entry" : " entries")
                    + ", the first { at = " + first.at() + ", client = " + first.client() + ", site = \""
                    + first.site() + "\", mbps = " + first.mbps() + " }): remove link-changes to deploy this file");
        }
        if (!tc.edgeHost().equals("dedicated")) {
            throw new IllegalArgumentException(command + ": [topology] edge-host = \"" + tc.edgeHost() + "\" chooses"
                    + " in the simulator which client runs each site's edge; a deployed edge runs where `dml4j edge`"
                    + " is started: set edge-host = \"dedicated\" (the default) to deploy this file");
        }
    }

    /** @return the run name */
    public String name() {
        return name;
    }

    /** @return the root seed */
    public long seed() {
        return seed;
    }

    /** @return rounds to run */
    public int rounds() {
        return rounds;
    }

    /** {@code [run] checkpoint-every} when the file does not say: a checkpoint every 10 rounds. */
    public static final int DEFAULT_CHECKPOINT_EVERY = RunConfig.DEFAULT_CHECKPOINT_EVERY;

    /**
     * @return {@code [run] checkpoint-every}: write {@code checkpoint.safetensors} every this many rounds (and on
     *     Ctrl-C) when the run can be checkpointed; 0 for never
     */
    public int checkpointEvery() {
        return checkpointEvery;
    }

    /** @return the accuracy the summary reports time and bytes to */
    public double targetAccuracy() {
        return targetAccuracy;
    }

    /** @return the {@code [data]} table as bound */
    public DataConfig data() {
        return data;
    }

    /** @return the resolved file */
    public ConfigTree tree() {
        return tree;
    }

    /**
     * How the run's models are made: every worker's, and every cluster executor's, is the same architecture with the
     * same initial parameters (seed path {@code model-init}).
     *
     * @param sampleShape the shape of one sample of the data
     * @param classes     number of classes
     * @return the factory
     */
    public ModelFactory models(int[] sampleShape, int classes) {
        int[] shape = sampleShape.clone();
        SeedTree init = SeedTree.root(seed).child("model-init");
        return () -> modelProvider.create(modelConfig, shape, classes, init);
    }

    /** @return local training as resolved from {@code [training]} */
    public LocalTraining training() {
        return training;
    }

    /** @return the uplink and downlink compression as resolved from {@code [compressor]} and {@code [downlink]} */
    public Compression compression() {
        return compression;
    }

    /**
     * Loads the data, partitions it and builds the simulation.
     *
     * @param log where to print the partition table
     * @return the simulation's spec
     */
    public Prepared prepare(PrintStream log) {
        DataSplits splits = DataStores.forCommandLine().load(data.dataset(),
                data.path() == null ? null : Path.of(data.path()));
        Dataset train = splits.train().head(data.trainLimit());
        Dataset test = splits.test().head(data.testLimit());
        SeedTree root = SeedTree.root(seed);
        Partition partition = partitioner.partition(train, clients, root.child("partition"));
        log.println("data: " + train + ", test " + test);
        log.println("partition: " + partitioner.name() + ", " + clients + " clients");
        log.print(partition.describe(train));
        List<Dataset> shards = new ArrayList<>(clients);
        for (int c = 0; c < clients; c++) {
            shards.add(partition.shard(train, c));
        }
        int[] shape = train.sampleShape();
        int classes = train.numClasses();
        ModelFactory models = models(shape, classes);
        NetworkTopology links = network;
        Hierarchy hierarchy = null;
        if (sites != null) {
            log.print(describeTopology());
            if (sites.config().hierarchical()) {
                TopologyConfig tc = sites.config();
                int[] hosts = null;
                if (!tc.edgeHost().equals("dedicated")) {
                    long modelBytes;
                    try (org.dml4j.model.Model m = models.create()) {
                        modelBytes = org.dml4j.compress.UpdateCodec.HEADER_BYTES + 4L * m.numParams();
                    }
                    hosts = Placement.hosts(sites, tc.edgeHost(), edgeOf, root, modelBytes, training.localSteps(),
                            tc.edgeRounds(), devices);
                    log.print(describeHosts(hosts, modelBytes));
                }
                Regrouping regrouping = tc.grouping().equals("measured") && sites.linksChange()
                        ? new Regrouping(sites, edgeOf, hosts) : null;
                hierarchy = new Hierarchy(edgeOf, tc.edgeRounds(), Compressors.create(edgeUplink),
                        edgeDownlink == null ? null : Compressors.create(edgeDownlink),
                        new LanTiming(sites, devices, hosts), sites.edges(hosts), regrouping);
            } else {
                links = sites.flat();
            }
        }
        if (pairMbps != null) {
            links = GossipSimulation.withPairCap(links, pairMbps);
        }
        return new Prepared(new SimulationSpec(seed, rounds, threads, evalEvery, shards, test, models, strategy,
                compression, training, devices, links), partition, hierarchy, gossip, crossRegion);
    }

    /** Where the edges run, and the simulated cloud round of that placement. */
    private String describeHosts(int[] hosts, long modelBytes) {
        TopologyConfig c = sites.config();
        StringBuilder sb = new StringBuilder("edge hosts (").append(c.edgeHost()).append("):");
        for (int s = 0; s < hosts.length; s++) {
            sb.append(' ').append(sites.name(s)).append(" on client ").append(hosts[s]);
            sb.append(s + 1 < hosts.length ? "," : "");
        }
        double t = Placement.cloudRoundSeconds(sites, hosts, edgeOf, modelBytes, training.localSteps(),
                c.edgeRounds(), devices);
        return sb.append(String.format(java.util.Locale.ROOT, "; a dense cloud round takes %.3f s (simulated)%n",
                t)).toString();
    }

    /** The sites, where their clients are and the edges' groups. */
    private String describeTopology() {
        TopologyConfig c = sites.config();
        StringBuilder sb = new StringBuilder("topology: ").append(sites.sites()).append(" sites, ").append(c.mode());
        if (c.hierarchical()) {
            sb.append(", grouping ").append(c.grouping()).append(", kappa2 = ").append(c.edgeRounds());
        }
        sb.append('\n');
        for (int s = 0; s < sites.sites(); s++) {
            StringBuilder at = new StringBuilder();
            StringBuilder group = new StringBuilder();
            int away = 0;
            for (int cl = 0; cl < sites.clients(); cl++) {
                if (sites.home(cl) == s) {
                    at.append(at.isEmpty() ? "" : " ").append(cl);
                }
                if (edgeOf[cl] == s) {
                    group.append(group.isEmpty() ? "" : " ").append(cl);
                    away += sites.home(cl) != s ? 1 : 0;
                }
            }
            sb.append("  ").append(sites.name(s)).append(": clients at the site [").append(at).append(']');
            if (c.hierarchical()) {
                sb.append(", edge group [").append(group).append("] (").append(away).append(" from other sites)");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * A prepared simulation.
     *
     * @param spec      the simulation
     * @param partition the client partition
     * @param hierarchy the edge tier of a hierarchical run, or null
     * @param gossip    the peers' rule of a decentralized run (no coordinator), or null
     * @param crossRegion the algorithm of a cross-region data-parallel run, or null
     */
    public record Prepared(SimulationSpec spec, Partition partition, Hierarchy hierarchy,
                           GossipSimulation.Gossip gossip, CrossRegionConfig crossRegion) {
        /**
         * @return the simulation: decentralized with a gossip rule, cross-region data parallelism, else federated
         *     (flat or hierarchical)
         */
        public Simulation simulation() {
            if (crossRegion != null) {
                return new CrossRegionSimulation(spec, crossRegion);
            }
            return gossip != null ? new GossipSimulation(spec, gossip) : new FederatedSimulation(spec, hierarchy);
        }

        /** @return whether the links have a WAN (regions, or edges and a cloud): metrics get {@code wan_bytes} */
        public boolean wan() {
            return FederatedSimulation.hasWan(spec.network(), hierarchy != null);
        }

        /** @return whether virtual time passes (a network, devices, or edges with their links) */
        public boolean timed() {
            return spec.timed() || hierarchy != null;
        }
    }
}
