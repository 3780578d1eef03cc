package io.github.sysched.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.WebhookTestBase;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** P1: the AdmissionReview envelope, bad bodies, objects we do not handle, probes and metrics. */
class AdmissionProtocolTest extends WebhookTestBase {

    @Test
    void malformedJsonIsA400WithAClearMessage() {
        HttpResponse<String> response = post("/mutate", "{\"apiVersion\": \"admission.k8s.io/v1\", ");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("not valid JSON");
    }

    @Test
    void jsonThatIsNotAnAdmissionReviewIsA400() {
        HttpResponse<String> response = post("/validate", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("expected apiVersion admission.k8s.io/v1 kind AdmissionReview");
    }

    @Test
    void reviewWithoutUidIsA400() {
        ObjectNode review = Reviews.podCreate("default", Reviews.pod("x-", "default", "nginx:1.16"));
        ((ObjectNode) review.path("request")).remove("uid");

        assertThat(post("/mutate", review.toString()).statusCode()).isEqualTo(400);
    }

    @Test
    void bodyOverTheSizeCapIsRefused() {
        String huge = "{\"pad\":\"" + "x".repeat(9 * 1024 * 1024) + "\"}";

        HttpResponse<String> response = post("/mutate", huge);

        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void anObjectWeDoNotHandleIsAllowedUnchanged() {
        ObjectNode configMap = Reviews.json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                + "\"metadata\":{\"name\":\"cm\",\"namespace\":\"default\"},\"data\":{\"a\":\"b\"}}");
        for (String path : new String[] {"/mutate", "/validate"}) {
            ObjectNode review =
                    Reviews.review("", "v1", "ConfigMap", "configmaps", "CREATE", "default", configMap, null, "alice");

            JsonNode response = admit(path, review);

            assertThat(response.path("allowed").asBoolean()).isTrue();
            assertThat(response.has("patch")).isFalse();
            assertThat(response.has("status")).isFalse();
        }
    }

    /**
     * Found by AdmissionPipelineFuzzTest's campaign: a pod whose fields do not map onto the Pod model (a real API
     * server never sends one) made the handlers throw, and the request took the internal-error path, where the
     * default {@code failure-mode: allow} admitted it. Now it is refused as the bad request it is, on every endpoint.
     */
    @Test
    void aPodThatDoesNotDecodeAsAPodIsA400DenialEvenUnderFailureModeAllow() {
        ObjectNode objectName = Reviews.pod("nginx-", "default", "nginx:1.16");
        ((ObjectNode) objectName.at("/spec/containers/0")).putObject("name").put("first", "nginx");
        ObjectNode pod = Reviews.pod("nginx-", "default", "nginx:1.16");
        ((ObjectNode) pod.path("metadata")).put("name", "nginx-abc");
        ObjectNode oldPod = pod.deepCopy();
        ((ObjectNode) oldPod.path("metadata"))
                .putObject("annotations")
                .putObject("team")
                .put("name", "web");

        JsonNode created = admit("/mutate", Reviews.podCreate("default", objectName));
        JsonNode updated = admit("/validate", Reviews.podUpdate("default", pod, oldPod, "alice"));

        assertThat(created.path("allowed").asBoolean()).isFalse();
        assertThat(created.at("/status/code").asInt()).isEqualTo(400);
        assertThat(created.at("/status/message").asString()).startsWith("object does not decode as Pod");
        assertThat(created.has("patch")).isFalse();
        assertThat(updated.path("allowed").asBoolean()).isFalse();
        assertThat(updated.at("/status/code").asInt()).isEqualTo(400);
        assertThat(updated.at("/status/message").asString()).startsWith("oldObject.metadata does not decode as");
    }

    @Test
    void podUpdateIsNotMutated() {
        ObjectNode pod = Reviews.pod("nginx-", "default", "nginx:1.16");
        ((ObjectNode) pod.path("metadata")).put("name", "nginx-abc");
        ObjectNode review = Reviews.podUpdate("default", pod, pod.deepCopy(), "alice");

        JsonNode response = admit("/mutate", review);

        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.has("patch")).isFalse();
    }

    @Test
    void probesAreOnTheManagementPortAndReadinessWaitsForTheInformers() {
        HttpResponse<String> readiness = management("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"status\":\"UP\"");
        assertThat(management("/actuator/health/liveness").statusCode()).isEqualTo(200);
        assertThat(management("/actuator/health").body()).contains("informers");
    }

    @Test
    void prometheusExposesAdmissionLatencyAndCacheSizes() {
        admit("/mutate", Reviews.fixture("/admission/pod-create-nginx-generatename.json"));

        String metrics = management("/actuator/prometheus").body();

        assertThat(metrics)
                .contains("sysched_admission_seconds_count{")
                .containsPattern("sysched_admission_seconds_count\\{[^}]*endpoint=\"mutate\"[^}]*outcome=\"patched\"")
                .contains("sysched_cache_size{")
                .containsPattern("sysched_cache_size\\{[^}]*resource=\"profilebindings\"[^}]*} [1-9]");
    }
}
