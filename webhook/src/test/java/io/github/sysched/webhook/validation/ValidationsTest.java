package io.github.sysched.webhook.validation;

import static io.github.sysched.webhook.support.SpoObjects.binding;
import static io.github.sysched.webhook.support.SpoObjects.profile;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.spo.ProfileBinding;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.webhook.admission.AdmissionVerdict;
import io.github.sysched.webhook.support.InMemoryClusterLookups;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.TestProperties;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/** The validators as {@code /validate} runs them, against an in-memory cluster view: no API server, no Spring. */
class ValidationsTest {

    private InMemoryClusterLookups cluster = InMemoryClusterLookups.demo();

    private AdmissionVerdict validate(JsonNode review) {
        Validations validations = new Validations(List.of(
                new OwnedAnnotationGuard(TestProperties.webhook("annotation-writers", "rewriter")),
                new ProfileBindingValidator(cluster),
                new SeccompProfileValidator(cluster)));
        return validations.handle(Reviews.context(review));
    }

    private static ObjectNode pod(String syscalls) {
        ObjectNode pod = Reviews.pod("web-", "default", "nginx:1.16");
        ((ObjectNode) pod.path("metadata")).put("name", "web-abc");
        if (syscalls != null) {
            ((ObjectNode) pod.path("metadata")).putObject("annotations").put(PlacementAnnotations.SYSCALLS, syscalls);
        }
        return pod;
    }

    private static JsonNode bindingCreate(ProfileBinding binding) {
        return Reviews.profileBindingCreate(binding.getMetadata().getNamespace(), Reviews.JSON.valueToTree(binding));
    }

    private static JsonNode profileCreate(SeccompProfile profile) {
        return Reviews.seccompProfileCreate(profile.getMetadata().getNamespace(), Reviews.JSON.valueToTree(profile));
    }

    @Test
    void ourAnnotationsCannotBeAddedChangedOrRemovedOnUpdateExceptByTheWriters() {
        String[][] transitions = {{"v1;AQ;;x", "v1;Ag;;y"}, {null, "v1;AQ;;x"}, {"v1;AQ;;x", null}};
        for (String[] transition : transitions) {
            AdmissionVerdict alice =
                    validate(Reviews.podUpdate("default", pod(transition[1]), pod(transition[0]), "alice"));
            assertThat(alice.denial().code()).isEqualTo(403);
            assertThat(alice.denial().message())
                    .contains(PlacementAnnotations.SYSCALLS)
                    .contains("alice");
            assertThat(validate(Reviews.podUpdate("default", pod(transition[1]), pod(transition[0]), "rewriter"))
                            .denied())
                    .isFalse();
        }
        assertThat(validate(Reviews.podUpdate("default", pod("v1;AQ;;x"), pod("v1;AQ;;x"), "alice"))
                        .denied())
                .isFalse();
    }

    @Test
    void theGuardReadsOnlyTheMetadata() {
        ObjectNode changed = pod("v1;;;");
        changed.put("spec", "not a pod spec");

        assertThat(validate(Reviews.podUpdate("default", changed, pod("v1;AQ;;x"), "alice"))
                        .denied())
                .isTrue();
    }

    @Test
    void aBindingWithAnUnsupportedKindOrNoImageIsDenied() {
        var badKind = binding("default", "bad-kind", "x:1", "nginx-seccomp");
        badKind.getSpec().getProfileRef().setKind("ConfigMap");
        var noImage = binding("default", "no-image", "", "nginx-seccomp");

        assertThat(validate(bindingCreate(badKind)).denial().message()).contains("profileRef.kind 'ConfigMap'");
        assertThat(validate(bindingCreate(noImage)).denial().message()).contains("spec.image must not be empty");
    }

    @Test
    void aSecondBindingOfTheSameImageAndSelectorIsDeniedButTheBindingItselfMayChange() {
        AdmissionVerdict second =
                validate(bindingCreate(binding("default", "nginx-binding-2", "nginx:1.16", "full-seccomp")));
        AdmissionVerdict same =
                validate(bindingCreate(binding("default", "nginx-binding", "nginx:1.16", "nginx-seccomp")));

        assertThat(second.denial().message()).contains("ambiguous").contains("nginx-binding");
        assertThat(same.denied()).isFalse();
    }

    @Test
    void aBindingToAMissingProfileIsAWarning() {
        AdmissionVerdict verdict = validate(bindingCreate(binding("default", "later", "later:1", "not-yet")));

        assertThat(verdict.denied()).isFalse();
        assertThat(verdict.warnings()).anyMatch(w -> w.contains("default/not-yet does not exist"));
    }

    @Test
    void aProfileThatClosesABaseCycleIsDeniedAndAMissingBaseIsAWarning() {
        cluster.namespace("cycle", false).profile(profile("cycle", "a", "b", "read"));

        assertThat(validate(profileCreate(profile("cycle", "b", "a", "write")))
                        .denial()
                        .message())
                .contains("cycle");
        AdmissionVerdict fine = validate(profileCreate(profile("cycle", "c", "a", "write")));
        assertThat(fine.denied()).isFalse();
        assertThat(fine.warnings()).anyMatch(w -> w.contains("cycle/b"));
    }

    @Test
    void aProfileWithASyscallNameTheResolverCannotUseIsDenied() {
        AdmissionVerdict verdict = validate(profileCreate(profile("default", "long", null, "read", "x".repeat(200))));

        assertThat(verdict.denial().message()).contains("longer than 128 characters");
    }

    @Test
    void beforeTheScopeIsKnownProfilesAreAdmittedWithAWarning() {
        cluster = new InMemoryClusterLookups(null);

        AdmissionVerdict verdict = validate(profileCreate(profile("default", "a", "b", "read")));

        assertThat(verdict.denied()).isFalse();
        assertThat(verdict.warnings()).anyMatch(w -> w.contains("SPO scope not known yet"));
    }

    @Test
    void inClusterScopeAProfileIsKeyedByNameOnly() {
        cluster = new InMemoryClusterLookups(SpoScope.CLUSTER).namespace("default", true);
        var base = profile(null, "base", null, "read");
        cluster.profile(base);

        AdmissionVerdict verdict = validate(profileCreate(profile(null, "child", "base", "write")));

        assertThat(verdict.denied()).isFalse();
        assertThat(verdict.warnings()).isEmpty();
    }

    /**
     * Seen in AdmissionPipelineFuzzTest's first run: an SPO object of null made both validators throw, and the
     * request was admitted unchecked.
     */
    @Test
    void anSpoRequestWithoutAnObjectIsDeniedAsABadRequest() {
        JsonNode binding = Reviews.profileBindingCreate("default", NullNode.getInstance());
        JsonNode profile = Reviews.seccompProfileCreate("default", NullNode.getInstance());

        assertThat(validate(binding).denial().code()).isEqualTo(400);
        assertThat(validate(profile).denial().code()).isEqualTo(400);
        assertThat(validate(profile).denial().message()).contains("the request has no object");
    }
}
