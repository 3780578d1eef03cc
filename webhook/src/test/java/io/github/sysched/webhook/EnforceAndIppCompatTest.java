package io.github.sysched.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.WebhookTestBase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** P2 enforce mode, P4 IPP compat mode (+ one replica per node) and the sandbox policy. */
@TestPropertySource(
        properties = {
            "sysched.webhook.mode=enforce",
            "sysched.webhook.ipp.mode=compat",
            "sysched.webhook.ipp.one-per-node-for-replicasets=true",
            "sysched.webhook.sandbox.enabled=true",
            "sysched.webhook.sandbox.runtime-class-name=gvisor"
        })
class EnforceAndIppCompatTest extends WebhookTestBase {

    private static final String RS_UID = "2c9d1c7a-1f0e-4b8e-9d55-3a1f6c3e9b10";

    @Test
    void enforceSetsTheLocalhostProfileAsSpoWould() {
        ObjectNode review = Reviews.fixture("/admission/pod-create-nginx-generatename.json");

        JsonNode pod = patched(review, admit("/mutate", review));

        JsonNode seccomp = pod.at("/spec/containers/0/securityContext/seccompProfile");
        assertThat(seccomp.path("type").asString()).isEqualTo("Localhost");
        assertThat(seccomp.path("localhostProfile").asString()).isEqualTo("operator/default/nginx-seccomp.json");
        assertThat(pod.at("/metadata/annotations").has(PlacementAnnotations.SYSCALLS))
                .isTrue();
        assertThat(pod.at("/spec/runtimeClassName").isMissingNode())
                .as("bound pods are confined")
                .isTrue();
    }

    @Test
    void enforceSetsAWildcardBindingAtPodLevel() {
        String ns = "wild";
        io.github.sysched.webhook.support.MockKube.namespace(ns, true);
        kube().resources(io.github.sysched.spo.SeccompProfileV1Beta1.class)
                .inNamespace(ns)
                .resource(ProfileAnnotationTest.profile(ns, "everyone", null, "read", "write"))
                .create();
        kube().resources(io.github.sysched.spo.ProfileBindingV1Alpha1.class)
                .inNamespace(ns)
                .resource(ProfileAnnotationTest.binding(ns, "all", "*", "everyone"))
                .create();
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> cache.bindings(ns).size() == 1
                        && cache.namespace(ns).isPresent()
                        && cache.profile(io.github.sysched.profile.ProfileKey.namespaced(ns, "everyone"))
                                .isPresent());
        ObjectNode pod = Reviews.pod("any-", ns, "whatever:1");
        pod.withObject("/spec").putObject("securityContext").put("runAsNonRoot", true);
        ObjectNode review = Reviews.podCreate(ns, pod);

        JsonNode result = patched(review, admit("/mutate", review));

