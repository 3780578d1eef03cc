package io.github.sysched.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.profile.SpoProfiles;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.spo.TestResources;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SySched demo (nginx 98, redis 86, memcached 53 names) with the profiles of the upstream repository. */
class SeedDemoScoresTest {

    /** A seed demo profile's allowed set (shared with {@link MarginalExsTest}). */
    static SyscallSet profile(String file) {
        SeccompProfileV1Beta1 profile =
                TestResources.read("/sysched-examples/" + file, "SeccompProfile", SeccompProfileV1Beta1.class);
        return SpoProfiles.policyOf(profile)
                .allowedSyscalls(SyscallTable.x86_64().allSyscalls());
    }

    @Test
    void seedDemoSequenceScoresAsUpstream() {
        SyscallSet nginx = profile("nginx.profile.yaml");
        SyscallSet redis = profile("redis.profile.yaml");
        SyscallSet memcached = profile("memcached.profile.yaml");
        assertThat(List.of(nginx.cardinality(), redis.cardinality(), memcached.cardinality()))
                .containsExactly(98, 86, 53);

        ExsEngine engine = new ExsEngine();
        engine.place("nginx1", "B", nginx);
        assertThat(engine.rawScores(List.of("A", "B"), redis)).containsExactly(0, 26);

        engine.place("redis1", "A", redis);
        assertThat(engine.rawScores(List.of("A", "B"), nginx)).containsExactly(26, 0);

        engine.place("nginx2", "B", nginx);
        assertThat(engine.rawScores(List.of("A", "B"), memcached)).containsExactly(47, 66);

        engine.place("memcached1", "A", memcached);
        // Node A: U = redis ∪ memcached; node B: two identical nginx pods add nothing.
        assertThat(engine.node("B").orElseThrow().exs()).isZero();
        assertThat(engine.clusterExs()).isEqualTo(engine.node("A").orElseThrow().exs());
        assertThat(ExsNormalizer.normalize(new long[] {47, 66})).containsExactly(29, 0);
    }
}
