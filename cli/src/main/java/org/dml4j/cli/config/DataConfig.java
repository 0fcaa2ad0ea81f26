package org.dml4j.cli.config;

/**
 * The {@code [data]} table of an experiment file.
 *
 * @param dataset  the data set's name in the catalog (required), e.g. {@code "fashion-mnist"}
 * @param path     a folder or file holding it, or null to look it up (see {@code dml4j datasets})
 * @param maxTrain use the first this many training samples, or null for all
 * @param maxTest  use the first this many test samples, or null for all
 */
public record DataConfig(String dataset, String path, Integer maxTrain, Integer maxTest) {
    /** Validates, naming the key and the value. */
    public DataConfig {
        if (dataset == null) {
            throw new IllegalArgumentException("needs dataset = \"...\" (e.g. \"fashion-mnist\")");
        }
        if (maxTrain != null) {
            RunConfig.atLeastOne("max-train", maxTrain);
        }
        if (maxTest != null) {
            RunConfig.atLeastOne("max-test", maxTest);
        }
    }

    /** @return the training samples to use */
    public int trainLimit() {
        return maxTrain == null ? Integer.MAX_VALUE : maxTrain;
    }

    /** @return the test samples to use */
    public int testLimit() {
        return maxTest == null ? Integer.MAX_VALUE : maxTest;
    }
}
