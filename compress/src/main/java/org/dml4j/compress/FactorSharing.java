package org.dml4j.compress;

/**
 * A PowerSGD state in the paper's all-reduce form ({@code shared-q = true}, {@link PowerSgdCompressor}): the workers
 * share one Q, all-reduce {@code P = M Q}, orthonormalize the mean identically, send {@code Q = Mᵀ P̂}, and all-reduce
 * that Q as the next round's warm start. Call order per round, on every worker with the same update it will
 * compress: {@link #localP}; the mean of all workers' arrays (an all-reduce, element by element) to
 * {@link #setSharedP}; {@link CompressorState#compress}; after aggregation, the mean of the workers' Q factors to
 * {@link #setSharedQ}. The mean of the decoded updates is then the paper's {@code P̂ Q̄ᵀ}. {@link ErrorFeedback} states
 * forward every call, applied to residual plus update. (Driven this way the replies carry P̂ and Q; the states'
 * {@link RoundExchange} makes the same two all-reduces before {@code compress}, and its replies carry neither.)
 *
 * <p>Arrays hold the factored layers one after the other, in layer order: rank columns of {@code rows} values for
 * P, rank columns of {@code cols} values for Q (the layout of {@link LowRankUpdate.Factored}).
 */
public interface FactorSharing {
    /**
     * @param update the update the next {@code compress} will get; read only
     * @return {@code M Q} of every factored layer with the current Q (a new array)
     * @throws IllegalArgumentException when the length differs from the state's dimension
     */
    float[] localP(float[] update);

    /**
     * Makes the next {@code compress} (only) use {@code orthonormalize(meanP)} as its P̂ instead of its own.
     *
     * @param meanP the mean of every worker's {@link #localP}; copied
     * @throws IllegalArgumentException when the length is wrong or a value is not finite
     */
    void setSharedP(float[] meanP);

    /**
     * Installs the round's shared Q (the mean of the workers' Q factors) as the warm start of the next round.
     *
     * @param meanQ one value per Q entry of the factored layers; copied
     * @throws IllegalArgumentException when the length is wrong or a value is not finite
     */
    void setSharedQ(float[] meanQ);

    /** @return the current Q of every factored layer (a copy): the next round's starting point */
    float[] q();
}
