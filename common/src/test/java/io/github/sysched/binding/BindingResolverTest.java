package io.github.sysched.binding;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.spo.ProfileBindingV1Alpha1;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.spo.TestResources;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BindingResolverTest {

    private static final Set<ProfileKey> NAMESPACED_PROFILES = Set.of(
            ProfileKey.namespaced("shop", "web"),
            ProfileKey.namespaced("shop", "web-alt"),
            ProfileKey.namespaced("shop", "sidecar"),
            ProfileKey.namespaced("shop", "any"),
            ProfileKey.namespaced("shop", "any-alt"),
            ProfileKey.namespaced("shop", "init"));

    private final BindingResolver resolver =
            new BindingResolver(SpoScope.NAMESPACED, NAMESPACED_PROFILES::contains, BindingPolicy.spoV1());

    private static Binding binding(String name, String image, String profile) {
        return new Binding("shop", name, image, Binding.SECCOMP_PROFILE_KIND, profile, null);
    }

    private static PodBuilder pod() {
        return new PodBuilder()
                .withNewMetadata()
                .withName("p")
                .withNamespace("shop")
                .withLabels(Map.of("app", "web"))
                .endMetadata()
                .withNewSpec()
                .addNewInitContainer()
                .withName("setup")
                .withImage("busybox:1")
                .endInitContainer()
                .addNewContainer()
                .withName("web")
                .withImage("nginx:1.16")
                .endContainer()
                .addNewContainer()
                .withName("proxy")
                .withImage("envoy:1")
                .endContainer()
                .addNewEphemeralContainer()
                .withName("debug")
                .withImage("nginx:1.16")
                .endEphemeralContainer()
                .endSpec();
    }

    @Test
    void exactImageBindsThatContainer() {
        BindingPlan plan = resolver.plan(
                pod().build(),
                "shop",
                List.of(binding("b-web", "nginx:1.16", "web"), binding("b-tag", "nginx", "web")));

        assertThat(plan.containers()).containsOnlyKeys("web");
        assertThat(plan.containers().get("web"))
                .isEqualTo(new BoundProfile(ProfileKey.namespaced("shop", "web"), "shop/b-web"));
        assertThat(plan.podLevel()).isEmpty();
        assertThat(plan.warnings()).isEmpty();
    }

    /**
     * SPO compares images in their normalized form ({@code TestHandleNormalizesImages}): a pod cannot escape a
     * binding for nginx:1.16 by writing docker.io/library/nginx:1.16.
     */
    @Test
    void imagesAreComparedInTheirNormalizedForm() {
        Pod pod = new PodBuilder(pod().build())
                .editSpec()
                .editContainer(0)
                .withImage("docker.io/library/nginx:1.16")
                .endContainer()
                .endSpec()
                .build();

        BindingPlan plan = resolver.plan(pod, "shop", List.of(binding("b-web", "nginx:1.16", "web")));

        assertThat(plan.containers()).containsOnlyKeys("web");
    }

    @Test
    void initContainersAreBoundEphemeralOnesAreNot() {
        BindingPlan plan = resolver.plan(
                pod().build(),
                "shop",
                List.of(binding("b-init", "busybox:1", "init"), binding("b-web", "nginx:1.16", "web")));

        assertThat(plan.containers()).containsOnlyKeys("setup", "web");
        Pod applied = plan.applyTo(pod().build());
        assertThat(applied.getSpec().getEphemeralContainers().get(0).getSecurityContext())
                .isNull();
        assertThat(applied.getSpec()
                        .getInitContainers()
                        .get(0)
                        .getSecurityContext()
                        .getSeccompProfile()
                        .getLocalhostProfile())
                .isEqualTo("operator/shop/init.json");
    }

    @Test
    void wildcardBindsThePodWhenNoContainerMatched() {
        BindingPlan plan = resolver.plan(pod().build(), "shop", List.of(binding("b-any", "*", "any")));

        assertThat(plan.containers()).isEmpty();
        assertThat(plan.podLevel()).contains(new BoundProfile(ProfileKey.namespaced("shop", "any"), "shop/b-any"));
    }

    @Test
    void aContainerMatchSuppressesTheWildcard() {
        BindingPlan plan = resolver.plan(
                pod().build(), "shop", List.of(binding("b-any", "*", "any"), binding("b-web", "nginx:1.16", "web")));

        assertThat(plan.containers()).containsOnlyKeys("web");
        assertThat(plan.podLevel()).isEmpty();
        assertThat(plan.warnings())
                .containsExactly("wildcard binding shop/b-any not applied: a container-level binding applied");
    }

    @Test
    void anExistingPodLevelProfileSuppressesTheWildcard() {
        Pod pod = pod().editSpec()
                .withNewSecurityContext()
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .endSpec()
                .build();

        BindingPlan plan = resolver.plan(pod, "shop", List.of(binding("b-any", "*", "any")));

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.warnings())
                .containsExactly(
                        "wildcard binding shop/b-any not applied: the pod sets its own pod-level seccompProfile");
    }

    @Test
    void severalWildcardsWithoutCreationTimesLowestNameWins() {
        BindingPlan plan = resolver.plan(
                pod().build(), "shop", List.of(binding("z-any", "*", "any-alt"), binding("a-any", "*", "any")));

        assertThat(plan.podLevel().orElseThrow().binding()).isEqualTo("shop/a-any");
        assertThat(plan.warnings())
                .containsExactly(
                        "binding shop/z-any also matches the pod; shop/a-any wins (the oldest, then the lowest name)");
    }

    @Test
    void podSelectorMustMatchTheLabels() {
        Binding selectsWeb = new Binding(
                "shop",
                "b-web",
                "nginx:1.16",
                Binding.SECCOMP_PROFILE_KIND,
                "web",
                new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build());
        Binding selectsDb = new Binding(
                "shop",
                "b-db",
                "envoy:1",
                Binding.SECCOMP_PROFILE_KIND,
                "sidecar",
                new LabelSelectorBuilder().withMatchLabels(Map.of("app", "db")).build());

        BindingPlan plan = resolver.plan(pod().build(), "shop", List.of(selectsWeb, selectsDb));

        assertThat(plan.containers()).containsOnlyKeys("web");
        assertThat(plan.warnings()).isEmpty();
    }

    /**
     * SPO skips a binding whose podSelector {@code metav1.LabelSelectorAsSelector} refuses
     * (security-profiles-operator {@code internal/pkg/webhooks/binding/binding.go}, {@code podMatchesSelector}:
     * "an invalid selector is treated as non-matching so the binding is skipped"). {@code Exists} with values
     * selected every pod carrying the key here before.
     */
    @Test
    void aBindingWithAnInvalidSelectorIsSkippedWithAWarning() {
        Binding existsWithValues = new Binding(
                "shop",
                "b-web",
                "nginx:1.16",
                Binding.SECCOMP_PROFILE_KIND,
                "web",
                new LabelSelectorBuilder()
                        .addNewMatchExpression()
                        .withKey("app")
                        .withOperator("Exists")
                        .withValues("web")
                        .endMatchExpression()
                        .build());

        BindingPlan plan = resolver.plan(pod().build(), "shop", List.of(existsWithValues));

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.warnings())
                .containsExactly(
                        "binding shop/b-web skipped: invalid podSelector: operator Exists takes no values (key app)");
    }

    @Test
    void bindingsOfOtherNamespacesAreIgnored() {
        Binding elsewhere = new Binding("other", "b-web", "nginx:1.16", Binding.SECCOMP_PROFILE_KIND, "web", null);

        assertThat(resolver.plan(pod().build(), "shop", List.of(elsewhere)).isEmpty())
                .isTrue();
    }

    /**
     * SelinuxProfile and AppArmorProfile bindings are SPO's too and apply beside the seccomp one
     * ({@code TestUpdatePodWildcardBindings}): they play no part in the syscall set and are no news at admission.
     * A kind SPO does not know is skipped by SPO ("profile kind not supported") and reported here.
     */
    @Test
    void aMissingProfileOrAnUnknownKindIsSkippedWithAWarningOtherSpoKindsSilently() {
        Binding selinux = new Binding("shop", "b-selinux", "nginx:1.16", "SelinuxProfile", "web", null);
        Binding apparmor = new Binding("shop", "b-apparmor", "nginx:1.16", "AppArmorProfile", "web", null);
        Binding unknown = new Binding("shop", "b-unknown", "nginx:1.16", "ConfigMap", "web", null);

        BindingPlan plan = resolver.plan(
                pod().build(),
                "shop",
                List.of(
                        binding("a-gone", "nginx:1.16", "gone"),
                        selinux,
                        apparmor,
                        unknown,
                        binding("c-web", "nginx:1.16", "web"),
                        binding("d-unrelated", "redis", "gone")));

        assertThat(plan.containers().get("web").binding()).isEqualTo("shop/c-web");
        assertThat(plan.warnings())
                .containsExactly(
                        "binding shop/a-gone skipped for container web: SeccompProfile shop/gone does not exist",
                        "binding shop/b-unknown skipped for container web: profileRef kind ConfigMap is not one SPO binds");
    }

    @Test
    void aMissingWildcardProfileLeavesThePodUnbound() {
        BindingPlan plan = resolver.plan(pod().build(), "shop", List.of(binding("b-any", "*", "gone")));

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.warnings())
                .containsExactly("binding shop/b-any skipped for the pod: SeccompProfile shop/gone does not exist");
    }

    @Test
    void severalBindingsWithoutCreationTimesLowestNameWins() {
        BindingPlan plan = resolver.plan(
                pod().build(),
                "shop",
                List.of(binding("web-2", "nginx:1.16", "web-alt"), binding("web-1", "nginx:1.16", "web")));

        assertThat(plan.containers().get("web").profile()).isEqualTo(ProfileKey.namespaced("shop", "web"));
        assertThat(plan.warnings())
                .containsExactly(
                        "binding shop/web-2 also matches container web; shop/web-1 wins (the oldest, then the lowest name)");
    }

    private static Binding created(String name, String image, String profile, long second) {
        return new Binding(
                "shop",
                name,
                image,
                Binding.SECCOMP_PROFILE_KIND,
                profile,
                null,
                java.time.Instant.ofEpochSecond(second));
    }

    /**
     * SPO's rule for conflicting bindings (security-profiles-operator {@code internal/pkg/webhooks/binding/
     * binding_test.go}, {@code TestUpdatePodConflictingBindings}): the oldest wins whatever the list order, bindings
     * created at the same time are ordered by name, bindings of the same profile do not conflict.
     */
    @Test
    void theOldestBindingWinsThenTheLowestNameAsInSpo() {
        BindingPlan newestFirst = resolver.plan(
                pod().build(),
                "shop",
                List.of(created("new", "nginx:1.16", "web-alt", 2), created("old", "nginx:1.16", "web", 1)));
        BindingPlan sameTime = resolver.plan(
                pod().build(),
                "shop",
                List.of(created("b", "nginx:1.16", "web-alt", 1), created("a", "nginx:1.16", "web", 1)));
        BindingPlan wildcards = resolver.plan(
                pod().build(), "shop", List.of(created("new", "*", "any-alt", 2), created("old", "*", "any", 1)));
        BindingPlan sameProfile = resolver.plan(
                pod().build(),
                "shop",
                List.of(created("new", "nginx:1.16", "web", 2), created("old", "nginx:1.16", "web", 1)));

        assertThat(newestFirst.containers().get("web").binding()).isEqualTo("shop/old");
        assertThat(newestFirst.warnings()).hasSize(1);
        assertThat(sameTime.containers().get("web").binding()).isEqualTo("shop/a");
        assertThat(wildcards.podLevel().orElseThrow().binding()).isEqualTo("shop/old");
        assertThat(sameProfile.containers().get("web").profile()).isEqualTo(ProfileKey.namespaced("shop", "web"));
        assertThat(sameProfile.warnings()).isEmpty();
    }

    @Test
    void overridePolicyDecidesAboutAContainersOwnProfile() {
        Pod pod = pod().editSpec()
                .editMatchingContainer(c -> "web".equals(c.getName()))
                .withNewSecurityContext()
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .endContainer()
                .endSpec()
                .build();
        List<Binding> bindings = List.of(binding("b-web", "nginx:1.16", "web"));
        BindingResolver keeping =
                new BindingResolver(SpoScope.NAMESPACED, NAMESPACED_PROFILES::contains, BindingPolicy.keepExisting());

        BindingPlan overriding = resolver.plan(pod, "shop", bindings);
        BindingPlan kept = keeping.plan(pod, "shop", bindings);

        assertThat(overriding.containers()).containsOnlyKeys("web");
        assertThat(overriding
                        .applyTo(pod)
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getSecurityContext()
                        .getSeccompProfile()
                        .getType())
                .isEqualTo("Localhost");
        assertThat(kept.containers()).isEmpty();
        assertThat(kept.warnings())
                .containsExactly("container web keeps its own seccompProfile; binding shop/b-web not applied");
    }

    @Test
    void appliesToACopyWithThePathOfTheScope() {
        Pod original = pod().build();
        BindingResolver cluster = new BindingResolver(
                SpoScope.CLUSTER,
                Set.of(ProfileKey.cluster("web"), ProfileKey.cluster("any"))::contains,
                BindingPolicy.spoV1());

        Pod containerBound = cluster.plan(original, "shop", List.of(binding("b-web", "nginx:1.16", "web")))
                .applyTo(original);
        Pod podBound = cluster.plan(original, "shop", List.of(binding("b-any", "*", "any")))
                .applyTo(original);

        Container web = containerBound.getSpec().getContainers().get(0);
        assertThat(web.getSecurityContext().getSeccompProfile())
                .isEqualTo(new SeccompProfile("operator/web.json", "Localhost"));
        assertThat(containerBound.getSpec().getContainers().get(1).getSecurityContext())
                .isNull();
        assertThat(podBound.getSpec().getSecurityContext().getSeccompProfile())
                .isEqualTo(new SeccompProfile("operator/any.json", "Localhost"));
        assertThat(original.getSpec().getContainers().get(0).getSecurityContext())
                .isNull();
        assertThat(original.getSpec().getSecurityContext()).isNull();
    }

    @Test
    void bindsTheSyschedDemo() {
        Binding nginx = Binding.from(TestResources.read(
                "/sysched-examples/nginx.binding.yaml", "ProfileBinding", ProfileBindingV1Alpha1.class));
        Pod nginx1 = new PodBuilder()
                .withNewMetadata()
                .withLabels(Map.of("app", "nginx1"))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("nginx1")
                .withImage("nginx:1.16")
                .endContainer()
                .endSpec()
                .build();
        BindingResolver demo = new BindingResolver(
                SpoScope.NAMESPACED,
                Set.of(ProfileKey.namespaced("default", "nginx-seccomp"))::contains,
                BindingPolicy.spoV1());

        BindingPlan plan = demo.plan(nginx1, "default", List.of(nginx));

        assertThat(nginx.reference()).isEqualTo("default/nginx-binding");
        assertThat(plan.applyTo(nginx1)
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getSecurityContext()
                        .getSeccompProfile()
                        .getLocalhostProfile())
                .isEqualTo("operator/default/nginx-seccomp.json");
    }
}
