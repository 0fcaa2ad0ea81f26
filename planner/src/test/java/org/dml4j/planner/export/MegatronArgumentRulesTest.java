package org.dml4j.planner.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dml4j.planner.ConfigText;
import org.dml4j.planner.LaunchTarget;
import org.dml4j.planner.Plan;
import org.dml4j.planner.PlanRequest;
import org.dml4j.planner.Planner;
import org.dml4j.planner.SearchSpace;
import org.dml4j.planner.cluster.ClusterFiles;
import org.dml4j.planner.cluster.SoftwareStack;
import org.dml4j.planner.model.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exported Megatron-LM arguments pass Megatron-LM's own argument validation. The rules below restate, in Java,
 * the checks of NVIDIA/Megatron-LM at commit d98e8a64ddf34856e74b24714e3bedb2f5a39553 (2026-08-22):
 * {@code megatron/training/arguments.py} ({@code validate_args}), {@code megatron/core/transformer/transformer_config.py}
 * ({@code TransformerConfig.__post_init__}: heads and query groups vs TP, recomputation, uneven pipeline stages),
 * {@code megatron/core/transformer/pipeline_parallel_layer_layout.py} (the layout string) and
 * {@code megatron/core/num_microbatches_calculator.py} ({@code ConstantNumMicroBatchesCalculator}) and
 * {@code megatron/training/initialize.py} ({@code _initialize_tp_communicators}: {@code --tp-comm-overlap} builds
 * Transformer Engine userbuffers). Each rule's
 * message quotes what Megatron-LM would report. No Megatron code is copied; the rules are re-stated from reading it.
 */
class MegatronArgumentRulesTest {
    /** A parsed launch script: torchrun's world size, the exported environment and pretrain_gpt.py's arguments. */
    record Launch(int nodes, int perNode, Map<String, String> env, Map<String, String> args) {
        boolean has(String flag) {
            return args.containsKey(flag);
        }

        int num(String flag) {
            return Integer.parseInt(args.get(flag));
        }

        int num(String flag, int def) {
            return has(flag) ? num(flag) : def;
        }
    }

