package io.github.sysched.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.zjsonpatch.JsonPatch;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.webhook.mutation.NamespacePolicy;
import io.github.sysched.webhook.mutation.OwnedAnnotations;
import io.github.sysched.webhook.support.InMemoryClusterLookups;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.TestProperties;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The answer when the handlers fail: failure-mode deny, or allow with only the fail-safe changes. */
class FailurePolicyTest {

    private static final AdmissionFailure TIMEOUT = new AdmissionFailure("timeout", "exceeded its 2s deadline", null);

    private static FailurePolicy policy(String mode) {
        var properties = TestProperties.webhook("failure-mode", mode);
        return new FailurePolicy(
                properties,
                List.of(new OwnedAnnotations(new NamespacePolicy(InMemoryClusterLookups.demo(), properties))));
    }

    private static ObjectNode forgedPodCreate(String namespace) {
        ObjectNode pod = Reviews.pod("x-", namespace, "nginx:1.16");
        ((ObjectNode) pod.path("metadata"))
                .putObject("annotations")
                .put(PlacementAnnotations.SYSCALLS, "v1;;;")
                .put("kept", "yes");
        return Reviews.podCreate(namespace, pod);
    }

    @Test
    void denyAnswers500WithTheUid() {
        ObjectNode review = forgedPodCreate("default");

        AdmissionVerdict verdict = policy("deny").answer(Reviews.context(review), Endpoint.MUTATE, TIMEOUT);

        assertThat(verdict.denial().code()).isEqualTo(500);
        assertThat(verdict.denial().reason()).isEqualTo("InternalError");
        assertThat(verdict.denial().message())
                .contains("internal timeout")
                .contains(review.at("/request/uid").asString());
        assertThat(verdict.patch()).isNull();
    }

    @Test
    void allowAdmitsWithoutTheClientsValuesOfOurAnnotationsEvenWhenThePodDoesNotDecode() {
        ObjectNode review = forgedPodCreate("default");
        ((ObjectNode) review.at("/request/object")).put("spec", 5);

        AdmissionVerdict verdict = policy("allow").answer(Reviews.context(review), Endpoint.MUTATE, TIMEOUT);

        assertThat(verdict.denied()).isFalse();
        assertThat(verdict.warnings())
                .singleElement()
                .asString()
                .contains("internal timeout")
                .contains("without the client's values");
        JsonNode pod = JsonPatch.apply(verdict.patch(), review.at("/request/object"));
        assertThat(pod.at("/metadata/annotations").propertyNames()).containsExactly("kept");
        assertThat(pod.path("spec").asInt()).isEqualTo(5);
    }

    @Test
    void allowAdmitsUnchangedWhatHasNothingToRemoveAndValidations() {
        FailurePolicy allow = policy("allow");

        AdmissionVerdict exempt =
                allow.answer(Reviews.context(forgedPodCreate("kube-system")), Endpoint.MUTATE, TIMEOUT);
        AdmissionVerdict validation =
                allow.answer(Reviews.context(forgedPodCreate("default")), Endpoint.VALIDATE, TIMEOUT);

        for (AdmissionVerdict verdict : List.of(exempt, validation)) {
            assertThat(verdict.denied()).isFalse();
            assertThat(verdict.patch()).isNull();
            assertThat(verdict.warnings()).singleElement().asString().endsWith("; admitted unchanged");
        }
    }
}
