package io.github.sysched.webhook.admission;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import java.time.Instant;
import java.util.Base64;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The admission.k8s.io/v1 AdmissionReview wire format, on fabric8's model. Decoding reads the body with a token
 * cap, checks what an answer needs (uid, kind, operation), and decodes the envelope; the object and old object
 * stay as sent, for the handler that knows their type. Encoding: uid echoed, {@code patch} and
 * {@code patchType: JSONPatch} together or not at all, warnings, denials with a status code of at least 400.
 */
@Component
public class AdmissionReviewCodec {

    public static final String API_VERSION = "admission.k8s.io/v1";
    public static final String KIND = "AdmissionReview";
    /**
     * Tokens one AdmissionReview may have. The API server sends at most about 3MB (object and oldObject of at
     * most 1.5MB each), a few hundred thousand tokens even in dense JSON; the byte cap alone would let a small
     * body of {@code {},{},...} expand to millions of nodes (an 8MB body: over 200MB of tree, copied again
     * for the patch).
     */
    public static final long MAX_TOKENS = 1_000_000;

    private final ObjectMapper mapper;
    private final ObjectMapper bodyParser = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxTokenCount(MAX_TOKENS)
                            .build())
                    .build())
            .build();

    public AdmissionReviewCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * The request of {@code body}, with {@code deadline}.
     *
     * @throws BadAdmissionReviewException when the body is not an AdmissionReview that can be answered
     * @throws UnreadableRequest           when it can be answered (uid, kind, operation) but not understood
     */
    public AdmissionContext decode(byte[] body, Instant deadline) {
        JsonNode root;
        try {
            root = bodyParser.readTree(body);
        } catch (StreamConstraintsException e) {
            throw new BadAdmissionReviewException("body exceeds a parser limit: " + e.getOriginalMessage(), e);
        } catch (JacksonException e) {
            throw new BadAdmissionReviewException("body is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new BadAdmissionReviewException("body is not a JSON object");
        }
        String apiVersion = root.path("apiVersion").asString("");
        String kind = root.path("kind").asString("");
        if (!KIND.equals(kind) || !API_VERSION.equals(apiVersion)) {
            throw new BadAdmissionReviewException("expected apiVersion " + API_VERSION + " kind " + KIND
                    + ", got apiVersion '" + apiVersion + "' kind '" + kind + "'");
        }
        if (!(root.path("request") instanceof ObjectNode request)) {
            throw new BadAdmissionReviewException("AdmissionReview has no request");
        }
        String uid = text(request, "uid");
        if (uid.isEmpty()) {
            throw new BadAdmissionReviewException("request.uid is missing");
        }
        String objectKind = text(request.path("kind"), "kind");
        if (objectKind.isEmpty()) {
            throw new BadAdmissionReviewException("request.kind is missing");
        }
        AdmissionContext.Operation operation;
        try {
            operation = AdmissionContext.Operation.valueOf(text(request, "operation"));
        } catch (IllegalArgumentException e) {
            throw new BadAdmissionReviewException(
                    "request.operation '" + text(request, "operation") + "' is not CREATE, UPDATE, DELETE or CONNECT");
        }
        JsonNode object = request.remove("object");
        JsonNode oldObject = request.remove("oldObject");
        request.remove("options"); // not used; its kind depends on the operation
        try {
            return new AdmissionContext(
                    mapper.treeToValue(request, AdmissionRequest.class),
                    operation,
                    object,
                    oldObject,
                    deadline,
                    mapper);
        } catch (JacksonException e) {
            throw new UnreadableRequest(
                    uid,
                    objectKind,
                    operation.name(),
                    "request does not match admission.k8s.io/v1 AdmissionRequest: " + e.getOriginalMessage());
        }
    }

    /** The AdmissionReview answering request {@code uid} with {@code verdict}. */
    public byte[] encode(String uid, AdmissionVerdict verdict) {
        AdmissionResponseBuilder response =
                new AdmissionResponseBuilder().withUid(uid).withAllowed(!verdict.denied());
        if (verdict.denied()) {
            AdmissionVerdict.Denial denial = verdict.denial();
            response.withStatus(new StatusBuilder()
                    .withCode(denial.code())
                    .withReason(denial.reason())
                    .withMessage(denial.message())
                    .build());
        } else if (verdict.patch() != null) {
            response.withPatchType("JSONPatch")
                    .withPatch(Base64.getEncoder().encodeToString(mapper.writeValueAsBytes(verdict.patch())));
        }
        if (!verdict.warnings().isEmpty()) {
            response.withWarnings(verdict.warnings());
        }
        return mapper.writeValueAsBytes(
                new AdmissionReviewBuilder().withResponse(response.build()).build());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() ? value.stringValue() : "";
    }

    /**
     * An AdmissionReview that can be answered (it has a uid, a kind and an operation) but whose request does not
     * decode: answered with a 400 denial, so the API server never falls back to its failure policy for it.
     */
    public static final class UnreadableRequest extends RuntimeException {

        private final String uid;
        private final String kind;
        private final String operation;

        UnreadableRequest(String uid, String kind, String operation, String message) {
            super(message);
            this.uid = uid;
            this.kind = kind;
            this.operation = operation;
        }

        public String uid() {
            return uid;
        }

        public String kind() {
            return kind;
        }

        public String operation() {
            return operation;
        }
    }
}
