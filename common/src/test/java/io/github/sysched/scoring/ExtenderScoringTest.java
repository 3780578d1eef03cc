package io.github.sysched.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sysched.syscall.SyscallSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtenderScoringTest {

    private static final List<String> NODES = List.of("empty", "same", "near", "far");

    /** One pod of {read, write, openat} on "same", one of {read, write} on "near", a wide one on "far". */
    private static ExsEngine engine() {
        ExsEngine engine = new ExsEngine();
        engine.place("a", "same", SyscallSet.of("read", "write", "openat"));
        engine.place("b", "near", SyscallSet.of("read", "write"));
        engine.place("c", "far", SyscallSet.of("read", "write", "openat", "mmap", "ptrace", "bpf", "mount"));
        return engine;
    }

    @Test
    void marginalRanksTheCostsAndUpstreamNormalizesTheNodesExsAfter() {
        SyscallSet incoming = SyscallSet.of("read", "write", "openat");
        // marginal costs: empty 20 (opening), same 0, near 1 (the near pod gains openat), far 4 (incoming lacks 4)
        assertThat(ExtenderScoring.DEFAULT.scores(engine(), NODES, incoming)).containsExactly(7, 10, 9, 8);
        assertThat(new ExtenderScoring(ExtenderScoring.Mode.MARGINAL, 2).scores(engine(), NODES, incoming))
                .as("a cheaper empty node ranks above the far one")
                .containsExactly(8, 10, 9, 7);
        // upstream raw: empty 0, same 0, near 1, far 4 -> 100, 100, 75, 0 -> 10, 10, 8, 0
        assertThat(new ExtenderScoring(ExtenderScoring.Mode.UPSTREAM, 20).scores(engine(), NODES, incoming))
                .containsExactly(10, 10, 8, 0);
        assertThat(ExtenderScoring.DEFAULT.scores(engine(), List.of(), incoming))
                .isEmpty();
    }

    @Test
    void aNegativeOpeningCostIsRefused() {
        assertThatThrownBy(() -> new ExtenderScoring(ExtenderScoring.Mode.MARGINAL, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
    }
}