    static Launch parse(String script) {
        Matcher tr = Pattern.compile("torchrun --nnodes (\\d+) --nproc-per-node (\\d+)").matcher(script);
        assertTrue(tr.find(), script);
        Map<String, String> env = new LinkedHashMap<>();
        Matcher ex = Pattern.compile("(?m)^export (\\w+)=(\\S+)$").matcher(script);
        while (ex.find()) {
            env.put(ex.group(1), ex.group(2));
        }
        String cmd = script.substring(script.indexOf("pretrain_gpt.py") + "pretrain_gpt.py".length())
                .replace("\\\n", " ");
        Map<String, String> args = new LinkedHashMap<>();
        String[] tokens = cmd.trim().split("\\s+");
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            if (!t.startsWith("--")) {
                continue;
            }
            String value = i + 1 < tokens.length && !tokens[i + 1].startsWith("--")
                    && !tokens[i + 1].startsWith("${") ? tokens[++i] : "";
            if (args.put(t, value.replace("\"", "")) != null) {
                throw new AssertionError("argument " + t + " given twice in\n" + script);
            }
        }
        return new Launch(Integer.parseInt(tr.group(1)), Integer.parseInt(tr.group(2)), env, args);
    }

    /**
     * @param script a launch script written by {@link MegatronExporter}
     * @return the violated rules (empty when Megatron-LM would accept the arguments)
     */
    static List<String> violations(String script) {
        Launch l = parse(script);
        List<String> bad = new ArrayList<>();
        int world = l.nodes() * l.perNode();
        int tp = l.num("--tensor-model-parallel-size", 1);
        int pp = l.num("--pipeline-model-parallel-size", 1);
        int ep = l.num("--expert-model-parallel-size", 1);
        int layers = l.num("--num-layers");
        int heads = l.num("--num-attention-heads");
        // arguments.py: world size divisible by the model-parallel size (tp x pp x cp)
        if (world % (tp * pp) != 0) {
            bad.add("world size (" + world + ") is not divisible by total_model_size (" + tp * pp + ")");
        }
        int dp = world / (tp * pp);
        // ConstantNumMicroBatchesCalculator: global batch divisible by micro batch x dp
        int mb = l.num("--micro-batch-size");
        if (l.num("--global-batch-size") % (mb * dp) != 0) {
            bad.add("global batch size is not divisible by micro batch size times data parallel size");
        }
        // arguments.py: at most one way to set virtual pipeline stages
        int vppWays = (l.has("--num-layers-per-virtual-pipeline-stage") ? 1 : 0)
                + (l.has("--num-virtual-stages-per-pipeline-rank") ? 1 : 0)
                + (l.has("--pipeline-model-parallel-layout") ? 1 : 0);
        if (vppWays > 1) {
            bad.add("No more than one of the following arguments can be set at the same time: "
                    + "--num-layers-per-virtual-pipeline-stage, --num-virtual-stages-per-pipeline-rank, "
                    + "--pipeline-model-parallel-layout");
        }
        boolean firstLast = l.has("--decoder-first-pipeline-num-layers") || l.has("--decoder-last-pipeline-num-layers");
        Integer vpp = null;
        if (l.has("--pipeline-model-parallel-layout")) {
            List<String> stages = layoutStages(l.args().get("--pipeline-model-parallel-layout"));
            if (stages.size() % pp != 0) {
                bad.add("The length of pipeline_model_parallel_layout must be divisible by "
                        + "pipeline_model_parallel_size");
            }
            vpp = stages.size() / pp;
            String flat = String.join("", stages);
            if (!flat.startsWith("E")) {
                bad.add("The first layer must be embedding");
            }
            if (!flat.endsWith("L")) {
                bad.add("The last layer must be loss");
            }
            if (flat.chars().filter(ch -> ch == 'E').count() != 1 || flat.chars().filter(ch -> ch == 'L').count()
                    != 1) {
                bad.add("Embedding and loss must be specified exactly once");
            }
            if (flat.chars().filter(ch -> ch == 't').count() != layers) {
                bad.add("Number of decoder layers must match num_layers " + layers);
            }
            if (firstLast) {
                bad.add("pipeline_model_parallel_layout cannot be set with other pipeline layout arguments");
            }
        } else if (l.has("--num-layers-per-virtual-pipeline-stage")) {
            if (firstLast) {
                bad.add("please use --num-virtual-stages-per-pipeline-rank to specify virtual pipeline parallel "
                        + "degree when enable uneven pipeline parallelism");
            }
            int per = l.num("--num-layers-per-virtual-pipeline-stage");
            if (layers % pp != 0) {
                bad.add("number of layers of the model must be divisible pipeline model parallel size");
            } else if ((layers / pp) % per != 0) {
                bad.add("number of layers per pipeline stage must be divisible number of layers per virtual "
                        + "pipeline stage");
            } else {
                vpp = layers / pp / per;
            }
        } else if (l.has("--num-virtual-stages-per-pipeline-rank")) {
            vpp = l.num("--num-virtual-stages-per-pipeline-rank");
        } else if (!firstLast && layers % pp != 0) {
            bad.add("Number of layers should be divisible by the pipeline-model-parallel size");
        }
        if (vpp != null && vpp == 1) {
            vpp = null;
        }
        // TransformerConfig: uneven first and last stages
        if (firstLast && !l.has("--pipeline-model-parallel-layout")) {
            int rest = layers;
            int middle = pp;
            for (String f : new String[] {"--decoder-first-pipeline-num-layers", "--decoder-last-pipeline-num-layers"}) {
                if (l.has(f)) {
                    int n = l.num(f);
                    if (n <= 0) {
                        bad.add(f + " must be larger than 0");
                    }
                    if (vpp != null && n % vpp != 0) {
                        bad.add("number of layers at " + f + " must be divisible by virtual pipeline parallel degree");
                    }
                    rest -= n;
                    middle--;
                }
            }
            if ((rest != 0) != (middle != 0)) {
                bad.add("Mismatch: " + rest + " middle layers remaining but " + middle + " middle PP stages");
            } else if (middle > 0 && rest % middle != 0) {
                bad.add("number of layers at middle stage must be divisible by the middle pipeline model parallel "
                        + "size");
            } else if (middle > 0 && vpp != null && (rest / middle) % vpp != 0) {
                bad.add("number of layers on each middle pipeline rank must be divisible by virtual pipeline degree");
            }
        }
        // arguments.py: interleaving needs pp > 1 (p2p overlap is on by default), pp > 2 without it
        if (vpp != null && (pp < 2 || l.has("--no-overlap-p2p-communication") && pp < 3)) {
            bad.add("When interleaved schedule is used, pipeline-model-parallel size should be greater than 1");
        }
        // arguments.py: --overlap-param-gather
        if (l.has("--overlap-param-gather") && !(l.has("--use-distributed-optimizer") && l.has("--overlap-grad-reduce"))) {
            bad.add("--overlap-param-gather only supported with distributed optimizer and --overlap-grad-reduce");
        }
        // arguments.py: --use-torch-fsdp2
        if (l.has("--use-torch-fsdp2")) {
            if (pp != 1) {
                bad.add("--use-torch-fsdp2 is not supported with pipeline parallelism");
            }
            if (ep != 1) {
                bad.add("--use-torch-fsdp2 is not supported with expert parallelism");
            }
            if (l.has("--use-distributed-optimizer")) {
                bad.add("--use-torch-fsdp2 is not supported with MCore's distributed optimizer");
            }
            if (!l.has("--no-gradient-accumulation-fusion")) {
                bad.add("--use-torch-fsdp2 is not supported with gradient accumulation fusion");
            }
            String ckpt = l.args().getOrDefault("--ckpt-format", "torch_dist");
            if (!ckpt.equals("torch_dist") && !ckpt.equals("torch_dcp")) {
                bad.add("--use-torch-fsdp2 requires --ckpt-format torch_dist or torch_dcp");
            }
            if (!l.has("--untie-embeddings-and-output-weights")) {
                bad.add("--use-torch-fsdp2 requires --untie-embeddings-and-output-weights");
            }
            if (l.has("--fp16")) {
                bad.add("--use-torch-fsdp2 not supported with fp16 yet");
            }
            if ("1".equals(l.env().get("CUDA_DEVICE_MAX_CONNECTIONS"))) {
                bad.add("FSDP always requires CUDA_DEVICE_MAX_CONNECTIONS value large than one");
            }
        } else if (tp > 1 && !"1".equals(l.env().get("CUDA_DEVICE_MAX_CONNECTIONS"))) {
            bad.add("Using tensor model parallelism or context parallelism require setting the environment variable "
                    + "CUDA_DEVICE_MAX_CONNECTIONS to 1");
        }
        // arguments.py validate_args: sequence parallelism is switched off at TP 1, and --tp-comm-overlap asserts it
        if (l.has("--tp-comm-overlap")) {
            if (!(l.has("--sequence-parallel") && tp > 1)) {
                bad.add("Tensor parallel communication/GEMM overlap can happen only when sequence parallelism is "
                        + "enabled");
            }
            // initialize.py _initialize_tp_communicators: userbuffers come from Transformer Engine
            if (!"transformer_engine".equals(l.args().getOrDefault("--transformer-impl", "transformer_engine"))) {
                bad.add("Tensor Parallel Communication/GEMM Overlap optimization needs 'yaml' and "
                        + "'transformer_engine' packages");
            }
        }
        if (l.has("--fp16") && l.has("--bf16")) {
            bad.add("fp16 and bf16 together");
        }
        // TransformerConfig: recomputation
        String gran = l.args().get("--recompute-granularity");
        if ("selective".equals(gran) && (l.has("--recompute-method") || l.has("--recompute-num-layers"))) {
            bad.add("recompute method is not yet supported for selective recomputing granularity");
        }
        if ("full".equals(gran)) {
            String method = l.args().get("--recompute-method");
            if (!"uniform".equals(method) && !"block".equals(method)) {
                bad.add("Using recompute_granularity: full so recompute_method must be \"block\" or \"uniform\"");
            }
            if (!l.has("--recompute-num-layers")) {
                bad.add("When using recompute_granularity: full recompute_num_layers must be between 1 and "
                        + "num_layers_per_pipeline_rank");
            }
        }
        // arguments.py: expert parallelism
        if (ep > 1) {
            if (!l.has("--num-experts")) {
                bad.add("num_experts must be non None to use expert model parallelism");
            } else if (l.num("--num-experts") % ep != 0) {
                bad.add("Number of experts should be a multiple of expert model parallel_size.");
            }
            if (l.has("--fp16")) {
                bad.add("Expert parallelism is not supported with fp16 training.");
            }
        }
        // arguments.py: sequence length vs positions; TransformerConfig: heads and query groups vs TP
        if (l.num("--max-position-embeddings") < l.num("--seq-length")) {
            bad.add("max_position_embeddings must be greater than or equal to seq_length");
        }
        if (l.num("--hidden-size") % heads != 0) {
            bad.add("hidden size must be divisible by num_attention_heads");
        }
        if (heads % tp != 0) {
            bad.add("num_attention_heads (" + heads + ") must be a multiple of tensor_model_parallel_size (" + tp
                    + ")");
        }
        int groups = l.num("--num-query-groups", heads);
        if (groups % tp != 0 && tp % groups != 0) {
            bad.add("num_query_groups must be a multiple or divisor of tensor_model_parallel_size");
        }
        // current Megatron-LM picks the attention kernel; --use-flash-attn is a dead flag
        if (l.has("--use-flash-attn")) {
            bad.add("--use-flash-attn has no effect in Megatron Core models");
        }
        return bad;
    }

    /** Megatron-LM's layout syntax: {@code |} between stages, {@code x*n} and {@code (...)*n} repeat, commas ignored. */
    static List<String> layoutStages(String layout) {
        String s = layout.replace(",", "");
        Pattern group = Pattern.compile("\\(([^)]+)\\)\\*(\\d+)");
        Matcher m = group.matcher(s);
        while (m.find()) {
            s = s.substring(0, m.start()) + m.group(1).repeat(Integer.parseInt(m.group(2))) + s.substring(m.end());
            m = group.matcher(s);
        }
        Pattern one = Pattern.compile("(.)\\*(\\d+)");
        m = one.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, m.group(1).repeat(Integer.parseInt(m.group(2))));
        }
        m.appendTail(sb);
        return List.of(sb.toString().split("\\|", -1));
    }

    private static PlanRequest request(String model, String cluster, int batch) {
        return PlanRequest.of(ModelFiles.resolve(model), ClusterFiles.resolve(cluster), batch);
    }

    /** Every transformer example of {@code examples/planner/README.md}, and presets on their published clusters. */
    static Stream<Arguments> examples() {
        Path ex = Path.of("..", "examples", "planner");
        return Stream.of(
                Arguments.of(ex.resolve("gpt-13b.json").toString(), ex.resolve("mixed-a100-h100.json").toString(),
                        1024),
                Arguments.of(ex.resolve("moe-gpt.json").toString(), "dgx-h100:16", 1024),
                Arguments.of(ex.resolve("gpt-350m.json").toString(), ex.resolve("ethernet-a10.json").toString(), 64),
                Arguments.of("megatron-1t", "dgx-a100:384", 3072),
                Arguments.of("llama3-405b", "dgx-h100:1024", 2048),
                Arguments.of("megatron-1.7b", "dgx-a100:4", 512),
                Arguments.of("llama3-405b", "dgx-h100:128", 512),
                Arguments.of("mixtral-8x7b", "dgx-h100:8", 256));
    }

    @Test
    void everyModelFileOfTheExamplesFolderIsCovered() throws java.io.IOException {
        // Prepare: the model files of examples/planner/ (a "type" key; the other files are clusters)
        Path ex = Path.of("..", "examples", "planner");
        List<String> models = new ArrayList<>();
        try (Stream<Path> files = java.nio.file.Files.list(ex)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                if (java.nio.file.Files.readString(f).contains("\"type\"")) {
                    models.add(f.toString());
                }
            }
        }
        List<String> covered = new ArrayList<>(examples().map(a -> (String) a.get()[0]).toList());
        // the layer-list example is not a Megatron-LM model: theLayerListExampleIsNotOfferedToMegatronAndSaysWhy
        covered.add(ex.resolve("layers-cnn.json").toString());

        // Assert
        assertEquals(4, models.size(), models.toString());
        for (String m : models) {
            assertTrue(covered.contains(m), m + " has no export rule test");
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("examples")
    void bestMegatronPlanOfEveryExamplePassesTheValidation(String model, String cluster, int batch) {
        // Prepare
        PlanRequest any = request(model, cluster, batch);
        PlanRequest req = any.withSpace(SearchSpace.defaults().withTarget(LaunchTarget.MEGATRON));

        // Execute
        Plan best = Planner.search(req, 1).best();
        String script = new MegatronExporter().export(req, best);

        // Assert
        assertTrue(LaunchTarget.MEGATRON.runs(req.model(), best.config()), best.config().label());
        assertEquals(List.of(), violations(script), script);
        assertTrue(best.iterationSeconds() >= Planner.search(any, 1).best().iterationSeconds() * (1 - 1e-12),
                "restricting to Megatron-LM cannot find a faster plan");
        assertTrue(script.contains(String.format(java.util.Locale.ROOT, "%.3f s per iteration",
                best.iterationSeconds())), "the header predicts what is exported");
    }

    @Test
    void theLayerListExampleIsNotOfferedToMegatronAndSaysWhy() {
        // Prepare
        PlanRequest req = request(Path.of("..", "examples", "planner", "layers-cnn.json").toString(), "dgx-a100:1",
                256).withSpace(SearchSpace.defaults().withTarget(LaunchTarget.MEGATRON));

        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Planner.search(req, 1));

        // Assert
        assertTrue(e.getMessage().contains("target megatron: Megatron-LM trains transformer models"), e.getMessage());
    }

    /** Plans that exercise each export path: FSDP2, interleaving, uneven stages, the layout string. */
    static Stream<Arguments> plans() {
        return Stream.of(
                Arguments.of("llama2-7b", "dgx-a100:4", 256, "tp=1,pp=1,mb=2,recompute=full,zero=3,overlap=true"),
                Arguments.of("megatron-1t", "dgx-a100:384", 3072,
                        "tp=8,pp=64,dp=6,mb=1,schedule=interleaved,v=2,recompute=full,zero=1,sp=true,overlap=true"),
                Arguments.of("llama3-405b", "dgx-h100:128", 512,
                        "tp=8,pp=16,mb=1,schedule=interleaved,v=8,recompute=full,zero=1,sp=true,layout=7/8x14/7"),
                Arguments.of("llama3-405b", "dgx-h100:128", 512,
                        "tp=8,pp=16,mb=1,schedule=1f1b,recompute=full,zero=1,sp=true,layout=7/8x14/7"),
                Arguments.of("megatron-39.1b", "dgx-a100:8", 512,
                        "tp=8,pp=8,mb=1,schedule=interleaved,v=2,recompute=full,layout=4x2/6x2/8x2/6x2"),
                Arguments.of("megatron-39.1b", "dgx-a100:8", 512,
                        "tp=8,pp=8,mb=1,schedule=1f1b,recompute=selective,sp=true,layout=5/7/6/6/6/6/6/6"),
                Arguments.of("megatron-145.6b", "dgx-a100:8", 512,
                        "tp=8,pp=8,mb=1,schedule=interleaved,v=2,recompute=full,sp=true,layout=4/12x6/4"),
                Arguments.of("mixtral-8x7b", "dgx-h100:8", 256,
                        "tp=2,pp=4,ep=8,mb=1,schedule=interleaved,v=2,recompute=selective,zero=1,sp=true"));
    }

    @ParameterizedTest(name = "{0}: {3}")
    @MethodSource("plans")
    void exportedArgumentsPassTheValidation(String model, String cluster, int batch, String config) {
        // Prepare
        PlanRequest req = request(model, cluster, batch);
        Plan plan = Planner.evaluate(req, ConfigText.parse(config, req.cluster().gpus()));

        // Execute
        String script = new MegatronExporter().export(req, plan);

        // Assert
        assertEquals(List.of(), violations(script), script);
    }

    @Test
    void llama3LayoutPutsOneFewerLayerNextToTheEmbeddingAndTheLoss() {
        String layout = MegatronExporter.layoutString(ConfigText.parse("tp=8,pp=16,layout=7/8x14/7", 128)
                .layerSplit(), 8);

        List<String> stages = layoutStages(layout.replace("\"", ""));

        assertEquals(128, stages.size());
        assertEquals("E", stages.get(0), "device 0's first chunk holds only the embedding");
        assertEquals("t", stages.get(16), "device 0's second chunk holds one layer");
        assertEquals("L", stages.get(127), "the last device's last chunk holds only the loss");
        assertEquals(126, String.join("", stages).chars().filter(c -> c == 't').count());
    }

    @Test
    void theRulesCatchWhatTheOldExportWrote() {
        // the ZeRO-3 export before this change: FSDP2 without its companions, and flash attention's dead flag
        String old = """
                torchrun --nnodes 1 --nproc-per-node 8 \\
                  pretrain_gpt.py \\
                  --num-layers 24 \\
                  --hidden-size 2304 \\
                  --num-attention-heads 24 \\
                  --seq-length 2048 \\
                  --max-position-embeddings 2048 \\
                  --use-flash-attn \\
                  --micro-batch-size 1 \\
                  --global-batch-size 64 \\
                  --tensor-model-parallel-size 1 \\
                  --pipeline-model-parallel-size 1 \\
                  --use-torch-fsdp2 \\
                  --bf16 \\
                  ${EXTRA_ARGS:-}
                """;

        List<String> bad = violations(old);

        assertTrue(bad.contains("--use-torch-fsdp2 requires --untie-embeddings-and-output-weights"), bad.toString());
        assertTrue(bad.contains("--use-torch-fsdp2 is not supported with gradient accumulation fusion"),
                bad.toString());
        assertTrue(bad.contains("--use-flash-attn has no effect in Megatron Core models"), bad.toString());
    }

    @Test
    void plansMegatronCannotRunAreRefusedWithTheReason() {
        PlanRequest req = request("megatron-1t", "dgx-a100:384", 3072);
        Plan zbv = Planner.evaluate(req, ConfigText.parse("tp=8,pp=16,mb=1,schedule=zb-v,v=2,recompute=selective,"
                + "zero=1,sp=true", 3072));
        PlanRequest small = request("megatron-1.7b", "dgx-a100:1", 64);
        Plan fsdpTied = Planner.evaluate(small, ConfigText.parse("zero=3,mb=1", 8));

        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class,
                () -> new MegatronExporter().export(req, zbv));
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> new MegatronExporter().export(small, fsdpTied));

        assertTrue(e1.getMessage().contains("schedule zb-v is not in Megatron-LM"), e1.getMessage());
        assertTrue(e1.getMessage().contains("--target megatron"), e1.getMessage());
        assertTrue(e2.getMessage().contains("requires untied embeddings"), e2.getMessage());
    }

    @Test
    void theTpOverlapStackExportsTpCommOverlapAndTheDefaultStackDoesNot() {
        // Prepare: the same TP 8 + SP plan on both stacks (same compute factor; only the overlap differs)
        PlanRequest core = request("megatron-1t", "dgx-a100:384", 3072);
        PlanRequest overlap = core.withStack(SoftwareStack.get("megatron-core-tp-overlap"));
        String config = "tp=8,pp=64,dp=6,mb=1,schedule=interleaved,v=2,recompute=full,zero=1,sp=true,overlap=true";
        Plan plain = Planner.evaluate(core, ConfigText.parse(config, 3072));
        Plan hidden = Planner.evaluate(overlap, ConfigText.parse(config, 3072));

        // Execute
        String withFlag = new MegatronExporter().export(overlap, hidden);
        String without = new MegatronExporter().export(core, plain);

        // Assert
        assertTrue(parse(withFlag).has("--tp-comm-overlap"), withFlag);
        assertEquals("transformer_engine", parse(withFlag).args().get("--transformer-impl"), withFlag);
        assertTrue(!parse(without).has("--tp-comm-overlap"), without);
        assertEquals(List.of(), violations(withFlag), withFlag);
        assertEquals(List.of(), violations(without), without);
        assertTrue(hidden.iterationSeconds() < plain.iterationSeconds(), "the overlap is in the prediction");
        assertTrue(withFlag.contains(String.format(java.util.Locale.ROOT, "%.3f s per iteration",
                hidden.iterationSeconds())), "the header predicts what is exported");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("noOverlapConfigs")
    void aTpOverlapPlanMegatronCannotOverlapIsPredictedAndExportedWithoutIt(String config) {
        // Prepare: TP 1, or TP 8 without sequence parallelism: Megatron-LM rejects --tp-comm-overlap for both
        PlanRequest core = request("megatron-39.1b", "dgx-a100:8", 512);
        PlanRequest overlap = core.withStack(SoftwareStack.get("megatron-core-tp-overlap"));
        Plan plain = Planner.evaluate(core, ConfigText.parse(config, 64));
        Plan asked = Planner.evaluate(overlap, ConfigText.parse(config, 64));

        // Execute
        String script = new MegatronExporter().export(overlap, asked);

        // Assert
        assertTrue(!parse(script).has("--tp-comm-overlap"), script);
        assertEquals(List.of(), violations(script), script);
        assertEquals(plain.iterationSeconds(), asked.iterationSeconds(), 0.0, "predicted without overlap");
        assertTrue(script.contains("# NOTE: no --tp-comm-overlap"), script);
    }

    static Stream<String> noOverlapConfigs() {
        return Stream.of("tp=8,pp=8,mb=1,schedule=1f1b,recompute=full,sp=false",
                "tp=1,pp=8,mb=1,schedule=1f1b,recompute=full,zero=1");
    }

    @Test
    void bestMegatronPlanOnTheTpOverlapStackPassesTheValidation() {
        // Prepare
        PlanRequest req = request("llama3-405b", "dgx-h100:128", 512)
                .withStack(SoftwareStack.get("megatron-core-tp-overlap"))
                .withSpace(SearchSpace.defaults().withTarget(LaunchTarget.MEGATRON));

        // Execute
        Plan best = Planner.search(req, 1).best();
        String script = new MegatronExporter().export(req, best);

        // Assert
        assertEquals(List.of(), violations(script), script);
        assertEquals(req.stack().overlapsTpCommunication(best.config().tp(), best.config().sequenceParallel()),
                parse(script).has("--tp-comm-overlap"), script);
    }

    @Test
    void theRulesCatchTpCommOverlapWithoutSequenceParallelismOrTransformerEngine() {
        String base = """
                export CUDA_DEVICE_MAX_CONNECTIONS=1
                torchrun --nnodes 1 --nproc-per-node 8 \\
                  pretrain_gpt.py \\
                  --num-layers 24 \\
                  --hidden-size 2304 \\
                  --num-attention-heads 24 \\
                  --seq-length 2048 \\
                  --max-position-embeddings 2048 \\
                  --micro-batch-size 1 \\
                  --global-batch-size 64 \\
                  --tensor-model-parallel-size @TP@ \\
                  --pipeline-model-parallel-size 1 \\
                  @MORE@ \\
                  --tp-comm-overlap \\
                  --bf16 \\
                  ${EXTRA_ARGS:-}
                """;
        String sp = "Tensor parallel communication/GEMM overlap can happen only when sequence parallelism is enabled";
        String te = "Tensor Parallel Communication/GEMM Overlap optimization needs 'yaml' and 'transformer_engine' "
                + "packages";

        List<String> noSp = violations(base.replace("@TP@", "8").replace("@MORE@",
                "--transformer-impl transformer_engine"));
        List<String> tp1 = violations(base.replace("@TP@", "1").replace("@MORE@", "--sequence-parallel"));
        List<String> local = violations(base.replace("@TP@", "8").replace("@MORE@",
                "--sequence-parallel --transformer-impl local"));
        List<String> fine = violations(base.replace("@TP@", "8").replace("@MORE@", "--sequence-parallel"));

        assertEquals(List.of(sp), noSp);
        assertEquals(List.of(sp), tp1);
        assertEquals(List.of(te), local);
        assertEquals(List.of(), fine);
    }
}
