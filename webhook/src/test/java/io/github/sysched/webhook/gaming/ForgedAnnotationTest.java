package io.github.sysched.webhook.gaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.annotation.SyscallAnnotation;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.spo.ProfileBindingV1Alpha1;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.webhook.admission.AdmissionContext;
import io.github.sysched.webhook.mutation.PodAdmission;
import io.github.sysched.webhook.mutation.PodMutator;
import io.github.sysched.webhook.support.MockKube;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.SpoObjects;
import io.github.sysched.webhook.support.WebhookTestBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tenant cannot lower its pod's apparent syscall set by writing our annotations itself: client values are
 * replaced or removed at CREATE on every path (here: the paths other tests do not cover) and cannot be changed
 * on UPDATE. The forged value is always {@code v1;;;}, the empty set, the smallest claim there is.
 */
@Import(ForgedAnnotationTest.FailingInOneNamespace.class)
class ForgedAnnotationTest extends WebhookTestBase {

    private static final String FAILING_NAMESPACE = "gaming-internal";

    /** A mutator with a bug, in one namespace: the internal-error path a decodable pod can still take. */
    @TestConfiguration
    static class FailingInOneNamespace {
        @Bean
        PodMutator failingInOneNamespace() {
            return new PodMutator() {
                @Override
                public boolean supports(AdmissionContext request) {
                    return request.namespace().equals(FAILING_NAMESPACE);
                }

                @Override
                public void mutate(PodAdmission admission) {
                    throw new IllegalStateException("simulated bug");
                }
            };
        }
    }

    private static final String EMPTY_SET = "v1;;;";
    private static final String FORGED_PROFILES = "c0=default/tiny";

    private static ObjectNode forgedPod(String namespace, String image) {
        ObjectNode pod = Reviews.pod("tenant-", namespace, image);
        ObjectNode annotations = ((ObjectNode) pod.path("metadata")).putObject("annotations");
        annotations.put(PlacementAnnotations.SYSCALLS, EMPTY_SET);
        annotations.put(PlacementAnnotations.PROFILES, FORGED_PROFILES);
        annotations.put(PlacementAnnotations.IPP_CLASS, "victim");
        return pod;
    }

    private static JsonNode annotations(JsonNode pod) {
        return pod.path("metadata").path("annotations");
    }

    private static int cardinality(JsonNode pod) {
        return SyscallAnnotation.decode(
                        annotations(pod).path(PlacementAnnotations.SYSCALLS).asString())
                .syscalls()
                .cardinality();
    }

    @Test
    void forgedProfilesDescriptionOfAGenerateNamePodIsReplaced() {
        ObjectNode review = Reviews.podCreate("default", forgedPod("default", "nginx:1.16"));
        assertThat(review.path("request").has("name")).as("generateName only").isFalse();

        JsonNode pod = patched(review, admit("/mutate", review));

        assertThat(annotations(pod).path(PlacementAnnotations.PROFILES).asString())
                .isEqualTo("c0=default/nginx-seccomp (binding default/nginx-binding)");
        assertThat(cardinality(pod)).isEqualTo(98);
        assertThat(annotations(pod).has(PlacementAnnotations.IPP_CLASS)).isFalse();
        System.out.println("GAMING generateName pod: forged 0 syscalls and '" + FORGED_PROFILES + "', admitted with "
                + cardinality(pod) + " syscalls");
    }

    @Test
    void dryRunStillReplacesForgedValuesAndWritesNothing() {
        ObjectNode review = Reviews.podCreate("default", forgedPod("default", "nginx:1.16"));
        ((ObjectNode) review.path("request")).put("dryRun", true);
        drainRecordedRequests();

        JsonNode response = admit("/mutate", review);

        JsonNode pod = patched(review, response);
        assertThat(cardinality(pod)).isEqualTo(98);
        assertThat(annotations(pod).path(PlacementAnnotations.PROFILES).asString())
                .isNotEqualTo(FORGED_PROFILES);
        assertThat(annotations(pod).has(PlacementAnnotations.IPP_CLASS)).isFalse();
        List<String> writes = drainRecordedRequests().stream()
                .filter(r -> !r.getMethod().equals("GET"))
                .map(r -> r.getMethod() + " " + r.getPath())
                .toList();
        assertThat(writes).as("requests to the API server during a dry run").isEmpty();
    }

    @Test
    void namespaceThatDidNotOptInStillLosesForgedValues() {
        MockKube.namespace("gaming-plain", false);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> cache.namespace("gaming-plain").isPresent());
        ObjectNode review = Reviews.podCreate("gaming-plain", forgedPod("gaming-plain", "nginx:1.16"));

        JsonNode pod = patched(review, admit("/mutate", review));

