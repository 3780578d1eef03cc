package io.github.sysched.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.annotation.SyscallAnnotation;
import io.github.sysched.spo.ProfileBindingV1Alpha1;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.spo.SeccompSyscall;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.webhook.support.MockKube;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.SpoObjects;
import io.github.sysched.webhook.support.WebhookTestBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** P1/P2: real HTTPS AdmissionReviews for pods, patches applied with zjsonpatch, annotation decoded. */
class ProfileAnnotationTest extends WebhookTestBase {

    /** The names the demo profile allows, read straight from the YAML (independent of the resolvers). */
    private static SyscallSet profileNames(SeccompProfileV1Beta1 profile) {
        List<String> names = new ArrayList<>();
        for (SeccompSyscall rule : profile.getSpec().getSyscalls()) {
            if (rule.getAction().equals("SCMP_ACT_ALLOW") || rule.getAction().equals("SCMP_ACT_LOG")) {
                names.addAll(rule.getNames());
            }
        }
        return SyscallSet.of(names);
    }

    private static String annotation(JsonNode pod, String key) {
        return pod.path("metadata").path("annotations").path(key).asString(null);
    }

    @Test
    void doneWhen_controllerPodWithBoundImageGetsTheProfilesSyscallSet() {
        ObjectNode review = Reviews.fixture("/admission/pod-create-nginx-generatename.json");

        JsonNode response = admit("/mutate", review);

        assertThat(response.path("allowed").asBoolean()).isTrue();
        JsonNode pod = patched(review, response);
        SyscallAnnotation decoded = SyscallAnnotation.decode(annotation(pod, PlacementAnnotations.SYSCALLS));
        SyscallSet expected =
                profileNames(MockKube.load("/sysched-examples/nginx.profile.yaml", SeccompProfileV1Beta1.class));
        assertThat(expected.cardinality()).isEqualTo(98);
        assertThat(decoded.syscalls()).isEqualTo(expected);
        assertThat(decoded.sources()).contains("default/nginx-seccomp");
        assertThat(annotation(pod, PlacementAnnotations.PROFILES))
                .isEqualTo("nginx1=default/nginx-seccomp (binding default/nginx-binding)");
        // annotate mode: the pod spec itself is untouched, but for the replica-spread guard (ReplicaSpreadTest)
        ObjectNode spec = ((ObjectNode) pod.path("spec")).deepCopy();
        assertThat(spec.remove("topologySpreadConstraints")).isNotNull();
        assertThat(spec).isEqualTo(review.path("request").path("object").path("spec"));
        // the pod had no annotations map: the map itself is added first (an add below it would fail)
        JsonNode patch = patchOf(response);
        assertThat(patch.get(0).path("op").asString()).isEqualTo("add");
        assertThat(patch.get(0).path("path").asString()).isEqualTo("/metadata/annotations");
        assertThat(patch.get(0).path("value").isObject()).isTrue();
    }

    @Test
    void baseProfileChainIsMerged() {
        String ns = "chain";
        MockKube.namespace(ns, true);
        SeccompProfileV1Beta1 base = profile(ns, "base", null, "read", "write", "exit_group");
        SeccompProfileV1Beta1 child = profile(ns, "child", "base", "openat", "close");
        kube().resources(SeccompProfileV1Beta1.class)
                .inNamespace(ns)
                .resource(base)
                .create();
        kube().resources(SeccompProfileV1Beta1.class)
                .inNamespace(ns)
                .resource(child)
                .create();
        kube().resources(ProfileBindingV1Alpha1.class)
                .inNamespace(ns)
                .resource(binding(ns, "b", "app:1", "child"))
                .create();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> cache.bindings(ns).size() == 1
                        && cache.profiles().stream()
                                        .filter(p -> ns.equals(p.getMetadata().getNamespace()))
                                        .count()
                                == 2);

        ObjectNode review = Reviews.podCreate(ns, Reviews.pod("app-", ns, "app:1"));
        JsonNode pod = patched(review, admit("/mutate", review));

