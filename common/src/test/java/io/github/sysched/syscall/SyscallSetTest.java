package io.github.sysched.syscall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyscallSetTest {

    @Test
    void stableBitPositionsAreX86SyscallNumbers() {
        SyscallTable table = SyscallTable.x86_64();
        assertThat(table.syscallNumber("read")).hasValue(0);
        assertThat(table.syscallNumber("execve")).hasValue(59);
        assertThat(table.syscallNumber("rseq")).hasValue(334);
        assertThat(table.syscallNumber("pidfd_send_signal")).hasValue(424);
        assertThat(table.isSyscallNumber(400)).isFalse();
        assertThat(table.syscallsNumberedUpTo(332).cardinality()).isEqualTo(333);
        assertThat(table.allSyscalls().cardinality()).isEqualTo(362);
    }

    @Test
    void nonSyscallNamesAreInternedAfterTheTable() {
        SyscallSet set = SyscallSet.of("procexit", "read");
        assertThat(set.cardinality()).isEqualTo(2);
        assertThat(SyscallTable.x86_64().indexOf("procexit"))
                .isGreaterThanOrEqualTo(SyscallTable.x86_64().stableLimit());
        assertThat(set.names()).containsExactly("read", "procexit");
    }

    @Test
    void setAlgebra() {
        SyscallSet a = SyscallSet.of("read", "write", "open", "procexit");
        SyscallSet b = SyscallSet.of("write", "close", "procexit");
        assertThat(a.union(b)).isEqualTo(SyscallSet.of("read", "write", "open", "close", "procexit"));
        assertThat(a.difference(b)).isEqualTo(SyscallSet.of("read", "open"));
        assertThat(a.intersection(b)).isEqualTo(SyscallSet.of("write", "procexit"));
        assertThat(a.difference(a)).isEqualTo(SyscallSet.empty());
        assertThat(a.union(b).containsAll(a)).isTrue();
        assertThat(a.contains("open")).isTrue();
        assertThat(a.contains("never-seen-name")).isFalse();
        assertThat(SyscallSet.of(List.of("read", "read")).cardinality()).isEqualTo(1);
    }

    @Test
    void weightedCardinality() {
        SyscallSet set = SyscallSet.of("read", "ptrace", "bpf");
        assertThat(set.weightedCardinality(SyscallWeights.uniform())).isEqualTo(3);
        assertThat(set.weightedCardinality(SyscallWeights.of(2, Map.of("ptrace", 50L))))
                .isEqualTo(2 + 50 + 2);
        assertThatThrownBy(() -> SyscallWeights.of(1, Map.of("bpf", -1L))).hasMessageContaining(">= 0");
    }

    @Test
    void rejectsBlankNames() {
        assertThatThrownBy(() -> SyscallSet.of(" ")).hasMessageContaining("blank");
    }
}
