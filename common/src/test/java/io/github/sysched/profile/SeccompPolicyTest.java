package io.github.sysched.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.syscall.SyscallSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeccompPolicyTest {

    private static final SyscallSet UNIVERSE = SyscallSet.of("read", "write", "open", "close", "ptrace", "mount");

    private static SyscallRule rule(SeccompAction action, String... names) {
        return new SyscallRule(action, List.of(names));
    }

    @Test
    void allowAndLogEntriesBothCount() {
        SeccompPolicy policy = new SeccompPolicy(
                SeccompAction.ERRNO,
                List.of(rule(SeccompAction.ALLOW, "read", "write"), rule(SeccompAction.LOG, "open")));

        assertThat(policy.kind()).isEqualTo(PolicyKind.ALLOW_LIST);
        assertThat(policy.allowedSyscalls(UNIVERSE).names()).containsExactly("read", "write", "open");
    }

    @Test
    void anAllowingDefaultWithAnAllowListIsStillAnAllowList() {
        SeccompPolicy policy = new SeccompPolicy(
                SeccompAction.LOG, List.of(rule(SeccompAction.ALLOW, "read"), rule(SeccompAction.ERRNO, "ptrace")));

        assertThat(policy.kind()).isEqualTo(PolicyKind.ALLOW_LIST);
        assertThat(policy.allowedSyscalls(UNIVERSE).cardinality()).isEqualTo(1);
    }

    @Test
    void anAllowingDefaultWithOnlyDenialsIsADenyList() {
        SeccompPolicy policy = new SeccompPolicy(
                SeccompAction.ALLOW,
                List.of(
                        rule(SeccompAction.ERRNO, "ptrace"),
                        rule(SeccompAction.KILL_PROCESS, "mount"),
                        rule(SeccompAction.TRAP, "not_in_universe")));

        assertThat(policy.kind()).isEqualTo(PolicyKind.DENY_LIST);
        assertThat(policy.allowedSyscalls(UNIVERSE).names()).containsExactly("read", "write", "open", "close");
    }

    @Test
    void aLogDefaultWithOnlyDenialsIsADenyListToo() {
        SeccompPolicy policy = new SeccompPolicy(SeccompAction.LOG, List.of(rule(SeccompAction.KILL, "ptrace")));

        assertThat(policy.allowedSyscalls(UNIVERSE).cardinality()).isEqualTo(5);
    }

    @Test
    void aDenyingDefaultWithoutAllowEntriesAllowsNothing() {
        SeccompPolicy policy = new SeccompPolicy(SeccompAction.ERRNO, List.of(rule(SeccompAction.KILL, "ptrace")));

        assertThat(policy.kind()).isEqualTo(PolicyKind.ALLOW_LIST);
        assertThat(policy.allowedSyscalls(UNIVERSE).isEmpty()).isTrue();
    }

    @Test
    void anEmptyAllowingProfileAllowsTheWholeUniverse() {
        SeccompPolicy policy = new SeccompPolicy(SeccompAction.ALLOW, List.of());

        assertThat(policy.allowedSyscalls(UNIVERSE).cardinality()).isEqualTo(6);
    }

    @Test
    void nonSyscallNamesAreKeptAsPlainStrings() {
        SeccompPolicy policy =
                new SeccompPolicy(SeccompAction.ERRNO, List.of(rule(SeccompAction.ALLOW, "read", "procexit", "read")));

        SyscallSet set = policy.allowedSyscalls(UNIVERSE);
        assertThat(set.cardinality()).isEqualTo(2);
        assertThat(set.contains("procexit")).isTrue();
    }

    @Test
    void theSetIsComputedOncePerUniverseAndPoliciesCompareByContent() {
        SeccompPolicy policy =
                new SeccompPolicy(SeccompAction.ALLOW, List.of(rule(SeccompAction.ERRNO, "ptrace")), "base");
        SyscallSet first = policy.allowedSyscalls(UNIVERSE);

        assertThat(policy.allowedSyscalls(SyscallSet.of("read", "write", "open", "close", "ptrace", "mount")))
                .isSameAs(first);
        assertThat(policy.allowedSyscalls(SyscallSet.of("read", "ptrace")).names())
                .containsExactly("read");
        SeccompPolicy same =
                new SeccompPolicy(SeccompAction.ALLOW, List.of(rule(SeccompAction.ERRNO, "ptrace")), "base");
        assertThat(same).isEqualTo(policy).hasSameHashCodeAs(policy);
        assertThat(new SeccompPolicy(SeccompAction.ALLOW, List.of(rule(SeccompAction.ERRNO, "ptrace")), " "))
                .isNotEqualTo(policy)
                .isEqualTo(new SeccompPolicy(SeccompAction.ALLOW, List.of(rule(SeccompAction.ERRNO, "ptrace"))));
    }
}
