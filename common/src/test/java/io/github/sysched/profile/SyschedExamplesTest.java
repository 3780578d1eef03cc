package io.github.sysched.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.spo.TestResources;
import io.github.sysched.syscall.SyscallTable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SySched demo profiles: LOG default action plus an ALLOW list, counted as allow-lists (upstream rule). */
class SyschedExamplesTest {

    @ParameterizedTest
    @CsvSource({"nginx, 98", "redis, 86", "memcached, 53", "full, 333"})
    void countsTheListedNames(String image, int expected) {
        SeccompProfileV1Beta1 profile = TestResources.read(
                "/sysched-examples/" + image + ".profile.yaml", "SeccompProfile", SeccompProfileV1Beta1.class);
        SeccompPolicy policy = SpoProfiles.policyOf(profile);

        assertThat(policy.defaultAction()).isEqualTo(SeccompAction.LOG);
        assertThat(policy.kind()).isEqualTo(PolicyKind.ALLOW_LIST);
        assertThat(policy.allowedSyscalls(SyscallTable.x86_64().syscallsNumberedUpTo(332))
                        .cardinality())
                .isEqualTo(expected);
    }
}
