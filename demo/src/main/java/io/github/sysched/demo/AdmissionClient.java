package io.github.sysched.demo;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends a pod through the mutating webhook the way kube-apiserver does: an admission.k8s.io/v1
 * AdmissionReview over HTTPS, checked the way the API server checks the answer (uid echoed, patch type).
 */
final class AdmissionClient {

    private final URI mutateUri;
    private final HttpClient http;
    private final ObjectMapper json = JsonMapper.builder().build();
    private final KubernetesSerialization serialization = new KubernetesSerialization();

    AdmissionClient(URI mutateUri, SSLContext trustingWebhookCa) {
        this.mutateUri = mutateUri;
        this.http = HttpClient.newBuilder()
                .sslContext(trustingWebhookCa)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    record Admitted(Pod pod, List<String> warnings) {}

    /** The {@code /mutate} URL. */
    URI mutateUri() {
        return mutateUri;
    }

    /** The TLS context that trusts the webhook's CA. */
    SSLContext sslContext() {
        return http.sslContext();
    }

    Admitted mutate(Pod pod, String requester) throws IOException, InterruptedException {
        String uid = UUID.randomUUID().toString();
        ObjectNode review = review(pod, requester, uid);
        JsonNode object = review.path("request").path("object");

        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(mutateUri)
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(review)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("webhook answered HTTP " + response.statusCode() + ": " + response.body());
        }
        JsonNode answer = json.readTree(response.body()).path("response");
        if (!uid.equals(answer.path("uid").asString())) {
            throw new IOException("webhook did not echo the request uid: " + response.body());
        }
        if (!answer.path("allowed").asBoolean(false)) {
            throw new IOException("webhook denied the pod: " + answer.path("status"));
        }
        List<String> warnings = new ArrayList<>();
        answer.path("warnings").forEach(w -> warnings.add(w.asString()));
        if (!answer.hasNonNull("patch")) {
            return new Admitted(pod, warnings);
        }
        if (!"JSONPatch".equals(answer.path("patchType").asString())) {
            throw new IOException("patch without patchType JSONPatch: " + response.body());
        }
        JsonNode patch = json.readTree(
                new String(Base64.getDecoder().decode(answer.get("patch").asString()), StandardCharsets.UTF_8));
        JsonNode patched = JsonPatch.apply(patch, object);
        return new Admitted(serialization.unmarshal(json.writeValueAsString(patched), Pod.class), warnings);
    }

    /** The admission.k8s.io/v1 AdmissionReview kube-apiserver sends for a pod CREATE. */
    ObjectNode review(Pod pod, String requester, String uid) {
        ObjectNode review = json.createObjectNode();
        review.put("apiVersion", "admission.k8s.io/v1");
        review.put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request");
        request.put("uid", uid);
        request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
        request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
        request.putObject("requestKind").put("group", "").put("version", "v1").put("kind", "Pod");
        request.putObject("requestResource")
                .put("group", "")
                .put("version", "v1")
                .put("resource", "pods");
        request.put(
                "name",
                pod.getMetadata().getName() == null ? "" : pod.getMetadata().getName());
        request.put("namespace", pod.getMetadata().getNamespace());
        request.put("operation", "CREATE");
        request.putObject("userInfo").put("username", requester);
        request.set("object", json.readTree(serialization.asJson(pod)));
        request.putNull("oldObject");
        request.put("dryRun", false);
        request.putObject("options").put("apiVersion", "meta.k8s.io/v1").put("kind", "CreateOptions");
        return review;
    }
}
