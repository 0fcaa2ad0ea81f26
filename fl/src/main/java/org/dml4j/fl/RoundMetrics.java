package org.dml4j.fl;

/**
 * What one model version did (a round of a synchronous strategy, one server update of an asynchronous one).
 * Everything here is deterministic given the seed (wall-clock time is kept elsewhere), so a metrics file written from
 * these records is byte-identical across thread counts.
 *
 * @param round          the version made, from 1
 * @param clients        tasks dispatched since the previous version
 * @param failed         tasks that failed, were lost or were cancelled since the previous version
 * @param learningRate   local learning rate of the first task dispatched since the previous version (NaN if none)
 * @param trainLoss      mean local training loss over the applied replies, sample-weighted
 * @param testLoss       loss of the new global model on the test set (NaN when not evaluated this round)
 * @param testAccuracy   its accuracy (NaN when not evaluated)
 * @param elementsUp     values sent by clients
 * @param bytesUp        bytes sent by clients
 * @param densityUp      the realised uplink ratio: values sent over the dense values of the successful replies
 *                       (0.01 for Top-k 1%; 1 for dense, cast and quantized updates)
 * @param elementsDown   values sent to clients
 * @param bytesDown      bytes sent to clients
 * @param densityDown    the realised downlink ratio: values sent over the dense values of the model broadcasts
 * @param totalBytesUp   bytes sent by clients up to and including this round
 * @param totalBytesDown bytes sent to clients up to and including this round
 * @param simSeconds     the run's clock when the version was made (virtual seconds in the simulator)
 * @param wanBytes       bytes that crossed a WAN link (between regions, or between an edge and the cloud) since the
 *                       previous version, both directions; 0 where the run has no WAN
 */
public record RoundMetrics(int round, int clients, int failed, double learningRate, double trainLoss,
                           double testLoss, double testAccuracy, long elementsUp, long bytesUp, double densityUp,
                           long elementsDown, long bytesDown, double densityDown, long totalBytesUp,
                           long totalBytesDown, double simSeconds, long wanBytes) {
    /**
     * A row of a run without a WAN ({@code wanBytes} 0).
     *
     * @param round          the version made
     * @param clients        tasks dispatched
     * @param failed         tasks failed
     * @param learningRate   local learning rate
     * @param trainLoss      mean training loss
     * @param testLoss       test loss
     * @param testAccuracy   test accuracy
     * @param elementsUp     values sent by clients
     * @param bytesUp        bytes sent by clients
     * @param densityUp      realised uplink ratio
     * @param elementsDown   values sent to clients
     * @param bytesDown      bytes sent to clients
     * @param densityDown    realised downlink ratio
     * @param totalBytesUp   cumulative bytes up
     * @param totalBytesDown cumulative bytes down
     * @param simSeconds     the run's clock
     */
    public RoundMetrics(int round, int clients, int failed, double learningRate, double trainLoss, double testLoss,
                        double testAccuracy, long elementsUp, long bytesUp, double densityUp, long elementsDown,
                        long bytesDown, double densityDown, long totalBytesUp, long totalBytesDown,
                        double simSeconds) {
        this(round, clients, failed, learningRate, trainLoss, testLoss, testAccuracy, elementsUp, bytesUp, densityUp,
                elementsDown, bytesDown, densityDown, totalBytesUp, totalBytesDown, simSeconds, 0L);
    }

    /**
     * @param seconds the clock value
     * @return this row with that clock value
     */
    public RoundMetrics withSimSeconds(double seconds) {
        return new RoundMetrics(round, clients, failed, learningRate, trainLoss, testLoss, testAccuracy, elementsUp,
                bytesUp, densityUp, elementsDown, bytesDown, densityDown, totalBytesUp, totalBytesDown, seconds,
                wanBytes);
    }

    /**
     * @param bytes bytes that crossed the WAN since the previous version
     * @return this row with that count
     */
    public RoundMetrics withWanBytes(long bytes) {
        return new RoundMetrics(round, clients, failed, learningRate, trainLoss, testLoss, testAccuracy, elementsUp,
                bytesUp, densityUp, elementsDown, bytesDown, densityDown, totalBytesUp, totalBytesDown, simSeconds,
                bytes);
    }

    /** @return total bytes on the wire so far, both directions */
    public long totalBytes() {
        return totalBytesUp + totalBytesDown;
    }
}
