package io.github.sysched.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.webhook.admission.AdmissionContext;
import io.github.sysched.webhook.mutation.PodAdmission;
import io.github.sysched.webhook.mutation.PodMutator;
import io.github.sysched.webhook.support.MockKube;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.WebhookTestBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** P4 fast mode; internal errors and the request deadline under failure-mode deny. */
@TestPropertySource(
        properties = {
            "sysched.webhook.ipp.mode=fast",
            "sysched.webhook.failure-mode=deny",
            "sysched.webhook.request-deadline=3s",
            "sysched.webhook.sandbox.enabled=true",
            "sysched.webhook.sandbox.ipp-class=untrusted"
        })
@Import(FastIppAndFailureModeTest.Faulty.class)
class FastIppAndFailureModeTest extends WebhookTestBase {

    /** Mutators that misbehave in two dedicated namespaces. */
    @TestConfiguration
    static class Faulty {
        @Bean
        PodMutator faulty() {
            return new PodMutator() {
                @Override
                public boolean supports(AdmissionContext request) {
                    return request.namespace().equals("boom")
                            || request.namespace().equals("slow");
                }

                @Override
                public void mutate(PodAdmission admission) {
                    if (admission.request().namespace().equals("boom")) {
                        throw new IllegalStateException("simulated bug");
                    }
                    try {
                        Thread.sleep(20_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
        }
    }

    @BeforeAll
    static void namespaces() {
        MockKube.namespace("boom", false);
        MockKube.namespace("slow", false);
    }

    @Test
    void fastModeAddsTolerationAffinityAndTheClassAnnotationOnly() {
        ObjectNode pod = Reviews.pod("web-", "default", "nginx:1.16");
        ((ObjectNode) pod.path("metadata").path("labels")).put("ipp-class", "gold");
        ObjectNode review = Reviews.podCreate("default", pod);

        JsonNode result = patched(review, admit("/mutate", review));

        assertThat(result.at("/metadata/annotations")
                        .path(PlacementAnnotations.IPP_CLASS)
                        .asString())
                .isEqualTo("gold");
        assertThat(result.at("/spec/tolerations/0/key").asString()).isEqualTo("ipp");
        assertThat(result.at("/spec/affinity/nodeAffinity").isMissingNode()).isFalse();
        assertThat(result.at("/spec/affinity/podAntiAffinity").isMissingNode()).isTrue();
    }

    @Test
    void unconfinedPodsGetTheSandboxClass() {
        ObjectNode review = Reviews.podCreate("default", Reviews.pod("tool-", "default", "busybox:1.36"));

        JsonNode result = patched(review, admit("/mutate", review));

        assertThat(result.at("/metadata/labels/ipp-class").asString()).isEqualTo("untrusted");
        assertThat(result.at("/metadata/annotations")
                        .path(PlacementAnnotations.IPP_CLASS)
                        .asString())
                .isEqualTo("untrusted");
        assertThat(result.at("/spec/tolerations/0/key").asString()).isEqualTo("ipp");
        assertThat(result.at("/spec/runtimeClassName").isMissingNode())
                .as("no runtime class configured")
                .isTrue();

        ObjectNode bound = Reviews.podCreate("default", Reviews.pod("web-", "default", "nginx:1.16"));
        assertThat(patched(bound, admit("/mutate", bound))
                        .at("/metadata/labels/ipp-class")
                        .isMissingNode())
                .as("a pod bound to a profile is confined: no sandbox class")
                .isTrue();
    }

    @Test
    void internalErrorDeniesWithTheRequestUid() {
        ObjectNode review = Reviews.podCreate("boom", Reviews.pod("x-", "boom", "nginx:1.16"));

        JsonNode response = admit("/mutate", review);

        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("code").asInt()).isEqualTo(500);
        assertThat(response.path("status").path("message").asString())
                .contains(review.path("request").path("uid").asString());
        assertThat(response.has("patch")).isFalse();
    }

    @Test
    void requestDeadlineIsHonoured() {
        long start = System.nanoTime();

        JsonNode response = admit("/mutate", Reviews.podCreate("slow", Reviews.pod("x-", "slow", "nginx:1.16")));

        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(millis).isLessThan(10_000);
        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("message").asString()).contains("timeout");
    }
}
