package io.github.sysched.webhook.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.webhook.admission.AdmissionReviewCodec;
import io.github.sysched.webhook.mutation.PodMutations;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.WebhookTestBase;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Requests far below the size cap that used to take more memory than the chart gives the webhook (384MB heap,
 * exit on OutOfMemoryError): one 1.5MB pod listing 500,000 empty containers, whose tree, copy, typed model and
 * per-container resolution needed over 1GB. Whoever may create pods could send one through the API server.
 */
class AdmissionMemoryBoundsTest extends WebhookTestBase {

    @Test
    void aBodyWithMoreTokensThanAnyAdmissionReviewIsA400() {
        ObjectNode review = Reviews.podCreate("default", Reviews.pod("x-", "default", "nginx:1.16"));
        String body = review.toString()
                .replace(
                        "\"containers\":[",
                        "\"containers\":[" + "{},".repeat((int) (AdmissionReviewCodec.MAX_TOKENS / 2)));

        HttpResponse<String> response = post("/mutate", body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("exceeds a parser limit").contains("Token count");
        System.out.println("BOUNDS webhook: " + body.length() / 1024 + " KB of '{},' refused with 400");
    }

    @Test
    void aPodWithMoreContainersThanTheLimitIsAdmittedWithoutResolutionAndWithoutForgedValues() {
        ObjectNode pod = Reviews.pod("many-", "default", "nginx:1.16");
        ((ObjectNode) pod.path("metadata")).putObject("annotations").put(PlacementAnnotations.SYSCALLS, "v1;;;");
        ArrayNode containers = (ArrayNode) pod.path("spec").path("containers");
        for (int i = 1; i <= PodMutations.MAX_CONTAINERS; i++) {
            containers.addObject().put("name", "c" + i).put("image", "nginx:1.16");
        }
        ObjectNode review = Reviews.podCreate("default", pod);

        long start = System.nanoTime();
        JsonNode response = admit("/mutate", review);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.path("warnings").toString()).contains("more than " + PodMutations.MAX_CONTAINERS);
        assertThat(patched(review, response)
                        .path("metadata")
                        .path("annotations")
                        .has(PlacementAnnotations.SYSCALLS))
                .isFalse();
        System.out.println("BOUNDS webhook: pod with " + containers.size() + " containers answered in " + millis
                + " ms without resolution");
    }
}
