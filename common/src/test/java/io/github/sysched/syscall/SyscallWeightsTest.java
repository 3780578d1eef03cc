package io.github.sysched.syscall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SyscallWeightsTest {

    /** Syscalls of every word of the x86_64 table, and two names interned after it. */
    private static final List<String> NAMES = List.of(
            "read",
            "write",
            "ptrace",
            "bpf",
            "mount",
            "keyctl",
            "splice",
            "waitid",
            "userfaultfd",
            "kexec_load",
            "perf_event_open",
            "io_uring_setup",
            "clone3",
            "process_vm_readv",
            "init_module",
            "procexit",
            "weights-test-dynamic-name");

    @Test
    void weighsEveryMemberByItsNamesWeightOnRandomSetsAndWeights() {
        SplittableRandom random = new SplittableRandom(15);
        for (int round = 0; round < 2_000; round++) {
            long defaultWeight = random.nextInt(3);
            Map<String, Long> listed = new HashMap<>();
            for (String name : NAMES) {
                if (random.nextInt(3) == 0) {
                    listed.put(name, (long) random.nextInt(4));
                }
            }
            SyscallWeights weights = SyscallWeights.of(defaultWeight, listed);
            SyscallSet a = randomSet(random);
            SyscallSet b = randomSet(random);

            assertThat(weights.weigh(a)).isEqualTo(byName(a, defaultWeight, listed));
            assertThat(weights.weighUnion(SyscallSet.wordsOf(a), b))
                    .isEqualTo(byName(a.union(b), defaultWeight, listed));
        }
    }

    @Test
    void namesListedAtTheDefaultWeightChangeNothing() {
        SyscallWeights weights = SyscallWeights.of(1, Map.of("ptrace", 1L));
        assertThat(weights.weigh(SyscallSet.of("ptrace", "read"))).isEqualTo(2);
        assertThat(weights.listed()).containsEntry("ptrace", 1L);
    }

    @Test
    void aNegativeWeightIsRefused() {
        assertThatThrownBy(() -> SyscallWeights.of(1, Map.of("ptrace", -1L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ptrace");
    }

    private static SyscallSet randomSet(SplittableRandom random) {
        List<String> members = new ArrayList<>();
        for (String name : NAMES) {
            if (random.nextBoolean()) {
                members.add(name);
            }
        }
        return SyscallSet.of(members);
    }

    private static long byName(SyscallSet set, long defaultWeight, Map<String, Long> listed) {
        return set.names().stream()
                .mapToLong(name -> listed.getOrDefault(name, defaultWeight))
                .sum();
    }
}
