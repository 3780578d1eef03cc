package io.github.sysched.ipp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class IppClassTest {

    @Test
    void classesAreLabelValues() {
        assertThat(IppClass.whyInvalid("tenant-a")).isEmpty();
        assertThat(IppClass.whyInvalid("a.b_c")).isEmpty();
        assertThat(IppClass.whyInvalid("")).isPresent();
        assertThat(IppClass.whyInvalid("-a")).isPresent();
        assertThat(IppClass.whyInvalid("a/b")).isPresent();
        assertThat(IppClass.whyInvalid("x".repeat(64))).get().asString().contains("63");
    }

    @Test
    void differentClassesNeverShare() {
        assertThat(IppClass.mayShareNode("a", Set.of())).isTrue();
        assertThat(IppClass.mayShareNode("a", Set.of("a"))).isTrue();
        assertThat(IppClass.mayShareNode("a", Set.of("b"))).isFalse();
        assertThat(IppClass.mayShareNode("a", Set.of("a", "b"))).isFalse();
        assertThat(IppClass.mayShareNode(null, Set.of("b"))).isTrue();
    }
}
