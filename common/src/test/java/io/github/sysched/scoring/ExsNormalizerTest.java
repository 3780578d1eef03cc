package io.github.sysched.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExsNormalizerTest {

    @Test
    void normalizesLikeUpstreamDefaultNormalizeScoreReversed() {
        assertThat(ExsNormalizer.normalize(new long[] {100, 200})).containsExactly(50, 0);
        assertThat(ExsNormalizer.normalize(new long[] {0, 200})).containsExactly(100, 0);
        assertThat(ExsNormalizer.normalize(new long[] {0, 0, 0})).containsExactly(100, 100, 100);
        // integer division: 100*26/66 = 39
        assertThat(ExsNormalizer.normalize(new long[] {47, 66})).containsExactly(29, 0);
        assertThat(ExsNormalizer.normalize(new long[] {26, 66})).containsExactly(61, 0);
    }

    @Test
    void mapsToTheExtenderRangeRoundingHalfUp() {
        assertThat(ExsNormalizer.toExtenderScore(100)).isEqualTo(10);
        assertThat(ExsNormalizer.toExtenderScore(95)).isEqualTo(10);
        assertThat(ExsNormalizer.toExtenderScore(94)).isEqualTo(9);
        assertThat(ExsNormalizer.toExtenderScore(50)).isEqualTo(5);
        assertThat(ExsNormalizer.toExtenderScore(4)).isEqualTo(0);
        assertThatThrownBy(() -> ExsNormalizer.toExtenderScore(101)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsNegativeRawScores() {
        assertThatThrownBy(() -> ExsNormalizer.normalize(new long[] {-1})).hasMessageContaining("negative");
    }
}
