package io.github.sysched.pod;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.profile.ProfileLookup;
import io.github.sysched.profile.SpoProfiles;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.spo.TestResources;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A {@link ScoringPod} keeps what scoring reads: resolving the reduced pod gives exactly the result of the full
 * pod (set, per-container origins, warnings), over pods that combine every seccomp source the resolver reads.
 */
class ScoringPodTest {

    private static final List<SeccompProfile> DEMO = List.of(profile("nginx"), profile("redis"), profile("full"));
    private static final ProfileLookup LOOKUP = SpoProfiles.lookup(DEMO, SpoScope.NAMESPACED);
    private static final PodSyscallResolver RESOLVER =
            PodSyscallResolver.forSpoProfiles(LOOKUP, ProfileKey.namespaced("default", "full-seccomp"));

    private static SeccompProfile profile(String image) {
        return TestResources.read(
                "/sysched-examples/" + image + ".profile.yaml", "SeccompProfile", SeccompProfileV1Beta1.class);
    }

    /** A seccomp setting for a field, or null: every type, unusable ones included. */
    private static String[] setting(SplittableRandom random) {
        return switch (random.nextInt(7)) {
            case 0 -> null;
            case 1 -> new String[] {"RuntimeDefault", null};
            case 2 -> new String[] {"Unconfined", null};
            case 3 -> new String[] {"Localhost", "operator/default/nginx-seccomp.json"};
            case 4 -> new String[] {"Localhost", "operator/default/redis-seccomp.json"};
            case 5 -> new String[] {"Localhost", "not-spo/profile.json"};
            default -> new String[] {"Localhost", null};
        };
    }

    private static final String[] LEGACY = {
        null,
        "runtime/default",
        "docker/default",
        "unconfined",
        "localhost/operator/default/nginx-seccomp.json",
        "localhost/elsewhere.json",
        "bogus"
    };

    /** A pod with noise scoring never reads and a random mix of everything it does read. */
    static Pod randomPod(SplittableRandom random, int index) {
        PodBuilder pod = new PodBuilder()
                .withNewMetadata()
                .withName("p" + index)
                .withNamespace("default")
                .withUid("uid-" + index)
                .withResourceVersion(Integer.toString(index))
                .addToLabels("app", "a" + random.nextInt(3))
                .addToLabels("ipp-class", "gold")
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{\"x\":" + index + "}")
                .addToAnnotations(PlacementAnnotations.PROFILES, "app=default/nginx-seccomp")
                .endMetadata()
                .withNewSpec()
                .withNodeName(random.nextBoolean() ? "n1" : null)
                .withServiceAccountName("sa")
                .endSpec()
                .withNewStatus()
                .withPhase(random.nextBoolean() ? "Running" : "Pending")
                .withPodIP("10.0.0.1")
                .endStatus();
        if (random.nextInt(4) == 0) {
            pod.editMetadata()
                    .addToAnnotations(PlacementAnnotations.SYSCALLS, "v1;AQ;;x")
                    .endMetadata();
        }
        String[] podField = setting(random);
        if (podField != null) {
            pod.editSpec()
                    .withNewSecurityContext()
                    .withRunAsNonRoot(true)
                    .withNewSeccompProfile()
                    .withType(podField[0])
                    .withLocalhostProfile(podField[1])
                    .endSeccompProfile()
                    .endSecurityContext()
                    .endSpec();
        }
        String podAnnotation = LEGACY[random.nextInt(LEGACY.length)];
        if (podAnnotation != null) {
            pod.editMetadata()
                    .addToAnnotations(LegacySeccompAnnotations.POD, podAnnotation)
                    .endMetadata();
        }
        List<String> names = new ArrayList<>();
        int containers = random.nextInt(4);
        for (int c = 0; c < containers; c++) {
            boolean init = random.nextInt(3) == 0;
            String name = (init ? "init" : "c") + c;
            names.add(name);
            String[] field = setting(random);
            var container = new io.fabric8.kubernetes.api.model.ContainerBuilder()
                    .withName(name)
                    .withImage("img:" + c)
                    .addNewEnv()
                    .withName("E")
                    .withValue("v")
                    .endEnv()
                    .withNewResources()
                    .addToRequests("cpu", new Quantity("10m"))
                    .endResources();
            if (init && random.nextBoolean()) {
                container.withRestartPolicy("Always");
            }
            if (field != null) {
                container
                        .withNewSecurityContext()
                        .withPrivileged(false)
                        .withNewSeccompProfile()
                        .withType(field[0])
                        .withLocalhostProfile(field[1])
                        .endSeccompProfile()
                        .endSecurityContext();
            }
            if (init) {
                pod.editSpec().addToInitContainers(container.build()).endSpec();
            } else {
                pod.editSpec().addToContainers(container.build()).endSpec();
            }
            String annotation = LEGACY[random.nextInt(LEGACY.length)];
            if (annotation != null) {
                pod.editMetadata()
                        .addToAnnotations(LegacySeccompAnnotations.containerKey(name), annotation)
                        .endMetadata();
            }
        }
        if (random.nextInt(5) == 0) {
            pod.editSpec()
                    .addNewEphemeralContainer()
                    .withName("debug")
                    .withImage("busybox")
                    .endEphemeralContainer()
                    .endSpec()
                    .editMetadata()
                    .addToAnnotations(LegacySeccompAnnotations.containerKey("debug"), "unconfined")
                    .endMetadata();
        }
        if (random.nextInt(6) == 0) {
            pod.editMetadata()
                    .addToAnnotations(LegacySeccompAnnotations.containerKey("gone"), "unconfined")
                    .endMetadata();
        }
        if (random.nextInt(6) == 0) { // a key no kubelet applied, which the resolver reports
            pod.editMetadata()
                    .addToAnnotations("seccomp.security.alpha.kubernetes.io", "unconfined")
                    .endMetadata();
        }
        return pod.build();
    }

