package io.github.sysched.webhook.gaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.WebhookTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * IPP {@code fast} mode, where the extender isolates classes by the {@code exs.sysched.io/ipp-class} annotation
 * (falling back to the {@code ipp-class} label). What holds: the annotation is always the label's value at
 * CREATE (never a value of the client's choosing that differs from it) and is pinned afterwards, so relabelling
 * an admitted pod does not move it to another class. What does not: the label itself is the pod author's
 * choice, so a pod may claim a victim's class at CREATE (SECURITY.md, "IPP is not a tenant boundary on its own";
 * bind classes to namespaces with an admission policy).
 */
@TestPropertySource(properties = "sysched.webhook.ipp.mode=fast")
class IppClassGamingTest extends WebhookTestBase {

    private static ObjectNode pod(String label, String annotation) {
        ObjectNode pod = Reviews.pod("web-", "default", "nginx:1.16");
        if (label != null) {
            ((ObjectNode) pod.path("metadata").path("labels")).put("ipp-class", label);
        }
        if (annotation != null) {
            ((ObjectNode) pod.path("metadata"))
                    .putObject("annotations")
                    .put(PlacementAnnotations.IPP_CLASS, annotation);
        }
        return pod;
    }

    private JsonNode admitted(ObjectNode pod) {
        ObjectNode review = Reviews.podCreate("default", pod);
        return patched(review, admit("/mutate", review));
    }

    private static JsonNode classAnnotation(JsonNode pod) {
        return pod.path("metadata").path("annotations").path(PlacementAnnotations.IPP_CLASS);
    }

    @Test
    void aForgedClassAnnotationIsReplacedByTheLabelOrRemoved() {
        JsonNode labelled = admitted(pod("tenant-a", "victim"));
        JsonNode unlabelled = admitted(pod(null, "victim"));

        assertThat(classAnnotation(labelled).asString()).isEqualTo("tenant-a");
        assertThat(classAnnotation(unlabelled).isMissingNode()).isTrue();
        assertThat(unlabelled.at("/spec/tolerations").isMissingNode())
                .as("no class, no pool toleration")
                .isTrue();
        System.out.println("GAMING ipp fast: label tenant-a + forged annotation victim -> annotation "
                + classAnnotation(labelled).asString() + "; no label + forged victim -> annotation "
                + (classAnnotation(unlabelled).isMissingNode()
                        ? "removed"
                        : classAnnotation(unlabelled).asString()));
    }

    @Test
    void relabellingAnAdmittedPodDoesNotMoveItsClass() {
        ObjectNode admitted = (ObjectNode) admitted(pod("tenant-a", null));
        ((ObjectNode) admitted.path("metadata")).put("name", "web-abc");
        ObjectNode relabelled = admitted.deepCopy();
        ((ObjectNode) relabelled.path("metadata").path("labels")).put("ipp-class", "victim");
        ObjectNode reannotated = relabelled.deepCopy();
        ((ObjectNode) reannotated.path("metadata").path("annotations")).put(PlacementAnnotations.IPP_CLASS, "victim");

        JsonNode labelOnly = admit("/validate", Reviews.podUpdate("default", relabelled, admitted, "alice"));
        JsonNode both = admit("/validate", Reviews.podUpdate("default", reannotated, admitted, "alice"));

        // the label may change (labels are the author's), but the extender reads the pinned annotation first
        assertThat(labelOnly.path("allowed").asBoolean()).isTrue();
        assertThat(classAnnotation(relabelled).asString()).isEqualTo("tenant-a");
        assertThat(both.path("allowed").asBoolean()).isFalse();
        assertThat(both.path("status").path("message").asString()).contains(PlacementAnnotations.IPP_CLASS);
    }

    @Test
    void theClassItselfIsThePodAuthorsChoice() {
        JsonNode intruder = admitted(pod("victim", null));

        assertThat(classAnnotation(intruder).asString()).isEqualTo("victim");
        assertThat(intruder.at("/spec/tolerations/0/key").asString()).isEqualTo("ipp");
    }
}
