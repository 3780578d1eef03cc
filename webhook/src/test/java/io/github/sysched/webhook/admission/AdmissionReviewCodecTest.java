package io.github.sysched.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sysched.webhook.support.Reviews;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The wire format: what is refused with HTTP 400, what is answered, and the answer's shape. */
class AdmissionReviewCodecTest {

    private final AdmissionReviewCodec codec = new AdmissionReviewCodec(Reviews.JSON);

    private AdmissionContext decode(String body) {
        return codec.decode(body.getBytes(StandardCharsets.UTF_8), Instant.now().plusSeconds(10));
    }

    private JsonNode response(AdmissionVerdict verdict) {
        JsonNode review = Reviews.JSON.readTree(codec.encode("uid-1", verdict));
        assertThat(review.path("apiVersion").asString()).isEqualTo("admission.k8s.io/v1");
        assertThat(review.path("kind").asString()).isEqualTo("AdmissionReview");
        assertThat(review.has("request")).isFalse();
        assertThat(review.at("/response/uid").asString()).isEqualTo("uid-1");
        return review.path("response");
    }

    @Test
    void decodesTheEnvelopeAndKeepsTheObjectsAsSent() {
        ObjectNode review = Reviews.fixture("/admission/pod-create-nginx-generatename.json");

        AdmissionContext request = decode(review.toString());

        assertThat(request.uid()).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
        assertThat(request.isPod()).isTrue();
        assertThat(request.operation()).isEqualTo(AdmissionContext.Operation.CREATE);
        assertThat(request.namespace()).isEqualTo("default");
        assertThat(request.name()).isEmpty();
        assertThat(request.username()).isEqualTo("system:serviceaccount:kube-system:replicaset-controller");
        assertThat(request.dryRun()).isFalse();
        assertThat(request.describe()).isEqualTo("Pod default/nginx1-7f8d9c6b5d-*");
        assertThat(request.object()).isEqualTo(review.at("/request/object"));
        assertThat(request.oldObject().isNull()).isTrue();
        assertThat(request.request().getUserInfo().getGroups()).contains("system:authenticated");
    }

    @Test
    void whatCannotBeAnsweredIsABadAdmissionReviewWithAClearMessage() {
        assertThatThrownBy(() -> decode("{\"apiVersion\": "))
                .isInstanceOf(BadAdmissionReviewException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> decode("[]")).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> decode("{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}"))
                .hasMessageContaining("expected apiVersion admission.k8s.io/v1 kind AdmissionReview");
        ObjectNode review = Reviews.podCreate("default", Reviews.pod("x-", "default", "nginx:1.16"));
        ObjectNode request = (ObjectNode) review.path("request");
        request.put("operation", "PATCH");
        assertThatThrownBy(() -> decode(review.toString())).hasMessageContaining("request.operation 'PATCH'");
        request.remove("kind");
        assertThatThrownBy(() -> decode(review.toString())).hasMessageContaining("request.kind is missing");
        request.put("uid", 5);
        assertThatThrownBy(() -> decode(review.toString())).hasMessageContaining("request.uid is missing");
    }

    @Test
    void aBodyWithMoreTokensThanTheCapIsRefused() {
        String body = "[" + "{},".repeat((int) (AdmissionReviewCodec.MAX_TOKENS / 2)) + "{}]";

        assertThatThrownBy(() -> decode(body))
                .isInstanceOf(BadAdmissionReviewException.class)
                .hasMessageContaining("exceeds a parser limit");
    }

    @Test
    void anAnswerableRequestThatDoesNotDecodeIsUnreadableWithItsUid() {
        ObjectNode review = Reviews.podCreate("default", Reviews.pod("x-", "default", "nginx:1.16"));
        ((ObjectNode) review.path("request")).putObject("namespace").put("x", 1);

        assertThatThrownBy(() -> decode(review.toString()))
                .isInstanceOfSatisfying(AdmissionReviewCodec.UnreadableRequest.class, e -> {
                    assertThat(e.uid()).isEqualTo(review.at("/request/uid").asString());
                    assertThat(e.kind()).isEqualTo("Pod");
                    assertThat(e.operation()).isEqualTo("CREATE");
                    assertThat(e.getMessage()).contains("does not match admission.k8s.io/v1 AdmissionRequest");
                });
    }

    @Test
    void objectsAndOptionsAreNotDecodedWithTheEnvelope() {
        ObjectNode review = Reviews.podCreate("default", Reviews.pod("x-", "default", "nginx:1.16"));
        ((ObjectNode) review.at("/request/object")).put("spec", 5);
        ((ObjectNode) review.path("request")).put("options", "not options");

        AdmissionContext request = decode(review.toString());

        assertThat(request.object().path("spec").asInt()).isEqualTo(5);
        assertThatThrownBy(() -> request.object(io.fabric8.kubernetes.api.model.Pod.class))
                .as("decoded by the handler, within the deadline")
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void anAllowedAnswerHasNoPatchTypeStatusOrWarningsOfItsOwn() {
        JsonNode response = response(new AdmissionVerdict());

        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.has("patch")).isFalse();
        assertThat(response.has("patchType")).isFalse();
        assertThat(response.has("status")).isFalse();
        assertThat(response.has("warnings")).isFalse();
    }

    @Test
    void aPatchIsBase64JsonPatchWithItsType() {
        AdmissionVerdict verdict = new AdmissionVerdict();
        verdict.patch(
                Reviews.json("{\"metadata\":{}}"), Reviews.json("{\"metadata\":{\"annotations\":{\"a\":\"b\"}}}"));
        verdict.warn("careful");

        JsonNode response = response(verdict);

        assertThat(response.path("patchType").asString()).isEqualTo("JSONPatch");
        assertThat(Reviews.JSON.readTree(java.util.Base64.getDecoder()
                        .decode(response.path("patch").asString())))
                .isEqualTo(Reviews.JSON.readTree(
                        "[{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"a\":\"b\"}}]"));
        assertThat(response.path("warnings").get(0).asString()).isEqualTo("careful");
    }

    @Test
    void aDenialHasAStatusAndNoPatch() {
        AdmissionVerdict verdict = new AdmissionVerdict();
        verdict.patch(Reviews.json("{}"), Reviews.json("{\"a\":1}"));
        verdict.deny("no");

        JsonNode response = response(verdict);

        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.at("/status/code").asInt()).isEqualTo(403);
        assertThat(response.at("/status/reason").asString()).isEqualTo("Forbidden");
        assertThat(response.at("/status/message").asString()).isEqualTo("no");
        assertThat(response.has("patch") || response.has("patchType")).isFalse();
    }
}
