package io.github.sysched.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.github.sysched.binding.Binding;
import io.github.sysched.binding.BindingPlan;
import io.github.sysched.binding.BindingPolicy;
import io.github.sysched.binding.BindingResolver;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.profile.ProfileLookup;
import io.github.sysched.profile.ProfileResolutionException;
import io.github.sysched.profile.ProfileResolver;
import io.github.sysched.profile.RuntimeDefaultProfile;
import io.github.sysched.profile.SpoProfiles;
import io.github.sysched.spo.ProfileBindingV1Alpha1;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.spo.TestResources;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Uses the SySched demo profiles: nginx 98, redis 86, full 333 names; |nginx ∪ redis| = 105, |full ∪ nginx| = 338
 * (nginx lists prlimit, procexit, signaldeliver, sigreturn, umount, which "full" lacks); RuntimeDefault 317.
 */
class PodSyscallResolverTest {

    private static final ProfileKey NGINX = ProfileKey.namespaced("default", "nginx-seccomp");
    private static final ProfileKey REDIS = ProfileKey.namespaced("default", "redis-seccomp");
    private static final ProfileKey FULL = ProfileKey.namespaced("default", "full-seccomp");

    private static final List<SeccompProfile> DEMO_PROFILES =
            List.of(demoProfile("nginx"), demoProfile("redis"), demoProfile("full"));
    private static final ProfileLookup DEMO = SpoProfiles.lookup(DEMO_PROFILES, SpoScope.NAMESPACED);

    private final PodSyscallResolver resolver = resolverOver(DEMO, FULL);

    private static SeccompProfile demoProfile(String image) {
        return TestResources.read(
                "/sysched-examples/" + image + ".profile.yaml", "SeccompProfile", SeccompProfileV1Beta1.class);
    }

    private static PodSyscallResolver resolverOver(ProfileLookup lookup, ProfileKey defaultProfile) {
        return new PodSyscallResolver(
                new ProfileResolver(lookup, SyscallTable.x86_64().syscallsNumberedUpTo(332)),
                RuntimeDefaultProfile.syscalls(),
                defaultProfile);
    }

    private static PodBuilder pod(String... containerNames) {
        PodBuilder builder = new PodBuilder()
                .withNewMetadata()
                .withName("p")
                .withNamespace("default")
                .endMetadata()
                .withNewSpec()
                .endSpec();
        for (String name : containerNames) {
            builder.editSpec()
                    .addNewContainer()
                    .withName(name)
                    .withImage(name + ":1")
                    .endContainer()
                    .endSpec();
        }
        return builder;
    }

    private static PodBuilder withPodProfile(PodBuilder pod, String type, String localhostProfile) {
        return pod.editSpec()
                .withNewSecurityContext()
                .withNewSeccompProfile()
                .withType(type)
                .withLocalhostProfile(localhostProfile)
                .endSeccompProfile()
                .endSecurityContext()
                .endSpec();
    }

    private static PodBuilder withContainerProfile(
            PodBuilder pod, String container, String type, String localhostProfile) {
        return pod.editSpec()
                .editMatchingContainer(c -> container.equals(c.getName()))
                .withNewSecurityContext()
                .withNewSeccompProfile()
                .withType(type)
                .withLocalhostProfile(localhostProfile)
                .endSeccompProfile()
                .endSecurityContext()
                .endContainer()
                .endSpec();
    }