        for (String key : PlacementAnnotations.OWNED) {
            assertThat(annotations(pod).has(key)).as(key).isFalse();
        }
    }

    @Test
    void podWhoseProfileCannotBeResolvedStillLosesForgedValues() {
        ObjectNode forged = forgedPod("default", "custom:1");
        ((ObjectNode) forged.path("spec").path("containers").get(0))
                .putObject("securityContext")
                .putObject("seccompProfile")
                .put("type", "Localhost")
                .put("localhostProfile", "operator/default/not-installed.json");
        ObjectNode review = Reviews.podCreate("default", forged);

        JsonNode response = admit("/mutate", review);

        assertThat(response.path("warnings").toString()).contains("not-installed");
        for (String key : PlacementAnnotations.OWNED) {
            assertThat(annotations(patched(review, response)).has(key)).as(key).isFalse();
        }
    }

    /**
     * A profile with a syscall name the resolver refuses (over 128 characters; the runtime ignores unknown names,
     * so the pod would run) makes the resolution of every pod bound to it fail. Such a pod once failed
     * internally and, under {@code failure-mode: allow}, was admitted unchanged, forged annotation included; now
     * the profile is reported invalid and the forged values are still removed.
     */
    @Test
    void podBoundToAnUnusableProfileStillLosesForgedValues() {
        String ns = "gaming-broken";
        MockKube.namespace(ns, true);
        // created directly in the API, as if the validating webhook had been unavailable
        kube().resources(SeccompProfileV1Beta1.class)
                .inNamespace(ns)
                .resource(profile(ns, "long-name", "read", "x".repeat(200)))
                .create();
        kube().resources(ProfileBindingV1Alpha1.class)
                .inNamespace(ns)
                .resource(binding(ns, "evil:1", "long-name"))
                .create();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> cache.bindings(ns).size() == 1
                        && cache.namespace(ns).isPresent()
                        && cache.profile(ProfileKey.namespaced(ns, "long-name")).isPresent());
        ObjectNode review = Reviews.podCreate(ns, forgedPod(ns, "evil:1"));

        JsonNode response = admit("/mutate", review);

        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.path("warnings").toString())
                .contains("long-name is invalid")
                .contains("longer than 128 characters");
        JsonNode pod = patched(review, response);
        for (String key : PlacementAnnotations.OWNED) {
            assertThat(annotations(pod).has(key)).as(key).isFalse();
        }
        assertThat(pod.path("spec")).as("nothing else changes").isEqualTo(review.at("/request/object/spec"));
    }

    /**
     * An internal error (a mutator's bug) under failure-mode allow keeps no forged value. (A pod that does not even
     * decode is refused with 400 instead: AdmissionProtocolTest.)
     */
    @Test
    void podWhoseAdmissionFailsInternallyStillLosesForgedValues() {
        String ns = FAILING_NAMESPACE;
        MockKube.namespace(ns, true);
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.namespace(ns).isPresent());
        ObjectNode review = Reviews.podCreate(ns, forgedPod(ns, "nginx:1.16"));

        JsonNode response = admit("/mutate", review);

        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.path("warnings").toString()).contains("sysched webhook internal error");
        JsonNode pod = patched(review, response);
        for (String key : PlacementAnnotations.OWNED) {
            assertThat(annotations(pod).has(key)).as(key).isFalse();
        }
    }

    @Test
    void profileWithASyscallNameTheResolverCannotUseIsDenied() {
        SeccompProfileV1Beta1 profile = profile("default", "long-name", "read", "x".repeat(200));

        JsonNode response =
                admit("/validate", Reviews.seccompProfileCreate("default", Reviews.JSON.valueToTree(profile)));

        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("code").asInt()).isEqualTo(403);
        assertThat(response.path("status").path("message").asString()).contains("longer than 128 characters");
    }

    /** ValidationTest covers exs.sysched.io/syscalls; the same holds for the other two. */
    @ParameterizedTest
    @ValueSource(strings = {PlacementAnnotations.PROFILES, PlacementAnnotations.IPP_CLASS})
    void addingChangingOrRemovingOurOtherAnnotationsOnUpdateIsDenied(String key) {
        List<String> answers = new ArrayList<>();
        String[][] transitions = {{"admitted", "forged"}, {"admitted", null}, {null, "forged"}};
        for (String[] transition : transitions) {
            JsonNode response = admit(
                    "/validate",
                    Reviews.podUpdate("default", named(key, transition[1]), named(key, transition[0]), "alice"));
            answers.add(transition[0] + "->" + transition[1] + ": "
                    + response.path("allowed").asBoolean());
            assertThat(response.path("allowed").asBoolean())
                    .as(key + " " + transition[0] + " -> " + transition[1])
                    .isFalse();
            assertThat(response.path("status").path("message").asString())
                    .contains(key)
                    .contains("alice");
        }
        System.out.println("GAMING UPDATE " + key + ": " + answers);
    }

    private static ObjectNode named(String key, String value) {
        ObjectNode pod = Reviews.pod("web-", "default", "nginx:1.16");
        ((ObjectNode) pod.path("metadata")).put("name", "web-abc");
        if (value != null) {
            ((ObjectNode) pod.path("metadata")).putObject("annotations").put(key, value);
        }
        return pod;
    }

    private static List<RecordedRequest> drainRecordedRequests() {
        List<RecordedRequest> requests = new ArrayList<>();
        try {
            RecordedRequest request;
            while ((request = MockKube.server().takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
                requests.add(request);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return requests;
    }

    static SeccompProfileV1Beta1 profile(String ns, String name, String... allowed) {
        return SpoObjects.profile(ns, name, null, allowed);
    }

    static ProfileBindingV1Alpha1 binding(String ns, String image, String profile) {
        return SpoObjects.binding(ns, "bind-" + profile, image, profile);
    }
}
