package io.github.sysched.scoring;

/**
 * The extender's second scoring: rank the candidate nodes by the exposure placing the pod there <em>adds</em>, with
 * an opening cost for empty nodes, and spend the extender's 11 levels (0..10) where the candidates differ.
 *
 * <p>Why not upstream's score ({@link ExsNormalizer}): its raw value is the node's ExS <em>after</em> the placement,
 * 0 on an empty node and 0 on a node of identical pods, and {@code 100 − 100·raw/max} then rounds most candidates
 * into the top levels. On a real kube-scheduler (issue 15) 194 of 234 pods tied at the extender's best score and
 * kube-scheduler's own plugins (LeastAllocated: the emptiest node) or its random tie-break decided.
 *
 * <p>Here, for a candidate with k pods (union U) and the incoming set P:
 * <ul>
 *   <li>an occupied node costs its marginal ExS, {@code k·w(P ∖ U) + w(U ∖ P)} ({@link ExsEngine#marginalScores});
 *       0 when every pod there allows exactly what P allows, so such a node beats an empty one;</li>
 *   <li>an empty node costs {@code openingCost}: joining a node whose pods are this similar or closer is preferred
 *       to starting a new one, which future pods would have to join;</li>
 *   <li>levels are dense ranks: the cheapest candidates get 10, the next distinct cost 9, …, the eleventh and
 *       beyond 0. kube-scheduler adds level × weight × 10 to its own 0..100 plugin scores, so one level is worth
 *       10 points at weight 1: more than its LeastAllocated score moves per pod on a node.</li>
 * </ul>
 * Pure: the extender ({@code ExtenderService}) and the simulator call the same code.
 */
public final class MarginalExs {

    /** The default opening cost, in (weighted) syscalls: see docs/PLACEMENT.md for the sweep that chose it. */
    public static final long DEFAULT_OPENING_COST = 20;

    private MarginalExs() {}

    /** Cost per candidate (lower is better): the marginal ExS, or {@code openingCost} for an empty node. */
    public static long[] costs(long[] marginal, int[] podCounts, long openingCost) {
        if (marginal.length != podCounts.length) {
            throw new IllegalArgumentException("one marginal score and one pod count per node");
        }
        if (openingCost < 0) {
            throw new IllegalArgumentException("opening cost cannot be negative: " + openingCost);
        }
        long[] costs = new long[marginal.length];
        for (int i = 0; i < costs.length; i++) {
            if (marginal[i] < 0) {
                throw new IllegalArgumentException("marginal ExS cannot be negative: " + marginal[i]);
            }
            costs[i] = podCounts[i] == 0 ? openingCost : marginal[i];
        }
        return costs;
    }

    /** The extender's scores for {@code incoming} on {@code nodeNames}, in order (0..10). */
    public static int[] extenderScores(
            ExsEngine engine,
            java.util.List<String> nodeNames,
            io.github.sysched.syscall.SyscallSet incoming,
            long openingCost) {
        return new ExtenderScoring(ExtenderScoring.Mode.MARGINAL, openingCost).scores(engine, nodeNames, incoming);
    }

    /**
     * Dense-rank levels: the lowest cost gets {@link ExsNormalizer#MAX_EXTENDER_PRIORITY}, each next distinct cost
     * one level less, down to 0.
     */
    public static int[] levels(long[] costs) {
        // Only the MAX lowest distinct costs earn a level above 0, so they are all that is kept: one pass with a
        // compare against the highest kept for most costs, instead of sorting every cost (5,000 per request in B7).
        long[] lowest = new long[ExsNormalizer.MAX_EXTENDER_PRIORITY];
        int kept = 0;
        for (long cost : costs) {
            if (kept == lowest.length && cost >= lowest[kept - 1]) {
                continue;
            }
            int at = 0;
            while (at < kept && lowest[at] < cost) {
                at++;
            }
            if (at < kept && lowest[at] == cost) {
                continue;
            }
            int moved = Math.min(kept, lowest.length - 1) - at;
            System.arraycopy(lowest, at, lowest, at + 1, moved);
            lowest[at] = cost;
            kept = Math.min(kept + 1, lowest.length);
        }
        int[] levels = new int[costs.length];
        long highestKept = kept == 0 ? 0 : lowest[kept - 1];
        for (int i = 0; i < costs.length; i++) {
            long cost = costs[i];
            if (cost > highestKept) {
                continue; // level 0, as for most candidates
            }
            for (int rank = 0; rank < kept && lowest[rank] <= cost; rank++) {
                if (lowest[rank] == cost) {
                    levels[i] = ExsNormalizer.MAX_EXTENDER_PRIORITY - rank;
                    break;
                }
            }
        }
        return levels;
    }
}
