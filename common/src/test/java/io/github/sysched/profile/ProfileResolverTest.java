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
                """.formatted(
                        name,
                        namespace == null ? "" : ", namespace: " + namespace,
                        base == null ? "" : "baseProfileName: \"" + base + "\"",
                        String.join(", ", allowed));
        return Serialization.unmarshal(yaml, SeccompProfileV1.class);
    }

    private static ProfileResolver resolver(SpoScope scope, SeccompProfile... profiles) {
        return new ProfileResolver(SpoProfiles.lookup(List.of(profiles), scope), UNIVERSE);
    }

    @Test
    void unionsTheBaseChain() {
        ProfileResolver resolver = resolver(
                SpoScope.NAMESPACED,
                profile("team", "app", "middle", "read", "write"),
                profile("team", "middle", "runc", "write", "close"),
                profile("team", "runc", null, "execve", "futex"),
                profile("other", "runc", null, "ptrace"));

        ResolvedProfile resolved = resolver.resolve(ProfileKey.namespaced("team", "app"));

        assertThat(resolved.syscalls().names()).containsExactly("read", "write", "close", "execve", "futex");
        assertThat(resolved.chain())
                .containsExactly(
                        ProfileKey.namespaced("team", "app"),
                        ProfileKey.namespaced("team", "middle"),
                        ProfileKey.namespaced("team", "runc"));
    }

    @Test
    void aSyscallNameTheTableRefusesMakesTheProfileInvalidNotACrash() {
        ProfileResolver resolver = resolver(
                SpoScope.NAMESPACED,
                profile("team", "app", "base", "read"),
                profile("team", "base", null, "x".repeat(129)));

        assertThatThrownBy(() -> resolver.resolve(ProfileKey.namespaced("team", "app")))
                .isInstanceOfSatisfying(ProfileResolutionException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ProfileResolutionException.Reason.INVALID_PROFILE);
                    assertThat(e.getMessage()).contains("team/base").contains("longer than 128");
                });
    }

    @Test
    void clusterScopedBasesAreClusterScoped() {
        ProfileResolver resolver = resolver(
                SpoScope.CLUSTER, profile(null, "app", "runc", "read"), profile(null, "runc", null, "futex", "read"));

        assertThat(resolver.resolve(ProfileKey.cluster("app")).syscalls().cardinality())
                .isEqualTo(2);
    }

    /** A profile with its own default action and rules: {@code rules} alternate action, comma-separated names. */
    private static SeccompProfile custom(String name, String base, String defaultAction, String... rules) {
        StringBuilder syscalls = new StringBuilder();
        for (int i = 0; i < rules.length; i += 2) {
            syscalls.append("  - {action: ")
                    .append(rules[i])
                    .append(", names: [")
                    .append(rules[i + 1])
                    .append("]}\n");
        }
        return Serialization.unmarshal(
                """
                apiVersion: security-profiles-operator.x-k8s.io/v1beta1
                kind: SeccompProfile
                metadata: {name: %s, namespace: team}
                spec:
                  defaultAction: %s
                  %s
                  syscalls:
                %s""".formatted(name, defaultAction, base == null ? "" : "baseProfileName: " + base, syscalls),
                SeccompProfileV1Beta1.class);
    }

    /**
     * The case: SPO installs a child with base as the child's {@code defaultAction} over the union of both
     * rule lists (security-profiles-operator {@code internal/pkg/daemon/seccompprofile/seccompprofile.go},
     * {@code mergeBaseProfile}: {@code merged := sp.DeepCopy(); merged.Spec.Syscalls = finalSyscalls}, the syscalls
     * from {@code resolveSyscallsForProfile} via {@code util.UnionSyscalls(baseProfile.Spec.Syscalls, ...)}). Child
     * ERRNO + ALLOW[read] over base ALLOW + ERRNO[ptrace, mount] runs {@code read} only; the base's own reading (the
     * whole table but two) must not leak into the child.
     */
    @Test
    void theChildsDefaultActionDecidesOverADenyListBase() {
        ProfileResolver resolver = resolver(
                SpoScope.NAMESPACED,
                custom("app", "base", "SCMP_ACT_ERRNO", "SCMP_ACT_ALLOW", "read"),
                custom("base", null, "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "ptrace, mount"));

        assertThat(resolver.resolve(ProfileKey.namespaced("team", "app"))
                        .syscalls()
                        .names())
                .containsExactly("read");
        assertThat(resolver.resolve(ProfileKey.namespaced("team", "base"))
                        .syscalls()
                        .cardinality())
                .isEqualTo(UNIVERSE.cardinality() - 2);
    }

    /**
     * A name under ALLOW in one profile and ERRNO in another is allowed: SPO's merge keeps the less restrictive
     * action per name (security-profiles-merger {@code seccomp.UnionSyscalls} with {@code LessRestrictive}, which
     * ranks ALLOW and LOG above every denying action). The child's own default ALLOW does not make the merged
     * profile a deny-list once the base contributes ALLOW entries (the SySched reading, {@link SeccompPolicy}).
     */
    @Test
    void aNameAllowedAnywhereInTheChainIsAllowed() {
        ProfileResolver resolver = resolver(
                SpoScope.NAMESPACED,
                custom("app", "base", "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "ptrace"),
                custom("base", null, "SCMP_ACT_ERRNO", "SCMP_ACT_ALLOW", "read, ptrace"));

        assertThat(resolver.resolve(ProfileKey.namespaced("team", "app"))
                        .syscalls()
                        .names())
                .containsExactlyInAnyOrder("read", "ptrace");
    }

    /** Two deny-lists merged deny what either lists, measured against the universe once. */
    @Test
    void aDenyListOverADenyListDeniesBothLists() {
        ProfileResolver resolver = resolver(
                SpoScope.NAMESPACED,
                custom("app", "base", "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "ptrace"),
                custom("base", null, "SCMP_ACT_LOG", "SCMP_ACT_KILL", "mount"));

        SyscallSet syscalls =
                resolver.resolve(ProfileKey.namespaced("team", "app")).syscalls();

        assertThat(syscalls.cardinality()).isEqualTo(UNIVERSE.cardinality() - 2);
        assertThat(syscalls.names()).doesNotContain("ptrace", "mount");
    }

    /** A deny-list base under an allow-list child adds nothing but its allowed names (none here). */
    @Test
    void aDenyListBaseDoesNotWidenAnAllowListChild() {
        SeccompProfileV1Beta1 denyList = Serialization.unmarshal("""
                apiVersion: security-profiles-operator.x-k8s.io/v1beta1
                kind: SeccompProfile
                metadata: {name: base, namespace: team}
                spec:
                  defaultAction: SCMP_ACT_ALLOW
                  syscalls: [{action: SCMP_ACT_ERRNO, names: [ptrace, mount]}]
                """, SeccompProfileV1Beta1.class);
        ProfileResolver resolver = resolver(SpoScope.NAMESPACED, profile("team", "app", "base", "procexit"), denyList);

        assertThat(resolver.resolve(ProfileKey.namespaced("team", "app"))
                        .syscalls()
                        .names())
                .containsExactly("procexit");
    }

    /** {@code chain-0 -> chain-1 -> ... -> chain-(length-1)}, each allowing {@code exit}, in namespace team. */
    private static ProfileResolver chainOf(int length) {
        List<SeccompProfile> chain = new java.util.ArrayList<>();
        for (int i = 0; i < length; i++) {
            chain.add(profile("team", "chain-" + i, i + 1 < length ? "chain-" + (i + 1) : null, "exit"));
        }
        return new ProfileResolver(SpoProfiles.lookup(chain, SpoScope.NAMESPACED), UNIVERSE);
    }

    /**
     * SPO resolves a profile and at most 14 bases: {@code resolveSyscallsForProfile} fails once its recursion level
     * reaches {@code seccompcheck.MaxBaseProfileDepth} (15), as does {@code seccompcheck.ResolveLocalSyscalls}
     * ({@code TestResolveLocalSyscalls}, case "chain too long": a child over chain-0 .. chain-15).
     */
    @Test
    void aChainHoldsAtMostFifteenProfilesAsInSpo() {
        assertThat(chainOf(15).resolve(ProfileKey.namespaced("team", "chain-0")).chain())
                .hasSize(15);

        assertThatThrownBy(() -> chainOf(16).resolve(ProfileKey.namespaced("team", "chain-0")))
                .isInstanceOfSatisfying(
                        ProfileResolutionException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProfileResolutionException.Reason.INVALID_PROFILE))
                .hasMessageContaining("longer than 15 profiles");
    }

    @Test
    void aCycleIsAnErrorNamingTheChain() {
        ProfileResolver resolver = resolver(
                SpoScope.NAMESPACED,
                profile("team", "a", "b", "read"),
                profile("team", "b", "c", "read"),
                profile("team", "c", "a", "read"));

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
                .isInstanceOf(ProfileResolutionException.class)
                .hasMessageContaining("chain: a -> a");
    }

    @Test
    void aMissingBaseIsAnErrorNotAnEmptySet() {
        ProfileResolver resolver = resolver(SpoScope.NAMESPACED, profile("team", "app", "gone", "read"));

        assertThatThrownBy(() -> resolver.resolve(ProfileKey.namespaced("team", "app")))
                .isInstanceOfSatisfying(
                        ProfileResolutionException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProfileResolutionException.Reason.BASE_NOT_FOUND))
                .hasMessageContaining("base profile team/gone not found (chain: team/app -> team/gone)");
    }

    @Test
    void aBaseInAnotherNamespaceIsNotFollowed() {
        ProfileResolver resolver = resolver(
                SpoScope.NAMESPACED, profile("team", "app", "runc", "read"), profile("other", "runc", null, "read"));

        assertThatThrownBy(() -> resolver.resolve(ProfileKey.namespaced("team", "app")))
                .hasMessageContaining("team/runc not found");
    }

    @Test
    void aMissingProfileIsAnError() {
        ProfileResolver resolver = resolver(SpoScope.NAMESPACED);

        assertThat(resolver.exists(ProfileKey.namespaced("team", "x"))).isFalse();
        assertThatThrownBy(() -> resolver.resolve(ProfileKey.namespaced("team", "x")))
                .isInstanceOfSatisfying(
                        ProfileResolutionException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProfileResolutionException.Reason.PROFILE_NOT_FOUND));
    }

    /**
     * {@code oci://} bases are pulled by SPO's daemon from a registry, which we never contact. Any other value is
     * looked up as a SeccompProfile of that name ({@code util.NamespacedName(baseProfileName, namespace)}, no
     * {@code localhost/} or path form); SPO v1's CRD rejects names no object can have
     * ({@code XValidation: self == '' || self.startsWith('oci://') || <DNS-1123 subdomain>}).
     */
    @Test
    void ociBasesAreUnsupportedAndImpossibleNamesInvalid() {
        ProfileResolver resolver = resolver(
                SpoScope.NAMESPACED,
                profile("team", "oci", "oci://ghcr.io/security-profiles/runc:v1.2.0", "read"),
                profile("team", "path", "other/base", "read"),
                profile("team", "localhost", "localhost/runc", "read"),
                profile("team", "upper", "Runc", "read"));

        assertThatThrownBy(() -> resolver.resolve(ProfileKey.namespaced("team", "oci")))
                .isInstanceOfSatisfying(
                        ProfileResolutionException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProfileResolutionException.Reason.UNSUPPORTED_BASE))
                .hasMessageContaining("OCI artifact bases are not supported");
        for (String name : List.of("path", "localhost", "upper")) {
            assertThatThrownBy(() -> resolver.resolve(ProfileKey.namespaced("team", name)))
                    .isInstanceOfSatisfying(
                            ProfileResolutionException.class,
                            e -> assertThat(e.reason()).isEqualTo(ProfileResolutionException.Reason.INVALID_PROFILE))
                    .hasMessageContaining("which no SeccompProfile can be named");
        }
    }

    @Test
    void anInvalidProfileIsReportedWhenLookedUp() {
        SeccompProfile broken = profile("team", "broken", null, "read");
        broken.getSpec().setDefaultAction(null);
        ProfileResolver resolver = resolver(SpoScope.NAMESPACED, broken, profile("team", "fine", null, "read"));

        assertThat(resolver.resolve(ProfileKey.namespaced("team", "fine"))
                        .syscalls()
                        .cardinality())
                .isEqualTo(1);
        assertThatThrownBy(() -> resolver.resolve(ProfileKey.namespaced("team", "broken")))
                .isInstanceOfSatisfying(
                        ProfileResolutionException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProfileResolutionException.Reason.INVALID_PROFILE))
                .hasMessageContaining("has no spec.defaultAction");
    }

    @Test
    void resolvesTheSyschedDemoProfilesFromTheirYaml() {
        ProfileResolver resolver = new ProfileResolver(
                SpoProfiles.lookup(
                        List.of(
                                TestResources.read(
                                        "/sysched-examples/nginx.profile.yaml",
                                        "SeccompProfile",
                                        SeccompProfileV1Beta1.class),
                                TestResources.read(
                                        "/sysched-examples/full.profile.yaml",
                                        "SeccompProfile",
                                        SeccompProfileV1Beta1.class)),
                        SpoScope.NAMESPACED),
                UNIVERSE);

        assertThat(resolver.resolve(ProfileKey.namespaced("default", "nginx-seccomp"))
                        .syscalls()
                        .cardinality())
                .isEqualTo(98);
        assertThat(resolver.resolve(ProfileKey.namespaced("default", "full-seccomp"))
                        .syscalls()
                        .cardinality())
                .isEqualTo(333);
    }
}
