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
 */
public record RoundMetrics(int round, int clients, int failed, double learningRate, double trainLoss,
                           double testLoss, double testAccuracy, long elementsUp, long bytesUp, double densityUp,
                           long elementsDown, long bytesDown, double densityDown, long totalBytesUp,
                           long totalBytesDown, double simSeconds) {
    /** @return total bytes on the wire so far, both directions */
    public long totalBytes() {
        return totalBytesUp + totalBytesDown;
    }
}