        SyscallAnnotation decoded = SyscallAnnotation.decode(annotation(pod, PlacementAnnotations.SYSCALLS));
        assertThat(decoded.syscalls()).isEqualTo(SyscallSet.of("read", "write", "exit_group", "openat", "close"));
    }

    @Test
    void existingAnnotationsWithSlashAndTildeAreKeptAndClientValuesOfOursAreReplaced() {
        ObjectNode pod = Reviews.pod("nginx-", "default", "nginx:1.16");
        ObjectNode annotations = ((ObjectNode) pod.path("metadata")).putObject("annotations");
        annotations.put("example.com/a~b", "kept");
        annotations.put(PlacementAnnotations.SYSCALLS, "v1;AA;;forged");
        annotations.put(PlacementAnnotations.IPP_CLASS, "forged");
        ObjectNode review = Reviews.podCreate("default", pod);

        JsonNode response = admit("/mutate", review);
        JsonNode patched = patched(review, response);

        assertThat(annotation(patched, "example.com/a~b")).isEqualTo("kept");
        assertThat(SyscallAnnotation.decode(annotation(patched, PlacementAnnotations.SYSCALLS))
                        .syscalls()
                        .cardinality())
                .isEqualTo(98);
        assertThat(patched.path("metadata").path("annotations").has(PlacementAnnotations.IPP_CLASS))
                .isFalse();
        List<String> paths = new ArrayList<>();
        patchOf(response)
                .forEach(op -> paths.add(
                        op.path("op").asString() + " " + op.path("path").asString()));
        assertThat(paths)
                .contains(
                        "replace /metadata/annotations/exs.sysched.io~1syscalls",
                        "add /metadata/annotations/exs.sysched.io~1profiles",
                        "remove /metadata/annotations/exs.sysched.io~1ipp-class");
    }

    @Test
    void podInANamespaceThatDidNotOptInIsAllowedWithoutPatch() {
        MockKube.namespace("plain", false);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> cache.namespace("plain").isPresent());
        ObjectNode review = Reviews.podCreate("plain", Reviews.pod("nginx-", "plain", "nginx:1.16"));

        JsonNode response = admit("/mutate", review);

        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.has("patch")).isFalse();
        assertThat(response.has("warnings")).isFalse();
    }

    @Test
    void podWithoutProfileFallsBackToTheDefaultProfileWithAWarning() {
        ObjectNode review = Reviews.podCreate("default", Reviews.pod("busybox-", "default", "busybox:1.36"));

        JsonNode response = admit("/mutate", review);
        JsonNode pod = patched(review, response);

        SyscallSet full =
                profileNames(MockKube.load("/sysched-examples/full.profile.yaml", SeccompProfileV1Beta1.class));
        assertThat(SyscallAnnotation.decode(annotation(pod, PlacementAnnotations.SYSCALLS))
                        .syscalls())
                .isEqualTo(full);
        assertThat(annotation(pod, PlacementAnnotations.PROFILES)).isEqualTo("c0=default/full-seccomp (default)");
        assertThat(response.path("warnings").toString()).contains("default profile");
    }

    @Test
    void bindingToAMissingProfileIsAWarning() {
        String ns = "missing";
        MockKube.namespace(ns, true);
        kube().resources(ProfileBindingV1Alpha1.class)
                .inNamespace(ns)
                .resource(binding(ns, "dangling", "redis:7", "does-not-exist"))
                .create();
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        cache.bindings(ns).size() == 1 && cache.namespace(ns).isPresent());

        JsonNode response = admit("/mutate", Reviews.podCreate(ns, Reviews.pod("redis-", ns, "redis:7")));

        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.path("warnings").toString()).contains("does-not-exist");
    }

    /**
     * SPO binds a profile only once it has a status, and removes a disabled profile's file from the nodes
     * (security-profiles-operator {@code internal/pkg/webhooks/binding}, {@code getSeccompProfile};
     * {@code TestHandle} "failure seccomp profile without status"). The annotation still says which profile the
     * container will run with; the author is told why it may not run yet.
     */
    @Test
    void aBoundProfileSpoHasNotInstalledIsUsedAndTheAuthorIsTold() {
        String ns = "uninstalled";
        MockKube.namespace(ns, true);
        SeccompProfileV1Beta1 disabled = profile(ns, "off", null, "read");
        disabled.getSpec().setDisabled(true);
        kube().resources(SeccompProfileV1Beta1.class)
                .inNamespace(ns)
                .resource(profile(ns, "fresh", null, "read"))
                .create();
        kube().resources(SeccompProfileV1Beta1.class)
                .inNamespace(ns)
                .resource(disabled)
                .create();
        kube().resources(ProfileBindingV1Alpha1.class)
                .inNamespace(ns)
                .resource(binding(ns, "b1", "app:1", "fresh"))
                .create();
        kube().resources(ProfileBindingV1Alpha1.class)
                .inNamespace(ns)
                .resource(binding(ns, "b2", "app:2", "off"))
                .create();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> cache.bindings(ns).size() == 2
                        && cache.profiles().stream()
                                        .filter(p -> ns.equals(p.getMetadata().getNamespace()))
                                        .count()
                                == 2);

        ObjectNode review = Reviews.podCreate(ns, Reviews.pod("app-", ns, "app:1", "app:2"));
        JsonNode response = admit("/mutate", review);

        assertThat(SyscallAnnotation.decode(annotation(patched(review, response), PlacementAnnotations.SYSCALLS))
                        .syscalls())
                .isEqualTo(SyscallSet.of("read"));
        assertThat(response.path("warnings").toString())
                .contains("SeccompProfile uninstalled/fresh has no status yet (not installed)")
                .contains("SeccompProfile uninstalled/off is disabled");
    }

    @Test
    void explicitProfileThatDoesNotExistIsAWarningAndNoSyscallAnnotation() {
        ObjectNode pod = Reviews.pod("custom-", "default", "custom:1");
        ((ObjectNode) pod.path("spec").path("containers").get(0))
                .putObject("securityContext")
                .putObject("seccompProfile")
                .put("type", "Localhost")
                .put("localhostProfile", "operator/default/not-installed.json");
        ObjectNode review = Reviews.podCreate("default", pod);

        JsonNode response = admit("/mutate", review);

        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.path("warnings").toString()).contains("not-installed");
        assertThat(patched(review, response)
                        .path("metadata")
                        .path("annotations")
                        .has(PlacementAnnotations.SYSCALLS))
                .isFalse();
    }

    @Test
    void dryRunGetsThePatchButLeavesNoStatistics() {
        ObjectNode review = Reviews.fixture("/admission/pod-create-nginx-generatename.json");
        ((ObjectNode) review.path("request")).put("dryRun", true);
        String before = management("/actuator/prometheus").body();

        JsonNode response = admit("/mutate", review);

        assertThat(patched(review, response)
                        .path("metadata")
                        .path("annotations")
                        .has(PlacementAnnotations.SYSCALLS))
                .isTrue();
        String after = management("/actuator/prometheus").body();
        assertThat(resolutions(after, "BINDING")).isEqualTo(resolutions(before, "BINDING"));
        admit("/mutate", Reviews.fixture("/admission/pod-create-nginx-generatename.json"));
        assertThat(resolutions(management("/actuator/prometheus").body(), "BINDING"))
                .isEqualTo(resolutions(before, "BINDING") + 1);
    }

    private static double resolutions(String prometheus, String outcome) {
        return prometheus
                .lines()
                .filter(l -> l.startsWith("sysched_resolutions_total{") && l.contains("outcome=\"" + outcome + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    static SeccompProfileV1Beta1 profile(String ns, String name, String base, String... allowed) {
        return SpoObjects.profile(ns, name, base, allowed);
    }

    static ProfileBindingV1Alpha1 binding(String ns, String name, String image, String profile) {
        return SpoObjects.binding(ns, name, image, profile);
    }
}
