package io.github.sysched.scheduler.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.scheduler.extender.NodeScores;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SyschedPlacement Event's note and the ranks it states. */
class PlacementNoteTest {

    private final NodeScores scores =
            new NodeScores(List.of("n1", "n2", "n3", "n4"), new long[] {40, 12, 40, 90}, new int[] {6, 10, 6, 0});

    @Test
    void theNodeItsExsItsRankAmongTheCandidatesAndTheBestAndWorst() {
        assertThat(PlacementEvents.note("n3", scores))
                .isEqualTo("Bound to n3: adds ExS 40 there, rank 2 of 4 "
                        + "candidates (sysched score 6 of 10); best n2 (ExS 12), worst n4 (ExS 90)");
        // equal ExS, equal rank
        assertThat(scores.rank(0)).isEqualTo(2);
        assertThat(scores.rank(2)).isEqualTo(2);
        assertThat(scores.rank(3)).isEqualTo(4);
        assertThat(scores.chosen()).containsExactly(1);
        assertThat(scores.top(3)).containsExactly(1, 0, 2);
    }

    @Test
    void aNodeSyschedDidNotScoreIsSaidSo() {
        assertThat(PlacementEvents.note("n9", scores))
                .isEqualTo("Bound to n9, which was not among the 4 candidates "
                        + "sysched scored last: best n2 (ExS 12), worst n4 (ExS 90)");
        NodeScores one = new NodeScores(List.of("only"), new long[] {0}, new int[] {10});
        assertThat(PlacementEvents.note("only", one))
                .isEqualTo("Bound to only: adds ExS 0 there, rank 1 of 1 "
                        + "candidate (sysched score 10 of 10); best only (ExS 0), worst only (ExS 0)");
    }
}