    @Test
    void aPodWithoutProfilesGetsTheDefaultProfile() {
        PodSyscalls result = resolver.resolve(pod("app").build());

        assertThat(result.syscalls().cardinality()).isEqualTo(333);
        assertThat(result.origin()).isEqualTo(ProfileOrigin.DEFAULT_PROFILE);
        assertThat(result.profiles()).containsExactly(FULL);
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void aPodLevelLocalhostProfileIsExplicit() {
        PodSyscalls result =
                resolver.resolve(withPodProfile(pod("a", "b"), "Localhost", "operator/default/nginx-seccomp.json")
                        .build());

        assertThat(result.syscalls().cardinality()).isEqualTo(98);
        assertThat(result.origin()).isEqualTo(ProfileOrigin.EXPLICIT_PROFILE);
        assertThat(result.containers())
                .extracting(ContainerSyscalls::containerName)
                .containsExactly("a", "b");
        assertThat(result.profiles()).containsExactly(NGINX);
    }

    @Test
    void aContainerProfileOverridesThePodProfileForThatContainer() {
        PodBuilder pod = withPodProfile(pod("a", "b"), "Localhost", "operator/default/nginx-seccomp.json");
        withContainerProfile(pod, "a", "Localhost", "operator/default/redis-seccomp.json");
        PodSyscalls both = resolver.resolve(pod.build());

        PodBuilder onlyOverridden = withPodProfile(pod("a"), "Localhost", "operator/default/nginx-seccomp.json");
        withContainerProfile(onlyOverridden, "a", "RuntimeDefault", null);
        PodSyscalls overridden = resolver.resolve(onlyOverridden.build());

        assertThat(both.containers().get(0).syscalls().cardinality()).isEqualTo(86);
        assertThat(both.containers().get(1).syscalls().cardinality()).isEqualTo(98);
        assertThat(both.syscalls().cardinality()).isEqualTo(105);
        assertThat(both.profiles()).containsExactly(NGINX, REDIS);
        assertThat(overridden.syscalls().cardinality()).isEqualTo(317);
        assertThat(overridden.origin()).isEqualTo(ProfileOrigin.RUNTIME_DEFAULT);
    }

    @Test
    void initContainersCount() {
        Pod pod = withContainerProfile(pod("app"), "app", "Localhost", "operator/default/nginx-seccomp.json")
                .editSpec()
                .addNewInitContainer()
                .withName("setup")
                .withImage("redis")
                .withNewSecurityContext()
                .withNewSeccompProfile()
                .withType("Localhost")
                .withLocalhostProfile("operator/default/redis-seccomp.json")
                .endSeccompProfile()
                .endSecurityContext()
                .endInitContainer()
                .endSpec()
                .build();

        PodSyscalls result = resolver.resolve(pod);

        assertThat(result.syscalls().cardinality()).isEqualTo(105);
        assertThat(result.containers().get(0).containerName()).isEqualTo("setup");
        assertThat(result.containers().get(0).initContainer()).isTrue();
    }

    @Test
    void runtimeDefaultAndUnconfined() {
        PodSyscalls runtimeDefault = resolver.resolve(
                withPodProfile(pod("a"), "RuntimeDefault", null).build());
        PodSyscalls unconfined =
                resolver.resolve(withPodProfile(pod("a"), "Unconfined", null).build());
        PodBuilder mixed = withContainerProfile(pod("a", "b"), "a", "RuntimeDefault", null);
        withContainerProfile(mixed, "b", "Localhost", "operator/default/nginx-seccomp.json");

        assertThat(runtimeDefault.syscalls().cardinality()).isEqualTo(317);
        assertThat(runtimeDefault.profiles()).isEmpty();
        assertThat(unconfined.syscalls().cardinality()).isEqualTo(333);
        assertThat(unconfined.origin()).isEqualTo(ProfileOrigin.DEFAULT_PROFILE);
        assertThat(resolver.resolve(mixed.build()).syscalls().cardinality()).isEqualTo(326);
    }

    @Test
    void legacyAnnotationsAreRead() {
        Pod pod = pod("a", "b", "c", "d")
                .editMetadata()
                .withAnnotations(Map.of(
                        LegacySeccompAnnotations.POD,
                        "localhost/operator/default/nginx-seccomp.json",
                        LegacySeccompAnnotations.containerKey("a"),
                        "runtime/default",
                        LegacySeccompAnnotations.containerKey("b"),
                        "docker/default",
                        LegacySeccompAnnotations.containerKey("c"),
                        "unconfined"))
                .endMetadata()
                .build();

        PodSyscalls result = resolver.resolve(pod);

        assertThat(result.containers())
                .extracting(ContainerSyscalls::origin)
                .containsExactly(
                        ProfileOrigin.RUNTIME_DEFAULT,
                        ProfileOrigin.RUNTIME_DEFAULT,
                        ProfileOrigin.DEFAULT_PROFILE,
                        ProfileOrigin.EXPLICIT_PROFILE);
        assertThat(result.containers().get(3).syscalls().cardinality()).isEqualTo(98);
        // full ∪ runtime-default = 365; nginx adds 5 names the demo's "full" profile lacks (procexit, ...)
        assertThat(result.syscalls().cardinality()).isEqualTo(370);
        assertThat(result.warnings()).isEmpty();
    }

    /**
     * Upstream SySched reads every annotation whose key contains {@code seccomp.security.alpha.kubernetes.io}, and
     * its tests use the bare key ({@code pkg/sysched/sysched_test.go}, {@code TestGetSyscalls}, "Pod with
     * annotation": {@code seccomp.security.alpha.kubernetes.io: localhost/operator/default/z-seccomp.json}). Only
     * {@code .../pod} and {@code container.../<name>} were ever applied (the kubelet read them; the API server copies
     * them into the fields, {@code applySeccompVersionSkew}): any other such key confines nothing, so it is not read
     * here (a pod author could otherwise claim a profile that never runs), and the client is told.
     */
    @Test
    void annotationKeysNothingAppliesAreNotReadButReported() {
        Pod pod = pod("a").editMetadata()
                .withAnnotations(Map.of(
                        "seccomp.security.alpha.kubernetes.io", "localhost/operator/default/nginx-seccomp.json",
                        "example.com/seccomp.security.alpha.kubernetes.io",
                                "localhost/operator/default/redis-seccomp.json"))
                .endMetadata()
                .build();

        PodSyscalls result = resolver.resolve(pod);

        assertThat(result.syscalls().cardinality()).isEqualTo(333);
        assertThat(result.origin()).isEqualTo(ProfileOrigin.DEFAULT_PROFILE);
        assertThat(result.warnings())
                .containsExactly(
                        "annotation example.com/seccomp.security.alpha.kubernetes.io is not a seccomp annotation Kubernetes "
                                + "applies (only seccomp.security.alpha.kubernetes.io/pod and "
                                + "container.seccomp.security.alpha.kubernetes.io/<container>); ignored",
                        "annotation seccomp.security.alpha.kubernetes.io is not a seccomp annotation Kubernetes applies "
                                + "(only seccomp.security.alpha.kubernetes.io/pod and "
                                + "container.seccomp.security.alpha.kubernetes.io/<container>); ignored");
    }

    @Test
    void fieldsWinOverAnnotations() {
        Pod pod = withPodProfile(
                        withContainerProfile(pod("a", "b"), "a", "RuntimeDefault", null),
                        "Localhost",
                        "operator/default/redis-seccomp.json")
                .editMetadata()
                .withAnnotations(Map.of(
                        LegacySeccompAnnotations.POD,
                        "unconfined",
                        LegacySeccompAnnotations.containerKey("a"),
                        "localhost/operator/default/nginx-seccomp.json"))
                .endMetadata()
                .build();

        PodSyscalls result = resolver.resolve(pod);

        assertThat(result.containers().get(0).syscalls().cardinality()).isEqualTo(317);
        assertThat(result.containers().get(1).syscalls().cardinality()).isEqualTo(86);
        assertThat(result.syscalls().cardinality()).isEqualTo(324);
    }

    @Test
    void unreadableAnnotationsAreWarningsInSortedOrder() {
        Pod pod = pod("a").editMetadata()
                .withAnnotations(Map.of(
                        LegacySeccompAnnotations.containerKey("zz"), "runtime/default",
                        LegacySeccompAnnotations.containerKey("gone"), "runtime/default",
                        LegacySeccompAnnotations.containerKey("a"), "localhost/"))
                .endMetadata()
                .build();

        PodSyscalls result = resolver.resolve(pod);

        assertThat(result.syscalls().cardinality()).isEqualTo(333);
        assertThat(result.warnings())
                .containsExactly(
                        "annotation container.seccomp.security.alpha.kubernetes.io/gone names no container of the pod; ignored",
                        "annotation container.seccomp.security.alpha.kubernetes.io/zz names no container of the pod; ignored",
                        "container a: unknown legacy seccomp annotation value 'localhost/'; ignored");
    }

    @Test
    void aLocalhostProfileOutsideSpoFallsBackToTheDefaultWithAWarning() {
        PodSyscalls result = resolver.resolve(
                withPodProfile(pod("a"), "Localhost", "profiles/audit.json").build());

        assertThat(result.syscalls().cardinality()).isEqualTo(333);
        assertThat(result.origin()).isEqualTo(ProfileOrigin.DEFAULT_PROFILE);
        assertThat(result.warnings())
                .containsExactly("container a: Localhost profile 'profiles/audit.json' "
                        + "(pod field) is not an SPO profile; using the default profile default/full-seccomp");
    }

    @Test
    void aMissingDefaultProfileFallsBackToTheFullTable() {
        PodSyscallResolver withoutDefault = resolverOver(DEMO, ProfileKey.namespaced("default", "absent"));

        PodSyscalls result = withoutDefault.resolve(pod("a", "b").build());

        assertThat(result.syscalls().cardinality()).isEqualTo(362);
        assertThat(result.profiles()).isEmpty();
        assertThat(result.origin()).isEqualTo(ProfileOrigin.DEFAULT_PROFILE);
        assertThat(result.warnings())
                .containsExactly(
                        "default profile default/absent not found; using the full x86_64 table (362 syscalls)");
    }

    @Test
    void aMissingExplicitProfileIsAnError() {
        Pod pod = withPodProfile(pod("a"), "Localhost", "operator/default/absent.json")
                .build();

        assertThatThrownBy(() -> resolver.resolve(pod))
                .isInstanceOf(ProfileResolutionException.class)
                .hasMessageContaining("profile default/absent not found");
    }

    @Test
    void boundContainersReportTheBinding() {
        Binding nginxBinding = Binding.from(TestResources.read(
                "/sysched-examples/nginx.binding.yaml", "ProfileBinding", ProfileBindingV1Alpha1.class));
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName("nginx1")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("nginx1")
                .withImage("nginx:1.16")
                .endContainer()
                .addNewContainer()
                .withName("sidecar")
                .withImage("busybox")
                .endContainer()
                .endSpec()
                .build();
        BindingPlan plan = new BindingResolver(
                        SpoScope.NAMESPACED, key -> DEMO.find(key).isPresent(), BindingPolicy.spoV1())
                .plan(pod, "default", List.of(nginxBinding));

        PodSyscalls result = resolver.resolve(plan.applyTo(pod), plan);

        ContainerSyscalls nginx = result.containers().get(0);
        assertThat(nginx.origin()).isEqualTo(ProfileOrigin.BINDING);
        assertThat(nginx.binding()).contains("default/nginx-binding");
        assertThat(nginx.profile()).contains(NGINX);
        assertThat(nginx.syscalls().cardinality()).isEqualTo(98);
        assertThat(result.origin()).isEqualTo(ProfileOrigin.BINDING);
        assertThat(result.origins()).containsExactly(ProfileOrigin.BINDING, ProfileOrigin.DEFAULT_PROFILE);
        assertThat(result.syscalls().cardinality()).isEqualTo(338); // full ∪ nginx
        assertThat(resolver.resolve(plan.applyTo(pod)).containers().get(0).origin())
                .isEqualTo(ProfileOrigin.EXPLICIT_PROFILE);
    }

    @Test
    void clusterScopedPathsResolveAgainstAClusterScopedLookup() {
        ProfileLookup cluster = SpoProfiles.lookup(DEMO_PROFILES, SpoScope.CLUSTER);
        PodSyscallResolver clusterResolver = resolverOver(cluster, ProfileKey.cluster("full-seccomp"));

        PodSyscalls result =
                clusterResolver.resolve(withPodProfile(pod("a"), "Localhost", "operator/redis-seccomp.json")
                        .build());

        assertThat(result.syscalls().cardinality()).isEqualTo(86);
        assertThat(result.profiles()).containsExactly(ProfileKey.cluster("redis-seccomp"));
    }

    private static SeccompProfile renamed(SeccompProfile profile, String name) {
        SeccompProfile copy = io.fabric8.kubernetes.client.utils.Serialization.clone(profile);
        copy.getMetadata().setName(name);
        return copy;
    }

    /**
     * SPO stores profile {@code dot.json} as {@code operator/default/dot.json}, not {@code dot.json.json}
     * (security-profiles-operator {@code api/seccompprofile/v1/seccompprofile_types_test.go},
     * {@code TestGetProfileFile}: "keeps an existing extension"), so the path names profile {@code dot.json} as
     * well as {@code dot}; the one that exists is used.
     */
    @Test
    void aProfileNamedWithTheJsonSuffixIsFoundUnderItsOwnFileName() {
        ProfileLookup lookup = SpoProfiles.lookup(
                List.of(renamed(demoProfile("nginx"), "dot.json"), demoProfile("full")), SpoScope.NAMESPACED);

        PodSyscalls result = resolverOver(lookup, FULL)
                .resolve(withPodProfile(pod("a"), "Localhost", "operator/default/dot.json")
                        .build());

        assertThat(result.syscalls().cardinality()).isEqualTo(98);
        assertThat(result.profiles()).containsExactly(ProfileKey.namespaced("default", "dot.json"));
    }

    /**
     * Profiles {@code dot} and {@code dot.json} share one file in SPO ({@code siblingName} in the daemon's
     * {@code seccompprofile.go}). The binding that put the path there decides; without one, {@code dot} is read.
     */
    @Test
    void ofTwoProfilesSharingOneFileTheBoundOneIsRead() {
        List<SeccompProfile> profiles = List.of(
                renamed(demoProfile("nginx"), "dot.json"), renamed(demoProfile("redis"), "dot"), demoProfile("full"));
        ProfileLookup lookup = SpoProfiles.lookup(profiles, SpoScope.NAMESPACED);
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName("web")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("web")
                .withImage("web:1")
                .endContainer()
                .endSpec()
                .build();
        BindingPlan plan = new BindingResolver(
                        SpoScope.NAMESPACED, key -> lookup.find(key).isPresent(), BindingPolicy.spoV1())
                .plan(
                        pod,
                        "default",
                        List.of(new Binding(
                                "default", "web", "web:1", Binding.SECCOMP_PROFILE_KIND, "dot.json", null)));
        Pod bound = plan.applyTo(pod);

        PodSyscalls viaBinding = resolverOver(lookup, FULL).resolve(bound, plan);
        PodSyscalls asStored = resolverOver(lookup, FULL).resolve(bound);

        assertThat(bound.getSpec()
                        .getContainers()
                        .get(0)
                        .getSecurityContext()
                        .getSeccompProfile()
                        .getLocalhostProfile())
                .isEqualTo("operator/default/dot.json");
        assertThat(viaBinding.containers().get(0).origin()).isEqualTo(ProfileOrigin.BINDING);
        assertThat(viaBinding.profiles()).containsExactly(ProfileKey.namespaced("default", "dot.json"));
        assertThat(viaBinding.syscalls().cardinality()).isEqualTo(98);
        assertThat(asStored.profiles()).containsExactly(ProfileKey.namespaced("default", "dot"));
    }

    private static PodSyscallResolver resolverWith(ContainerPolicy policy) {
        return new PodSyscallResolver(
                new ProfileResolver(DEMO, SyscallTable.x86_64().syscallsNumberedUpTo(332)),
                RuntimeDefaultProfile.syscalls(),
                FULL,
                policy);
    }

    /** nginx bound to the app, an unprofiled istio-init that runs to completion, an unprofiled istio-proxy. */
    private static Pod meshPod() {
        return withContainerProfile(
                        pod("app", "istio-proxy"), "app", "Localhost", "operator/default/nginx-seccomp.json")
                .editSpec()
                .addNewInitContainer()
                .withName("istio-init")
                .withImage("proxyv2:1")
                .endInitContainer()
                .endSpec()
                .build();
    }

    private static SyscallSet setOf(ProfileKey key) {
        return SpoProfiles.policyOf(DEMO_PROFILES.stream()
                        .filter(p -> p.getMetadata().getName().equals(key.name()))
                        .findFirst()
                        .orElseThrow())
                .allowedSyscalls(SyscallTable.x86_64().syscallsNumberedUpTo(332));
    }

    /**
     * The default counts what runs: an unprofiled container runs unconfined, so one unprofiled istio-init or
     * istio-proxy makes the pod the default profile's set (with nginx's names the default lacks).
     */
    @Test
    void byDefaultUnprofiledAndInitContainersCountWithTheDefaultProfile() {
        PodSyscalls result = resolver.resolve(meshPod());

        assertThat(result.syscalls().cardinality()).isEqualTo(338);
        assertThat(result.containers())
                .extracting(ContainerSyscalls::origin)
                .containsExactly(
                        ProfileOrigin.DEFAULT_PROFILE, ProfileOrigin.EXPLICIT_PROFILE, ProfileOrigin.DEFAULT_PROFILE);
    }

    /**
     * Upstream SySched ({@code pkg/sysched/sysched.go}, {@code getSyscalls}) reads only the Localhost profiles
     * of the pod and of {@code spec.containers}, and gives the default profile only to a pod where it found none
     * ("if a pod does not have a seccomp profile specified, return the set of all syscalls").
     */
    @Test
    void ignoreLeavesUnprofiledContainersOutAsUpstream() {
        PodSyscallResolver ignoring = resolverWith(
                new ContainerPolicy(ContainerPolicy.Unprofiled.IGNORE, ContainerPolicy.InitContainers.COUNT));

        PodSyscalls mesh = ignoring.resolve(meshPod());
        PodSyscalls nothingProfiled = ignoring.resolve(pod("a", "b").build());

        assertThat(mesh.syscalls()).isEqualTo(setOf(NGINX));
        assertThat(mesh.containers())
                .extracting(ContainerSyscalls::origin)
                .containsExactly(
                        ProfileOrigin.UNPROFILED_IGNORED,
                        ProfileOrigin.EXPLICIT_PROFILE,
                        ProfileOrigin.UNPROFILED_IGNORED);
        assertThat(nothingProfiled.syscalls().cardinality()).isEqualTo(333);
        assertThat(nothingProfiled.origin()).isEqualTo(ProfileOrigin.DEFAULT_PROFILE);
        assertThat(nothingProfiled.warnings())
                .containsExactly("no container of the pod counts; using the default profile default/full-seccomp");
    }

    /**
     * A kubelet with {@code seccompDefault: true} runs a container without any setting as RuntimeDefault; an
     * explicit Unconfined stays unconfined and keeps the default profile.
     */
    @Test
    void runtimeDefaultCountsContainersWithoutAnySettingAsRuntimeDefault() {
        PodSyscallResolver assumingSeccompDefault = resolverWith(
                new ContainerPolicy(ContainerPolicy.Unprofiled.RUNTIME_DEFAULT, ContainerPolicy.InitContainers.COUNT));

        PodSyscalls mesh = assumingSeccompDefault.resolve(meshPod());
        PodSyscalls unconfined = assumingSeccompDefault.resolve(
                withContainerProfile(pod("a"), "a", "Unconfined", null).build());

        assertThat(mesh.syscalls()).isEqualTo(setOf(NGINX).union(RuntimeDefaultProfile.syscalls()));
        assertThat(mesh.containers())
                .extracting(ContainerSyscalls::origin)
                .containsExactly(
                        ProfileOrigin.RUNTIME_DEFAULT, ProfileOrigin.EXPLICIT_PROFILE, ProfileOrigin.RUNTIME_DEFAULT);
        assertThat(unconfined.syscalls().cardinality()).isEqualTo(333);
        assertThat(unconfined.origin()).isEqualTo(ProfileOrigin.DEFAULT_PROFILE);
    }

    /**
     * Init containers that run to completion may be left out; a restartable init container (a native sidecar,
     * {@code restartPolicy: Always}) runs as long as the pod and always counts, and so does an unprofiled one.
     */
    @Test
    void initContainersThatRunToCompletionCanBeLeftOutButNativeSidecarsCount() {
        PodSyscallResolver steadyState = resolverWith(
                new ContainerPolicy(ContainerPolicy.Unprofiled.DEFAULT_PROFILE, ContainerPolicy.InitContainers.IGNORE));
        Pod pod = withContainerProfile(pod("app"), "app", "Localhost", "operator/default/nginx-seccomp.json")
                .editSpec()
                .addNewInitContainer()
                .withName("istio-init")
                .withImage("proxyv2:1")
                .endInitContainer()
                .addNewInitContainer()
                .withName("proxy")
                .withImage("redis:1")
                .withRestartPolicy("Always")
                .withNewSecurityContext()
                .withNewSeccompProfile()
                .withType("Localhost")
                .withLocalhostProfile("operator/default/redis-seccomp.json")
                .endSeccompProfile()
                .endSecurityContext()
                .endInitContainer()
                .addNewInitContainer()
                .withName("migrate")
                .withImage("gone:1")
                .withNewSecurityContext()
                .withNewSeccompProfile()
                .withType("Localhost")
                .withLocalhostProfile("operator/default/absent.json")
                .endSeccompProfile()
                .endSecurityContext()
                .endInitContainer()
                .endSpec()
                .build();

        PodSyscalls result = steadyState.resolve(pod);

        assertThat(result.syscalls()).isEqualTo(setOf(NGINX).union(setOf(REDIS)));
        assertThat(result.containers())
                .extracting(ContainerSyscalls::origin)
                .containsExactly(
                        ProfileOrigin.INIT_IGNORED,
                        ProfileOrigin.EXPLICIT_PROFILE,
                        ProfileOrigin.INIT_IGNORED,
                        ProfileOrigin.EXPLICIT_PROFILE);
        // counted, the missing profile of "migrate" fails the pod
        assertThatThrownBy(() -> resolver.resolve(pod)).isInstanceOf(ProfileResolutionException.class);
    }
}
