package io.github.sysched.scoring;

import io.github.sysched.syscall.SyscallSet;
import java.util.List;
import java.util.Objects;

/**
 * What the extender's {@code /prioritize} answers for a pod: one of the two scores, 0..10 per candidate node. The
 * extender ({@code sysched.scheduler.scoring.*}) and the simulator's {@code exs} / {@code marginal} strategies
 * call this, so the simulator predicts exactly what the extender answers.
 *
 * @param mode        {@link Mode#MARGINAL} (the default) or {@link Mode#UPSTREAM}
 * @param openingCost the marginal score's cost of an empty node, in (weighted) syscalls ({@link MarginalExs});
 *                    not used by the upstream score
 */
public record ExtenderScoring(Mode mode, long openingCost) {

    /** Which score. */
    public enum Mode {
        /** {@link MarginalExs}: the exposure the pod adds, an opening cost for empty nodes, dense-rank levels. */
        MARGINAL,
        /** Upstream SySched's: the node's ExS after the placement, {@link ExsNormalizer} to 0..100, then 0..10. */
        UPSTREAM
    }

    /** The marginal score with the default opening cost. */
    public static final ExtenderScoring DEFAULT = new ExtenderScoring(Mode.MARGINAL, MarginalExs.DEFAULT_OPENING_COST);

    public ExtenderScoring {
        Objects.requireNonNull(mode, "mode");
        if (openingCost < 0) {
            throw new IllegalArgumentException("opening cost cannot be negative: " + openingCost);
        }
    }

    /**
     * One pod's ranking of the candidates, per node in order: {@code exs}, the exposure figure the score is built
     * from (lower is better: {@link Mode#MARGINAL}'s marginal ExS, what the pod adds to the node, 0 on an empty node,
     * which then ranks at the opening cost; {@link Mode#UPSTREAM}'s raw value, the node's ExS after the placement),
     * and {@code scores}, the extender score answered (0..10).
     */
    public record Ranking(long[] exs, int[] scores) {}

    /** The ranking of {@code nodeNames} for {@code incoming}, from {@code engine}'s state. */
    public Ranking rank(ExsEngine engine, List<String> nodeNames, SyscallSet incoming) {
        return switch (mode) {
            case MARGINAL -> {
                ExsEngine.Marginal marginal = engine.marginal(nodeNames, incoming);
                yield new Ranking(
                        marginal.added(),
                        MarginalExs.levels(MarginalExs.costs(marginal.added(), marginal.podCounts(), openingCost)));
            }
            case UPSTREAM -> {
                long[] raw = engine.rawScores(nodeNames, incoming);
                int[] scores = ExsNormalizer.normalize(raw);
                for (int i = 0; i < scores.length; i++) {
                    scores[i] = ExsNormalizer.toExtenderScore(scores[i]);
                }
                yield new Ranking(raw, scores);
            }
        };
    }

    /** The extender's scores (0..10) for {@code incoming} on {@code nodeNames}, in order, from {@code engine}'s state. */
    public int[] scores(ExsEngine engine, List<String> nodeNames, SyscallSet incoming) {
        return rank(engine, nodeNames, incoming).scores();
    }
}
