package io.github.sysched.scoring;

/**
 * One node as the engine sees it at one moment.
 *
 * @param podCount       k, the pods counted on the node
 * @param attackSurface  |U|, the syscalls that some pod on the node may make
 * @param podWeightSum   Σᵢ w(Sᵢ)
 * @param exs            the node's own ExS, Σᵢ w(U ∖ Sᵢ) = k·w(U) − Σᵢ w(Sᵢ)
 */
public record NodeSnapshot(String nodeName, int podCount, int attackSurface, long podWeightSum, long exs) {}
