package io.github.sysched.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SeccompProfileV1;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.spo.TestResources;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileResolverTest {

    private static final SyscallSet UNIVERSE = SyscallTable.x86_64().syscallsNumberedUpTo(332);

    private static SeccompProfile profile(String namespace, String name, String base, String... allowed) {
        String yaml = """
                apiVersion: security-profiles-operator.x-k8s.io/v1
                kind: SeccompProfile
                metadata: {name: %s%s}
                spec:
                  defaultAction: SCMP_ACT_ERRNO
                  %s
                  syscalls:
                  - action: SCMP_ACT_ALLOW
                    names: [%s]
                """.formatted(name, namespace == null ? "" : ", namespace: " + namespace,
                base == null ? "" : "baseProfileName: \"" + base + "\"", String.join(", ", allowed));
        return Serialization.unmarshal(yaml, SeccompProfileV1.class);
    }

    private static ProfileResolver resolver(SpoScope scope, SeccompProfile... profiles) {
        return new ProfileResolver(SpoProfiles.lookup(List.of(profiles), scope), UNIVERSE);
    }

    @Test
    void unionsTheBaseChain() {
        ProfileResolver resolver = resolver(SpoScope.NAMESPACED,
                profile("team", "app", "middle", "read", "write"),
                profile("team", "middle", "runc", "write", "close"),
                profile("team", "runc", null, "execve", "futex"),
                profile("other", "runc", null, "ptrace"));

        ResolvedProfile resolved = resolver.resolve(ProfileKey.namespaced("team", "app"));

        assertThat(resolved.syscalls().names()).containsExactly("read", "write", "close", "execve", "futex");
        assertThat(resolved.chain()).containsExactly(ProfileKey.namespaced("team", "app"),
                ProfileKey.namespaced("team", "middle"), ProfileKey.namespaced("team", "runc"));
    }

    @Test
    void aSyscallNameTheTableRefusesMakesTheProfileInvalidNotACrash() {
        ProfileResolver resolver = resolver(SpoScope.NAMESPACED,
                profile("team", "app", "base", "read"), profile("team", "base", null, "x".repeat(129)));

        assertThatThrownBy(() -> resolver.resolve(ProfileKey.namespaced("team", "app")))
                .isInstanceOfSatisfying(ProfileResolutionException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ProfileResolutionException.Reason.INVALID_PROFILE);
                    assertThat(e.getMessage()).contains("team/base").contains("longer than 128");
                });
    }

    @Test
    void clusterScopedBasesAreClusterScoped() {
        ProfileResolver resolver = resolver(SpoScope.CLUSTER,
                profile(null, "app", "runc", "read"), profile(null, "runc", null, "futex", "read"));

        assertThat(resolver.resolve(ProfileKey.cluster("app")).syscalls().cardinality()).isEqualTo(2);
    }

    @Test
    void aDenyListBaseIsMeasuredAgainstTheUniverse() {
        SeccompProfileV1Beta1 denyList = Serialization.unmarshal("""
                apiVersion: security-profiles-operator.x-k8s.io/v1beta1
                kind: SeccompProfile
                metadata: {name: base, namespace: team}
                spec:
                  defaultAction: SCMP_ACT_ALLOW
                  syscalls: [{action: SCMP_ACT_ERRNO, names: [ptrace, mount]}]
                """, SeccompProfileV1Beta1.class);
        ProfileResolver resolver = resolver(SpoScope.NAMESPACED, profile("team", "app", "base", "procexit"), denyList);

        assertThat(resolver.resolve(ProfileKey.namespaced("team", "app")).syscalls().cardinality()).isEqualTo(332);
    }

    @Test
    void aCycleIsAnErrorNamingTheChain() {
        ProfileResolver resolver = resolver(SpoScope.NAMESPACED,
                profile("team", "a", "b", "read"), profile("team", "b", "c", "read"), profile("team", "c", "a", "read"));

        assertThatThrownBy(() -> resolver.resolve(ProfileKey.namespaced("team", "a")))
                .isInstanceOfSatisfying(ProfileResolutionException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ProfileResolutionException.Reason.CYCLE);
                    assertThat(e.chain()).hasSize(4);
                })
                .hasMessageContaining("team/a -> team/b -> team/c -> team/a");
    }

    @Test
    void aSelfReferenceIsACycle() {
        ProfileResolver resolver = resolver(SpoScope.CLUSTER, profile(null, "a", "a", "read"));

        assertThatThrownBy(() -> resolver.resolve(ProfileKey.cluster("a")))
                .isInstanceOf(ProfileResolutionException.class).hasMessageContaining("chain: a -> a");
    }

    @Test
    void aMissingBaseIsAnErrorNotAnEmptySet() {
        ProfileResolver resolver = resolver(SpoScope.NAMESPACED, profile("team", "app", "gone", "read"));

        assertThatThrownBy(() -> resolver.resolve(ProfileKey.namespaced("team", "app")))
                .isInstanceOfSatisfying(ProfileResolutionException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProfileResolutionException.Reason.BASE_NOT_FOUND))
                .hasMessageContaining("base profile team/gone not found (chain: team/app -> team/gone)");
    }

    @Test
    void aBaseInAnotherNamespaceIsNotFollowed() {
        ProfileResolver resolver = resolver(SpoScope.NAMESPACED,
                profile("team", "app", "runc", "read"), profile("other", "runc", null, "read"));

        assertThatThrownBy(() -> resolver.resolve(ProfileKey.namespaced("team", "app")))
                .hasMessageContaining("team/runc not found");
    }

    @Test
    void aMissingProfileIsAnError() {
        ProfileResolver resolver = resolver(SpoScope.NAMESPACED);

        assertThat(resolver.exists(ProfileKey.namespaced("team", "x"))).isFalse();
        assertThatThrownBy(() -> resolver.resolve(ProfileKey.namespaced("team", "x")))
                .isInstanceOfSatisfying(ProfileResolutionException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProfileResolutionException.Reason.PROFILE_NOT_FOUND));
    }

    @Test
    void ociAndPathBasesAreUnsupported() {
        ProfileResolver resolver = resolver(SpoScope.NAMESPACED,
                profile("team", "oci", "oci://ghcr.io/security-profiles/runc:v1.2.0", "read"),
                profile("team", "path", "other/base", "read"));

        assertThatThrownBy(() -> resolver.resolve(ProfileKey.namespaced("team", "oci")))
                .isInstanceOfSatisfying(ProfileResolutionException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProfileResolutionException.Reason.UNSUPPORTED_BASE))
                .hasMessageContaining("OCI artifact bases are not supported");
        assertThatThrownBy(() -> resolver.resolve(ProfileKey.namespaced("team", "path")))
                .hasMessageContaining("'other/base', which is not a profile name");
    }

    @Test
    void anInvalidProfileIsReportedWhenLookedUp() {
        SeccompProfile broken = profile("team", "broken", null, "read");
        broken.getSpec().setDefaultAction(null);
        ProfileResolver resolver = resolver(SpoScope.NAMESPACED, broken, profile("team", "fine", null, "read"));

        assertThat(resolver.resolve(ProfileKey.namespaced("team", "fine")).syscalls().cardinality()).isEqualTo(1);
        assertThatThrownBy(() -> resolver.resolve(ProfileKey.namespaced("team", "broken")))
                .isInstanceOfSatisfying(ProfileResolutionException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProfileResolutionException.Reason.INVALID_PROFILE))
                .hasMessageContaining("has no spec.defaultAction");
    }

    @Test
    void resolvesTheSyschedDemoProfilesFromTheirYaml() {
        ProfileResolver resolver = new ProfileResolver(SpoProfiles.lookup(List.of(
                TestResources.read("/sysched-examples/nginx.profile.yaml", "SeccompProfile", SeccompProfileV1Beta1.class),
                TestResources.read("/sysched-examples/full.profile.yaml", "SeccompProfile", SeccompProfileV1Beta1.class)),
                SpoScope.NAMESPACED), UNIVERSE);

        assertThat(resolver.resolve(ProfileKey.namespaced("default", "nginx-seccomp")).syscalls().cardinality())
                .isEqualTo(98);
        assertThat(resolver.resolve(ProfileKey.namespaced("default", "full-seccomp")).syscalls().cardinality())
                .isEqualTo(333);
    }
}
