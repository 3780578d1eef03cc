package io.github.sysched.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.spo.TestResources;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Confine's deny-list profiles measured against x86_64 syscalls 0..332 (see the resource's PROVENANCE.txt). */
class ConfineProfilesTest {

    private static final SyscallSet CONFINE_UNIVERSE = SyscallTable.x86_64().syscallsNumberedUpTo(332);

    @ParameterizedTest
    @CsvSource({"nginx, 171, 162", "redis, 174, 159", "memcached, 178, 155", "postgres, 136, 197"})
    void allowedSetIsTheUniverseMinusTheDeniedNames(String image, int denied, int allowed) {
        SeccompPolicy policy =
                SeccompJsonReader.read(TestResources.stream("/container-profiles/" + image + ".json"), image);

        assertThat(CONFINE_UNIVERSE.cardinality()).isEqualTo(333);
        assertThat(policy.kind()).isEqualTo(PolicyKind.DENY_LIST);
        assertThat(policy.rules()).hasSize(denied).allMatch(rule -> rule.action() == SeccompAction.ERRNO);
        SyscallSet set = policy.allowedSyscalls(CONFINE_UNIVERSE);
        assertThat(set.cardinality()).isEqualTo(allowed);
        assertThat(set.contains("execve")).isTrue();
        assertThat(set.contains("rseq")).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"nginx, 191", "postgres, 226"})
    void aWiderUniverseAllowsTheNewerSyscallsToo(String image, int allowed) {
        SeccompPolicy policy =
                SeccompJsonReader.read(TestResources.stream("/container-profiles/" + image + ".json"), image);

        // 362 syscalls in the table: the 29 numbered 334..450 are denied by no Confine profile.
        assertThat(policy.allowedSyscalls(SyscallTable.x86_64().allSyscalls()).cardinality())
                .isEqualTo(allowed);
    }
}
