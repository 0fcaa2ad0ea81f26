package org.dml4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.dml4j.cli.config.ConfigTree;
import org.dml4j.compress.AccordionConfig;
import org.dml4j.compress.CastCompressor;
import org.dml4j.compress.CompressorConfig;
import org.dml4j.compress.CompressorProvider;
import org.dml4j.compress.CompressorState;
import org.dml4j.compress.Compressors;
import org.dml4j.compress.DgcConfig;
import org.dml4j.compress.ErrorFeedback;
import org.dml4j.compress.GammaFedHtConfig;
import org.dml4j.compress.GradientCompressor;
import org.dml4j.compress.IdentityCompressor;
import org.dml4j.compress.PowerSgdConfig;
import org.dml4j.compress.QsgdConfig;
import org.dml4j.compress.RandKConfig;
import org.dml4j.compress.SignConfig;
import org.dml4j.compress.TernGradConfig;
import org.dml4j.compress.ThresholdConfig;
import org.dml4j.compress.TopKConfig;
import org.dml4j.compress.UpdateCodec;
import org.dml4j.compress.UpdateLayout;
import org.junit.jupiter.api.Test;

/**
 * A {@code [compressor]} table that gives only the required keys builds the same compressor as the Java factory
 * ({@code TopKConfig.ofRatio}, {@code PowerSgdConfig.of}, ...): the same bound record and the same bytes on the wire.
 */
class CompressorDefaultsTest {
    /** The required keys of every compressor type in TOML, and the factory config they must equal. */
    private static Map<String, Case> cases() {
        double[] rates = {0.1, 0.05, 0.025};
        Map<String, Case> m = new LinkedHashMap<>();
        m.put("accordion", new Case("compressor = \"topk\"\nconservative = 0.5\naggressive = 0.1",
                AccordionConfig.topk(0.5, 0.1)));
        m.put("bf16", new Case("", new CastCompressor.Bf16Config(false)));
        m.put("dgc", new Case("ratio = 0.1", DgcConfig.of(0.1)));
        m.put("fp16", new Case("", new CastCompressor.Fp16Config(false)));
        m.put("gamma-fedht", new Case("lambda0 = 0.05\nalpha = 1\nrates = [0.1, 0.05, 0.025]",
                GammaFedHtConfig.of(0.05, 1, rates)));
        m.put("identity", new Case("", new IdentityCompressor.IdentityConfig()));
        m.put("powersgd", new Case("rank = 2", PowerSgdConfig.of(2)));
        m.put("qsgd", new Case("levels = 3", QsgdConfig.of(3, null)));
        m.put("randk", new Case("ratio = 0.1", RandKConfig.ofRatio(0.1, false)));
        m.put("sign", new Case("", SignConfig.scaled(false)));
        m.put("terngrad", new Case("", TernGradConfig.unbiased()));
        m.put("threshold", new Case("threshold = 0.5", ThresholdConfig.of(0.5)));
        m.put("topk", new Case("ratio = 0.1", TopKConfig.ofRatio(0.1)));
        return m;
    }

    private record Case(String keys, CompressorConfig factory) {
    }

    @Test
    void tomlAndFactoryDefaultsAgreeForEveryCompressor() {
        Map<String, Case> cases = cases();
        assertEquals(Compressors.names(), cases.keySet().stream().sorted().toList(),
                "every registered compressor needs a case here");
        UpdateLayout layout = new UpdateLayout(new int[][] {{12, 10}, {10}, {8, 6}});
        for (Map.Entry<String, Case> e : cases.entrySet()) {
            String type = e.getKey();
            ConfigTree tree = ConfigTree.parse("[compressor]\ntype = \"" + type + "\"\n" + e.getValue().keys(),
                    type + ".toml");
            Map<String, Object> table = ConfigTree.plain(tree.table("compressor"));
            CompressorConfig factory = e.getValue().factory();
            CompressorConfig bound = Compressors.bind(CompressorProvider.REGISTRY.get(type).configType(), table);
            assertSameComponents(type, factory, bound);

            GradientCompressor fromToml = Compressors.create(type, table);
            GradientCompressor fromJava = Compressors.create(factory);
            assertEquals(fromJava instanceof ErrorFeedback, fromToml instanceof ErrorFeedback,
                    type + ": error feedback differs");
            CompressorState a = fromToml.newState(layout, new SplittableRandom(5));
            CompressorState b = fromJava.newState(layout, new SplittableRandom(5));
            SplittableRandom data = new SplittableRandom(9);
            for (int round = 0; round < 3; round++) {
                float[] g = new float[layout.dim()];
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) data.nextGaussian();
                }
                a.beginRound(round);
                b.beginRound(round);
                assertArrayEquals(UpdateCodec.encode(b.compress(g)), UpdateCodec.encode(a.compress(g)),
                        type + ": round " + round + " differs");
            }
        }
    }

    @Test
    void powerSgdUsesErrorFeedbackFromAFile() {
        ConfigTree tree = ConfigTree.parse("[compressor]\ntype = \"powersgd\"\nrank = 1", "p.toml");
        assertTrue(Compressors.create("powersgd", ConfigTree.plain(tree.table("compressor")))
                instanceof ErrorFeedback);
    }

    private static void assertSameComponents(String type, CompressorConfig want, CompressorConfig got) {
        assertEquals(want.getClass(), got.getClass(), type);
        for (RecordComponent c : want.getClass().getRecordComponents()) {
            try {
                Object w = c.getAccessor().invoke(want);
                Object g = c.getAccessor().invoke(got);
                assertTrue(Arrays.deepEquals(new Object[] {w}, new Object[] {g}),
                        type + "." + c.getName() + ": factory " + Arrays.deepToString(new Object[] {w}) + ", TOML "
                                + Arrays.deepToString(new Object[] {g}));
            } catch (ReflectiveOperationException ex) {
                throw new AssertionError(ex);
            }
        }
    }
}
