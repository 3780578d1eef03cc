package io.github.sysched.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SeccompProfileV1;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyMemoTest {

    private static final SyscallSet UNIVERSE = SyscallTable.x86_64().syscallsNumberedUpTo(332);
    private static final ProfileKey APP = ProfileKey.namespaced("team", "app");
    private static final ProfileKey BASE = ProfileKey.namespaced("team", "base");

    private final PolicyMemo memo = new PolicyMemo();
    /** Stands in for an informer's store: an update replaces the object. */
    private final Map<ProfileKey, SeccompProfile> store = new HashMap<>();

    private final ProfileLookup lookup = memo.lookup(store::get);

    private static SeccompProfile profile(ProfileKey key, String resourceVersion, String base, String... allowed) {
        String yaml = """
                apiVersion: security-profiles-operator.x-k8s.io/v1
                kind: SeccompProfile
                metadata: {name: %s, namespace: %s%s}
                spec:
                  defaultAction: SCMP_ACT_ERRNO
                  %s
                  syscalls:
                  - action: SCMP_ACT_ALLOW
                    names: [%s]
                """.formatted(
                        key.name(),
                        key.namespace(),
                        resourceVersion == null ? "" : ", resourceVersion: \"" + resourceVersion + "\"",
                        base == null ? "" : "baseProfileName: " + base,
                        String.join(", ", allowed));
        return Serialization.unmarshal(yaml, SeccompProfileV1.class);
    }

    private SyscallSet resolve(ProfileKey key) {
        return new ProfileResolver(lookup, UNIVERSE).resolve(key).syscalls();
    }

    @Test
    void aProfileIsConvertedOncePerResourceVersion() {
        store.put(APP, profile(APP, "7", null, "read"));
        SeccompPolicy first = lookup.find(APP).orElseThrow();

        assertThat(lookup.find(APP).orElseThrow()).isSameAs(first);
        // a relist hands out a new object with the same resourceVersion: still the same content
        store.put(APP, profile(APP, "7", null, "read"));
        assertThat(lookup.find(APP).orElseThrow()).isSameAs(first);

        store.put(APP, profile(APP, "8", null, "read", "write"));
        assertThat(resolve(APP)).isEqualTo(SyscallSet.of("read", "write"));
        assertThat(memo.size()).isEqualTo(1);
    }

    @Test
    void withoutResourceVersionOnlyTheSameObjectIsReused() {
        SeccompProfile unversioned = profile(APP, null, null, "read");
        store.put(APP, unversioned);
        SeccompPolicy first = lookup.find(APP).orElseThrow();
        assertThat(lookup.find(APP).orElseThrow()).isSameAs(first);

        store.put(APP, profile(APP, null, null, "write"));
        assertThat(resolve(APP)).isEqualTo(SyscallSet.of("write"));
    }

    @Test
    void anUpdatedBaseProfileChangesEveryProfileBuiltOnIt() {
        store.put(APP, profile(APP, "1", "base", "read"));
        store.put(BASE, profile(BASE, "2", null, "futex"));
        assertThat(resolve(APP)).isEqualTo(SyscallSet.of("read", "futex"));

        store.put(BASE, profile(BASE, "3", null, "futex", "execve"));

        assertThat(resolve(APP)).isEqualTo(SyscallSet.of("read", "futex", "execve"));
    }

    @Test
    void aDeletedProfileIsGoneAndForgotten() {
        store.put(APP, profile(APP, "1", "base", "read"));
        store.put(BASE, profile(BASE, "2", null, "futex"));
        resolve(APP);
        assertThat(memo.size()).isEqualTo(2);

        store.remove(BASE);
        assertThatThrownBy(() -> resolve(APP))
                .isInstanceOf(ProfileResolutionException.class)
                .hasMessageContaining("base profile team/base not found");
        assertThat(memo.size()).isEqualTo(1);

        store.remove(APP);
        memo.forget(APP);
        assertThat(lookup.find(APP)).isEmpty();
        assertThat(memo.size()).isZero();
    }

    @Test
    void anInvalidProfileFailsOnEveryLookup() {
        SeccompProfile invalid = profile(APP, "1", null, "read");
        invalid.getSpec().setDefaultAction(null);
        store.put(APP, invalid);

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> lookup.find(APP))
                    .isInstanceOf(ProfileResolutionException.class)
                    .hasMessageContaining("no spec.defaultAction");
        }
        assertThat(memo.size()).isZero();
    }

    @Test
    void snapshotsShareTheMemo() {
        SeccompProfile app = profile(APP, "1", null, "read");
        SeccompPolicy first = SpoProfiles.lookup(List.of(app), SpoScope.NAMESPACED, memo)
                .find(APP)
                .orElseThrow();

        ProfileLookup next =
                SpoProfiles.lookup(List.of(app, profile(BASE, "2", null, "futex")), SpoScope.NAMESPACED, memo);

        assertThat(next.find(APP).orElseThrow()).isSameAs(first);
        assertThat(next.find(BASE)).isPresent();
    }
}