    @Test
    void resolvingTheReducedPodGivesTheFullPodsResult() {
        SplittableRandom random = new SplittableRandom(12);
        for (int i = 0; i < 2_000; i++) {
            Pod full = randomPod(random, i);
            Pod reduced = ScoringPod.of(full).toPod();
            assertThat(RESOLVER.resolve(reduced)).as("pod %s", full).isEqualTo(RESOLVER.resolve(full));
            assertThat(reduced.getMetadata().getLabels())
                    .isEqualTo(full.getMetadata().getLabels());
            assertThat(reduced.getMetadata().getUid())
                    .isEqualTo(full.getMetadata().getUid());
            assertThat(reduced.getMetadata().getResourceVersion())
                    .isEqualTo(full.getMetadata().getResourceVersion());
            assertThat(reduced.getSpec().getNodeName()).isEqualTo(full.getSpec().getNodeName());
            assertThat(reduced.getStatus().getPhase())
                    .isEqualTo(full.getStatus().getPhase());
            assertThat(
                            reduced.getMetadata().getAnnotations() == null
                                    ? java.util.Map.of()
                                    : reduced.getMetadata().getAnnotations())
                    .isEqualTo(full.getMetadata().getAnnotations().entrySet().stream()
                            .filter(e -> ScoringPod.readsAnnotation(e.getKey()))
                            .collect(java.util.stream.Collectors.toMap(
                                    java.util.Map.Entry::getKey, java.util.Map.Entry::getValue)));
        }
    }

    @Test
    void keepsTheTolerationsThatCanLetItOntoATaintedNodeWithoutTheirSeconds() {
        Pod full = withTolerations(
                toleration("ipp", "Equal", "true", "NoSchedule", null),
                toleration("spot", "Exists", null, "PreferNoSchedule", null),
                toleration(null, "Exists", null, null, null),
                toleration("node.kubernetes.io/not-ready", "Exists", null, "NoExecute", 300L));

        assertThat(ScoringPod.of(full).toPod().getSpec().getTolerations())
                .extracting(t -> t.getKey() + " " + t.getOperator() + " " + t.getValue() + " " + t.getEffect() + " "
                        + t.getTolerationSeconds())
                .containsExactly(
                        "ipp Equal true NoSchedule null",
                        "null Exists null null null",
                        "node.kubernetes.io/not-ready Exists null NoExecute null");
        Pod onlyPreferNoSchedule = withTolerations(toleration("spot", "Exists", null, "PreferNoSchedule", null));
        assertThat(ScoringPod.of(onlyPreferNoSchedule).toPod().getSpec().getTolerations())
                .isEmpty();
    }

    @Test
    void theDefaultTolerationsAreOneSharedList() {
        Pod full = withTolerations(
                toleration("node.kubernetes.io/not-ready", "Exists", null, "NoExecute", 300L),
                toleration("node.kubernetes.io/unreachable", "Exists", null, "NoExecute", 300L));

        assertThat(ScoringPod.of(full).tolerations()).isSameAs(ScoringPod.DEFAULT_TOLERATIONS);
        assertThat(ScoringPod.of(full).toPod().getSpec().getTolerations()).hasSize(2);
    }

    private static Pod withTolerations(Toleration... tolerations) {
        return new PodBuilder()
                .withNewSpec()
                .withTolerations(tolerations)
                .endSpec()
                .build();
    }

    private static Toleration toleration(String key, String operator, String value, String effect, Long seconds) {
        return new TolerationBuilder()
                .withKey(key)
                .withOperator(operator)
                .withValue(value)
                .withEffect(effect)
                .withTolerationSeconds(seconds)
                .build();
    }

    @Test
    void keepsNothingElse() {
        Pod reduced = ScoringPod.of(randomPod(new SplittableRandom(3), 1)).toPod();
        assertThat(reduced.getMetadata().getAnnotations())
                .doesNotContainKeys("kubectl.kubernetes.io/last-applied-configuration", PlacementAnnotations.PROFILES);
        assertThat(reduced.getSpec().getServiceAccountName()).isNull();
        assertThat(reduced.getStatus().getPodIP()).isNull();
        reduced.getSpec().getContainers().forEach(c -> {
            assertThat(c.getImage()).isNull();
            assertThat(c.getEnv()).isEmpty();
            assertThat(c.getResources()).isNull();
        });
    }

    @Test
    void aPodWithoutMetadataSpecOrStatusSurvives() {
        Pod reduced = ScoringPod.of(new Pod()).toPod();
        assertThat(RESOLVER.resolve(reduced)).isEqualTo(RESOLVER.resolve(new Pod()));
        assertThat(reduced.getStatus()).isNull();
    }
}
