package io.github.sysched.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.spo.ProfileBindingV1Alpha1;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.webhook.support.MockKube;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.WebhookTestBase;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** P3: /validate for pod UPDATE, ProfileBinding and SeccompProfile. */
/** annotation-writers is set by {@link WebhookTestBase}: system:serviceaccount:sysched-system:rewriter. */
class ValidationTest extends WebhookTestBase {

    private static ObjectNode annotatedPod(String value) {
        ObjectNode pod = Reviews.pod("nginx-", "default", "nginx:1.16");
        ((ObjectNode) pod.path("metadata")).put("name", "nginx-abc");
        if (value != null) {
            ((ObjectNode) pod.path("metadata")).putObject("annotations").put(PlacementAnnotations.SYSCALLS, value);
        }
        return pod;
    }

    @Test
    void changingOurAnnotationOnUpdateIsDeniedForOrdinaryUsers() {
        JsonNode response = admit(
                "/validate", Reviews.podUpdate("default", annotatedPod("v1;AQ;;x"), annotatedPod("v1;Ag;;y"), "alice"));

        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("code").asInt()).isEqualTo(403);
        assertThat(response.path("status").path("message").asString())
                .contains(PlacementAnnotations.SYSCALLS)
                .contains("alice");
    }

    @Test
    void addingOrRemovingOurAnnotationIsDeniedToo() {
        assertThat(admit(
                                "/validate",
                                Reviews.podUpdate("default", annotatedPod("v1;AQ;;x"), annotatedPod(null), "alice"))
                        .path("allowed")
                        .asBoolean())
                .isFalse();
        assertThat(admit(
                                "/validate",
                                Reviews.podUpdate("default", annotatedPod(null), annotatedPod("v1;AQ;;x"), "alice"))
                        .path("allowed")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void configuredWritersAndUnrelatedUpdatesAreAllowed() {
        assertThat(admit(
                                "/validate",
                                Reviews.podUpdate(
                                        "default",
                                        annotatedPod("v1;AQ;;x"),
                                        annotatedPod("v1;Ag;;y"),
                                        "system:serviceaccount:sysched-system:rewriter"))
                        .path("allowed")
                        .asBoolean())
                .isTrue();
        ObjectNode relabelled = annotatedPod("v1;AQ;;x");
        ((ObjectNode) relabelled.path("metadata").path("labels")).put("tier", "web");
        assertThat(admit("/validate", Reviews.podUpdate("default", relabelled, annotatedPod("v1;AQ;;x"), "alice"))
                        .path("allowed")
                        .asBoolean())
                .isTrue();
    }

    private JsonNode validateBinding(String ns, ProfileBindingV1Alpha1 binding) {
        JsonNode object = Reviews.JSON.valueToTree(binding);
        return admit("/validate", Reviews.profileBindingCreate(ns, object));
    }

    @Test
    void bindingWithAnUnsupportedKindOrEmptyImageIsDenied() {
        ProfileBindingV1Alpha1 badKind = ProfileAnnotationTest.binding("default", "bad-kind", "x:1", "nginx-seccomp");
        badKind.getSpec().getProfileRef().setKind("ConfigMap");
        JsonNode response = validateBinding("default", badKind);
        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("message").asString()).contains("profileRef.kind 'ConfigMap'");

        ProfileBindingV1Alpha1 noImage = ProfileAnnotationTest.binding("default", "no-image", "", "nginx-seccomp");
        assertThat(validateBinding("default", noImage)
                        .path("status")
                        .path("message")
                        .asString())
                .contains("spec.image must not be empty");
    }

    /**
     * A podSelector Kubernetes refuses to convert would make SPO skip the binding at every pod
     * ({@code podMatchesSelector}); it is denied at apply time instead of doing nothing silently.
     */
    @Test
    void bindingWithAnInvalidPodSelectorIsDenied() {
        ProfileBindingV1Alpha1 binding =
                ProfileAnnotationTest.binding("default", "bad-selector", "x:1", "nginx-seccomp");
        binding.getSpec()
                .setPodSelector(new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
                        .addNewMatchExpression()
                        .withKey("app")
                        .withOperator("Exists")
                        .withValues("web")
                        .endMatchExpression()
                        .build());
        JsonNode object = Reviews.JSON.valueToTree(binding);
        ((ObjectNode) object).put("apiVersion", "security-profiles-operator.x-k8s.io/v1");

        JsonNode response = admit(
                "/validate",
                Reviews.review(
                        "security-profiles-operator.x-k8s.io",
                        "v1",
                        "ProfileBinding",
                        "profilebindings",
                        "CREATE",
                        "default",
                        object,
                        null,
                        "alice"));

        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("message").asString())
                .contains("invalid podSelector: operator Exists takes no values (key app)");
    }

    @Test
    void bindingToAMissingProfileIsAllowedWithAWarning() {
        JsonNode response =
                validateBinding("default", ProfileAnnotationTest.binding("default", "later", "later:1", "not-yet"));

        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.path("warnings").toString()).contains("default/not-yet does not exist");
    }

    @Test
    void secondBindingForTheSameImageAndSelectorIsDenied() {
        // the demo's nginx-binding binds nginx:1.16 in default
        JsonNode response = validateBinding(
                "default", ProfileAnnotationTest.binding("default", "nginx-binding-2", "nginx:1.16", "full-seccomp"));

        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("message").asString())
                .contains("ambiguous")
                .contains("nginx-binding");
        // the same image written out in full is the same image (SPO compares normalized references)
        assertThat(validateBinding(
                                "default",
                                ProfileAnnotationTest.binding(
                                        "default", "nginx-binding-3", "docker.io/library/nginx:1.16", "full-seccomp"))
                        .path("allowed")
                        .asBoolean())
                .isFalse();
        // an update of the existing binding itself is not a duplicate
        JsonNode same = validateBinding(
                "default", ProfileAnnotationTest.binding("default", "nginx-binding", "nginx:1.16", "nginx-seccomp"));
        assertThat(same.path("allowed").asBoolean()).isTrue();
    }

    /**
     * SPO binds each profile kind separately (security-profiles-operator
     * {@code internal/pkg/webhooks/binding/binding_test.go}, {@code TestUpdatePodWildcardBindings}: a SeccompProfile
     * and a SelinuxProfile binding apply to the same pod, "Wildcard bindings apply per profile kind" in
     * {@code binding.go} {@code updatePod}), so a SelinuxProfile or AppArmorProfile binding next to the demo's
     * SeccompProfile binding for nginx:1.16 with the same selector is not ambiguous.
     */
    @Test
    void bindingsOfOtherKindsForTheSameImageAndSelectorAreAllowed() {
        for (String kind : new String[] {"SelinuxProfile", "AppArmorProfile"}) {
            ProfileBindingV1Alpha1 other = ProfileAnnotationTest.binding(
                    "default", "nginx-" + kind.toLowerCase(), "nginx:1.16", "nginx-policy");
            other.getSpec().getProfileRef().setKind(kind);

            JsonNode response = validateBinding("default", other);

            assertThat(response.path("allowed").asBoolean())
                    .as(kind + ": " + response)
                    .isTrue();
        }
    }

    @Test
    void seccompProfileWithABaseProfileCycleIsDenied() {
        String ns = "cycle";
        MockKube.namespace(ns, false);
        kube().resources(SeccompProfileV1Beta1.class)
                .inNamespace(ns)
                .resource(ProfileAnnotationTest.profile(ns, "a", "b", "read"))
                .create();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> cache.profiles().stream()
                        .anyMatch(p -> ns.equals(p.getMetadata().getNamespace())));
        SeccompProfileV1Beta1 b = ProfileAnnotationTest.profile(ns, "b", "a", "write");

        JsonNode response = admit("/validate", Reviews.seccompProfileCreate(ns, Reviews.JSON.valueToTree(b)));

        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("message").asString()).contains("cycle");

        SeccompProfileV1Beta1 fine = ProfileAnnotationTest.profile(ns, "c", "a", "write");
        JsonNode ok = admit("/validate", Reviews.seccompProfileCreate(ns, Reviews.JSON.valueToTree(fine)));
        assertThat(ok.path("allowed").asBoolean()).isTrue();
        assertThat(ok.path("warnings").toString()).contains("cycle/b"); // a's base b is missing: a warning
    }

    /**
     * A base name no SeccompProfile can have ({@code localhost/...}, a path) is denied at apply time: SPO v1's CRD
     * rejects it with its CEL rule on {@code baseProfileName}, and SPO v1beta1 would never install the profile.
     */
    @Test
    void seccompProfileWithAnImpossibleBaseNameIsDenied() {
        SeccompProfileV1Beta1 profile =
                ProfileAnnotationTest.profile("default", "via-localhost", "localhost/runc", "read");

        JsonNode response =
                admit("/validate", Reviews.seccompProfileCreate("default", Reviews.JSON.valueToTree(profile)));

        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("message").asString())
                .contains("'localhost/runc', which no SeccompProfile can be named");
    }
}
