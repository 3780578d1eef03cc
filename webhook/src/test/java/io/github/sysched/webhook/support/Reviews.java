package io.github.sysched.webhook.support;

import io.github.sysched.webhook.admission.AdmissionContext;
import io.github.sysched.webhook.admission.AdmissionReviewCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** AdmissionReview requests shaped as kube-apiserver sends them. */
public final class Reviews {

    private static final String SPO_GROUP = "security-profiles-operator.x-k8s.io";

    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Reviews() {}

    public static ObjectNode fixture(String resource) {
        try (InputStream in = Reviews.class.getResourceAsStream(resource)) {
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code review} decoded as the service decodes it, with a deadline 10 s ahead (for unit tests). */
    public static AdmissionContext context(JsonNode review) {
        return new AdmissionReviewCodec(JSON)
                .decode(JSON.writeValueAsBytes(review), Instant.now().plusSeconds(10));
    }

    public static ObjectNode json(String json) {
        return (ObjectNode) JSON.readTree(json);
    }

    /** {@code request} for {@code object} of core kind {@code kind} ({@code group} "" for core). */
    public static ObjectNode review(
            String group,
            String version,
            String kind,
            String resource,
            String operation,
            String namespace,
            JsonNode object,
            JsonNode oldObject,
            String username) {
        ObjectNode review = NODES.objectNode();
        review.put("apiVersion", "admission.k8s.io/v1");
        review.put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request");
        request.put("uid", UUID.randomUUID().toString());
        ObjectNode k = request.putObject("kind");
        k.put("group", group);
        k.put("version", version);
        k.put("kind", kind);
        ObjectNode r = request.putObject("resource");
        r.put("group", group);
        r.put("version", version);
        r.put("resource", resource);
        request.set("requestKind", k.deepCopy());
        request.set("requestResource", r.deepCopy());
        String name = object != null
                ? object.path("metadata").path("name").asString("")
                : oldObject.path("metadata").path("name").asString("");
        if (!name.isEmpty()) {
            request.put("name", name);
        }
        if (namespace != null) {
            request.put("namespace", namespace);
        }
        request.put("operation", operation);
        ObjectNode user = request.putObject("userInfo");
        user.put("username", username);
        user.putArray("groups").add("system:authenticated");
        request.set("object", object == null ? NODES.nullNode() : object);
        request.set("oldObject", oldObject == null ? NODES.nullNode() : oldObject);
        request.put("dryRun", false);
        ObjectNode options = request.putObject("options");
        options.put("apiVersion", "meta.k8s.io/v1");
        options.put("kind", operation.equals("CREATE") ? "CreateOptions" : "UpdateOptions");
        return review;
    }

    public static ObjectNode podCreate(String namespace, JsonNode pod) {
        return review(
                "",
                "v1",
                "Pod",
                "pods",
                "CREATE",
                namespace,
                pod,
                null,
                "system:serviceaccount:kube-system:replicaset-controller");
    }

    /** A tenant ({@code alice}) creating the SeccompProfile {@code profile} (SPO v1beta1) in {@code namespace}. */
    public static ObjectNode seccompProfileCreate(String namespace, JsonNode profile) {
        return review(
                SPO_GROUP, "v1beta1", "SeccompProfile", "seccompprofiles", "CREATE", namespace, profile, null, "alice");
    }

    /** A tenant ({@code alice}) creating the ProfileBinding {@code binding} (SPO v1alpha1) in {@code namespace}. */
    public static ObjectNode profileBindingCreate(String namespace, JsonNode binding) {
        return review(
                SPO_GROUP,
                "v1alpha1",
                "ProfileBinding",
                "profilebindings",
                "CREATE",
                namespace,
                binding,
                null,
                "alice");
    }

    public static ObjectNode podUpdate(String namespace, JsonNode pod, JsonNode oldPod, String username) {
        return review("", "v1", "Pod", "pods", "UPDATE", namespace, pod, oldPod, username);
    }

    /** A minimal pod as a controller creates it: generateName, no name, optionally no annotations map. */
    public static ObjectNode pod(String generateName, String namespace, String... containerImages) {
        ObjectNode pod = NODES.objectNode();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        ObjectNode metadata = pod.putObject("metadata");
        metadata.put("generateName", generateName);
        metadata.put("namespace", namespace);
        metadata.putObject("labels").put("app", generateName);
        ObjectNode spec = pod.putObject("spec");
        var containers = spec.putArray("containers");
        for (int i = 0; i < containerImages.length; i++) {
            ObjectNode c = containers.addObject();
            c.put("name", "c" + i);
            c.put("image", containerImages[i]);
        }
        return pod;
    }
}
