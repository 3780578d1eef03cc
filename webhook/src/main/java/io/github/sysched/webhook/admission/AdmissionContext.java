package io.github.sysched.webhook.admission;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.NullNode;

/**
 * One admission request as the handlers see it: fabric8's {@link AdmissionRequest} (the envelope), and the
 * request's object and old object as sent ({@link #object()}, {@link #oldObject()}), which the handler that
 * knows their type decodes ({@link #object(Class)}, once per type) within the request's deadline.
 */
public final class AdmissionContext {

    public enum Operation {
        CREATE,
        UPDATE,
        DELETE,
        CONNECT
    }

    private final AdmissionRequest request;
    private final Operation operation;
    private final JsonNode object;
    private final JsonNode oldObject;
    private final Instant deadline;
    private final ObjectMapper mapper;
    private final Map<Object, Object> typed = new HashMap<>();

    AdmissionContext(
            AdmissionRequest request,
            Operation operation,
            JsonNode object,
            JsonNode oldObject,
            Instant deadline,
            ObjectMapper mapper) {
        this.request = request;
        this.operation = operation;
        this.object = object == null ? NullNode.getInstance() : object;
        this.oldObject = oldObject == null ? NullNode.getInstance() : oldObject;
        this.deadline = deadline;
        this.mapper = mapper;
    }

    /** The envelope as decoded; its {@code object}, {@code oldObject} and {@code options} are left empty. */
    public AdmissionRequest request() {
        return request;
    }

    public String uid() {
        return request.getUid();
    }

    /** API group of the object's kind ({@code ""} for core). */
    public String group() {
        return orEmpty(request.getKind().getGroup());
    }

    public String version() {
        return orEmpty(request.getKind().getVersion());
    }

    public String kind() {
        return orEmpty(request.getKind().getKind());
    }

    public String subResource() {
        return orEmpty(request.getSubResource());
    }

    public String namespace() {
        return orEmpty(request.getNamespace());
    }

    /** The request's name; empty for pods created by controllers (they carry a generateName). */
    public String name() {
        return orEmpty(request.getName());
    }

    public Operation operation() {
        return operation;
    }

    public String username() {
        return request.getUserInfo() == null
                ? ""
                : orEmpty(request.getUserInfo().getUsername());
    }

    public boolean dryRun() {
        return Boolean.TRUE.equals(request.getDryRun());
    }

    /** The object as sent (a null node when there is none, e.g. on DELETE). */
    public JsonNode object() {
        return object;
    }

    public JsonNode oldObject() {
        return oldObject;
    }

    public Instant deadline() {
        return deadline;
    }

    /** Time left until the deadline (negative once it has passed). */
    public Duration remaining() {
        return Duration.between(Instant.now(), deadline);
    }

    /** Throws when the deadline has passed or the worker was interrupted (the request has been answered). */
    public void checkDeadline() {
        if (Thread.currentThread().isInterrupted() || Instant.now().isAfter(deadline)) {
            throw new IllegalStateException("deadline exceeded");
        }
    }

    public boolean is(String group, String kind) {
        return group().equals(group) && kind().equals(kind) && subResource().isEmpty();
    }

    public boolean isPod() {
        return is("", "Pod");
    }

    /**
     * The object as {@code type}, decoded once; null when there is no object (DELETE).
     *
     * @throws UndecodableObjectException when it does not map onto {@code type} (answered with a 400 denial)
     */
    public <T> T object(Class<T> type) {
        return decode("object", object, type);
    }

    public <T> T oldObject(Class<T> type) {
        return decode("oldObject", oldObject, type);
    }

    /** Only the object's metadata, decoded whatever its spec holds; null when there is none. */
    public ObjectMeta metadata() {
        return decode("object.metadata", object.path("metadata"), ObjectMeta.class);
    }

    public ObjectMeta oldMetadata() {
        return decode("oldObject.metadata", oldObject.path("metadata"), ObjectMeta.class);
    }

    private <T> T decode(String which, JsonNode node, Class<T> type) {
        if (node.isNull() || node.isMissingNode()) {
            return null;
        }
        Object key = List.of(which, type);
        Object value = typed.get(key);
        if (value == null) {
            try {
                value = mapper.treeToValue(node, type);
            } catch (JacksonException | IllegalArgumentException e) {
                throw new UndecodableObjectException(
                        which, type, e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage());
            }
            typed.put(key, value);
        }
        return type.cast(value);
    }

    /** Human-readable "kind namespace/name" (generateName when the name is empty) for logs and messages. */
    public String describe() {
        String n = name();
        if (n.isEmpty()) {
            JsonNode gen = object.path("metadata").path("generateName");
            n = gen.isString() ? gen.stringValue() + "*" : "<unnamed>";
        }
        return kind() + " " + (namespace().isEmpty() ? "" : namespace() + "/") + n;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
