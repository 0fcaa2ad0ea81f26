package org.dml4j.planner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dml4j.planner.cluster.ClusterPresets;
import org.dml4j.planner.model.ModelPresets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code --evaluate} plan text: every key, its defaults, the round trip and errors that name the key. */
class ConfigTextTest {
    @Test
    void readsTheIssuesExample() {
        ParallelConfig c = ConfigText.parse("tp=8,pp=64,dp=6,mb=1,schedule=interleaved,v=2,recompute=full,zero=1,"
                + "sp=true", 3072);

        assertEquals(new ParallelConfig(8, 64, 6, 1, 1, "interleaved", 2, Recompute.FULL, 1, true,
                GradientCompression.NONE, false, null), c);
    }

    @Test
    void defaultsDpFromTheClusterAndTheScheduleFromPp() {
        ParallelConfig flat = ConfigText.parse("tp=2", 16);
        ParallelConfig piped = ConfigText.parse("tp=2, pp=4", 16);

        assertEquals(8, flat.dp());
        assertEquals(ParallelConfig.NO_PIPELINE, flat.schedule());
        assertEquals(2, piped.dp());
        assertEquals("1f1b", piped.schedule());
        assertEquals(Recompute.NONE, piped.recompute());
    }

    @Test
    void layoutWithRepeatsIsBlocksPerStage() {
        ParallelConfig c = ConfigText.parse("tp=8,pp=16,dp=8,schedule=interleaved,v=8,layout=7/8x14/7", 1024);

        int[] split = c.layerSplit();
        assertEquals(16, split.length);
        assertEquals(7, split[0]);
        assertEquals(8, split[7]);
        assertEquals(7, split[15]);
        assertEquals(126, java.util.Arrays.stream(split).sum());
    }

    @Test
    void formatIsReadBackToTheSameConfiguration() {
        ParallelConfig c = new ParallelConfig(4, 3, 2, 2, 2, "zb-v", 2, Recompute.SELECTIVE, 1, true,
                GradientCompression.NONE, true, new int[] {10, 12, 12});

        ParallelConfig back = ConfigText.parse(ConfigText.format(c), 24);

        assertEquals(c, back);
        assertArrayEquals(c.layerSplit(), back.layerSplit());
        assertTrue(ConfigText.format(c).contains("layout=10/12x2"), ConfigText.format(c));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "tp=8,foo=3|unknown key 'foo'",
        "tp=eight|tp must be an integer, got 'eight'",
        "tp=8,tp=4|key 'tp' given twice",
        "tp=8,sp=maybe|sp must be true or false, got 'maybe'",
        "tp=8,recompute=half|recompute: unknown value 'half'",
        "tp=8,pp=2,layout=3/x|layout entry 'x'",
        "tp=8,pp=2,layout=3/3/3|has 3 stages but pp = 2",
        "tp=3|tp x pp = 3 does not divide the cluster's 16 GPUs",
        "tp=0,dp=1|tp must be >= 1, got 0",
        "pp|'pp' is not key=value",
        "zero=5|zero stage must be 0, 1, 2 or 3, got 5",
        "compression=gzip|gzip"})
    void badInputNamesTheKeyAndValue(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigText.parse(text, 16));

        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void llama3LayoutWithUnevenFirstAndLastStagesIsEvaluated() {
        // Dubey et al. 2024, section 3.3.2: 126 layers, one fewer on the first and the last of 16 stages
        PlanRequest req = PlanRequest.of(ModelPresets.get("llama3-405b"), ClusterPresets.get("dgx-h100:128"), 512);
        ParallelConfig c = ConfigText.parse("tp=8,pp=16,mb=1,schedule=interleaved,v=8,recompute=full,zero=1,"
                + "sp=true,layout=7/8x14/7", 1024);

        Plan p = Planner.evaluate(req, c);

        assertEquals(7, p.stages().get(0).blocks());
        assertEquals(8, p.stages().get(1).blocks());
        assertEquals(7, p.stages().get(15).blocks());
        assertTrue(p.tflopsPerGpu() > 0 && p.mfu() < 1, p.summary());
    }
}