        assertThat(result.at("/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(result.at("/spec/securityContext/seccompProfile/type").asString())
                .isEqualTo("Localhost");
        assertThat(result.at("/spec/securityContext/seccompProfile/localhostProfile")
                        .asString())
                .isEqualTo("operator/wild/everyone.json");
        assertThat(result.at("/spec/containers/0/securityContext").isMissingNode())
                .isTrue();
        assertThat(io.github.sysched.annotation.SyscallAnnotation.decode(result.at("/metadata/annotations")
                                .path(PlacementAnnotations.SYSCALLS)
                                .asString())
                        .syscalls())
                .isEqualTo(io.github.sysched.syscall.SyscallSet.of("read", "write"));
    }

    @Test
    void ippCompatAppendsToExistingTolerationsAndAffinity() {
        ObjectNode review = Reviews.fixture("/admission/pod-create-nginx-generatename.json");
        ObjectNode original = (ObjectNode) review.path("request").path("object");
        ((ObjectNode) original.path("metadata").path("labels")).put("ipp-class", "gold");
        original.withObject("/spec").set("affinity", Reviews.json("""
                {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                   {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]},
                   {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n1"]}]}]}},
                 "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                   {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "topology.kubernetes.io/zone"}]}}
                """));

        JsonNode pod = patched(review, admit("/mutate", review));

        JsonNode tolerations = pod.at("/spec/tolerations");
        assertThat(tolerations).hasSize(3);
        assertThat(tolerations.get(0)).isEqualTo(original.at("/spec/tolerations/0"));
        assertThat(tolerations.get(2))
                .as("member order aside")
                .isEqualTo(Reviews.json(
                        "{\"key\":\"ipp\",\"operator\":\"Equal\",\"value\":\"true\"," + "\"effect\":\"NoSchedule\"}"));
        JsonNode terms = pod.at(
                "/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution" + "/nodeSelectorTerms");
        assertThat(terms).hasSize(2);
        String ipp = "{\"key\":\"ipp\",\"operator\":\"In\",\"values\":[\"true\"]}";
        assertThat(terms.get(0).path("matchExpressions").toString())
                .isEqualTo("[{\"key\":\"zone\",\"operator\":\"In\",\"values\":[\"a\"]}," + ipp + "]");
        assertThat(terms.get(1).path("matchExpressions").toString()).isEqualTo("[" + ipp + "]");
        assertThat(terms.get(1).has("matchFields")).isTrue();
        ArrayNode anti =
                (ArrayNode) pod.at("/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution");
        assertThat(anti).hasSize(3);
        assertThat(anti.get(0))
                .isEqualTo(
                        original.at("/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/0"));
        JsonNode classTerm = anti.get(1);
        assertThat(classTerm.path("topologyKey").asString()).isEqualTo("kubernetes.io/hostname");
        assertThat(classTerm.path("namespaceSelector").toString()).isEqualTo("{}");
        assertThat(classTerm.path("labelSelector").toString())
                .contains("{\"key\":\"ipp-class\",\"operator\":\"NotIn\",\"values\":[\"gold\"]}");
        assertThat(anti.get(2).path("labelSelector").toString()).contains(RS_UID);
        assertThat(pod.at("/metadata/labels/ipp-rs-uid").asString()).isEqualTo(RS_UID);
        assertThat(pod.at("/metadata/annotations").has(PlacementAnnotations.IPP_CLASS))
                .as("compat mode does not use the annotation")
                .isFalse();
    }

    @Test
    void ippCompatCreatesAffinityWhenThePodHasNone() {
        ObjectNode pod = Reviews.pod("web-", "default", "nginx:1.16");
        ((ObjectNode) pod.path("metadata").path("labels")).put("ipp-class", "blue");
        ObjectNode review = Reviews.podCreate("default", pod);

        JsonNode result = patched(review, admit("/mutate", review));

        assertThat(result.at("/spec/tolerations")).hasSize(1);
        assertThat(result.at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
                                + "/nodeSelectorTerms/0/matchExpressions/0/key")
                        .asString())
                .isEqualTo("ipp");
        assertThat(result.at("/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution"))
                .hasSize(1); // not ReplicaSet-owned: no one-per-node term
    }

    @Test
    void daemonSetPodsAndExemptNamespacesAreLeftAlone() {
        ObjectNode review = Reviews.fixture("/admission/pod-create-nginx-generatename.json");
        ObjectNode object = (ObjectNode) review.path("request").path("object");
        ((ObjectNode) object.path("metadata").path("labels")).put("ipp-class", "gold");
        ((ObjectNode) object.path("metadata").path("ownerReferences").get(0)).put("kind", "DaemonSet");

        JsonNode pod = patched(review, admit("/mutate", review));
        assertThat(pod.at("/spec/tolerations")).hasSize(2);
        assertThat(pod.at("/spec/affinity").isMissingNode()).isTrue();

        ObjectNode system = Reviews.pod("kube-proxy-", "kube-system", "nginx:1.16");
        ((ObjectNode) system.path("metadata").path("labels")).put("ipp-class", "gold");
        JsonNode response = admit("/mutate", Reviews.podCreate("kube-system", system));
        assertThat(response.has("patch")).isFalse();
    }

    @Test
    void invalidClassIsDenied() {
        ObjectNode pod = Reviews.pod("web-", "default", "nginx:1.16");
        ((ObjectNode) pod.path("metadata").path("labels")).put("ipp-class", "-not valid-");

        JsonNode response = admit("/mutate", Reviews.podCreate("default", pod));

        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("code").asInt()).isEqualTo(403);
        assertThat(response.path("status").path("message").asString()).contains("not a valid label value");
        assertThat(response.has("patch")).isFalse();
    }

    @Test
    void unconfinedPodsGetTheSandboxRuntimeClass() {
        ObjectNode review = Reviews.podCreate("default", Reviews.pod("tool-", "default", "busybox:1.36"));

        JsonNode response = admit("/mutate", review);
        JsonNode pod = patched(review, response);

        assertThat(pod.at("/spec/runtimeClassName").asString()).isEqualTo("gvisor");
        List<String> warnings = new ArrayList<>();
        response.path("warnings").forEach(w -> warnings.add(w.asString()));
        assertThat(warnings).anyMatch(w -> w.contains("gvisor"));
        assertThat(pod.at("/spec/containers/0/securityContext").isMissingNode())
                .as("nothing bound, so enforce mode sets no profile")
                .isTrue();
    }
}
