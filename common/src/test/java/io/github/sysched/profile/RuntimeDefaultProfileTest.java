package io.github.sysched.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import org.junit.jupiter.api.Test;

class RuntimeDefaultProfileTest {

    @Test
    void isTheTableMinusDockersDocumentedBlockList() {
        SyscallSet runtimeDefault = RuntimeDefaultProfile.syscalls();
        SyscallSet all = SyscallTable.x86_64().allSyscalls();

        assertThat(all.cardinality()).isEqualTo(362);
        // 49 documented names, 4 of them not x86_64 syscalls (stime, umount, vm86, vm86old): 362 - 45.
        assertThat(runtimeDefault.cardinality()).isEqualTo(317);
        assertThat(all.containsAll(runtimeDefault)).isTrue();
        assertThat(all.difference(runtimeDefault).names())
                .contains(
                        "ptrace", "mount", "umount2", "bpf", "setns", "unshare", "kexec_load", "userfaultfd", "_sysctl")
                .hasSize(45);
    }

    @Test
    void keepsTheArgumentFilteredOnes() {
        assertThat(RuntimeDefaultProfile.syscalls().contains("clone")).isTrue();
        assertThat(RuntimeDefaultProfile.syscalls().contains("clone3")).isTrue();
        assertThat(RuntimeDefaultProfile.syscalls().contains("personality")).isTrue();
        assertThat(RuntimeDefaultProfile.syscalls().contains("read")).isTrue();
    }
}
