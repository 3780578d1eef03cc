package io.github.sysched.webhook.admission;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.NullNode;

/**
 * One admission request as the handlers see it: the decoded {@code request} of an AdmissionReview.
 * {@link #object()} / {@link #oldObject()} are the raw JSON (the patch is computed against them);
 * {@link #object(Class)} gives a typed view (fabric8 model), decoded once.
 */
public final class AdmissionContext {

    private final String uid;
    private final String group;
    private final String version;
    private final String kind;
    private final String subResource;
    private final String namespace;
    private final String name;
    private final Operation operation;
    private final String username;
    private final List<String> userGroups;
    private final boolean dryRun;
    private final JsonNode object;
    private final JsonNode oldObject;
    private final Instant deadline;
    private final ObjectMapper mapper;
    private final Map<Object, Object> typed = new HashMap<>();
    private final Map<String, Object> attributes = new HashMap<>();

    public enum Operation { CREATE, UPDATE, DELETE, CONNECT }

    AdmissionContext(String uid, String group, String version, String kind, String subResource, String namespace,
                     String name, Operation operation, String username, List<String> userGroups, boolean dryRun,
                     JsonNode object, JsonNode oldObject, Instant deadline, ObjectMapper mapper) {
        this.uid = uid;
        this.group = group == null ? "" : group;
        this.version = version;
        this.kind = kind;
        this.subResource = subResource == null ? "" : subResource;
        this.namespace = namespace == null ? "" : namespace;
        this.name = name == null ? "" : name;
        this.operation = operation;
        this.username = username == null ? "" : username;
        this.userGroups = userGroups == null ? List.of() : List.copyOf(userGroups);
        this.dryRun = dryRun;
        this.object = object == null ? NullNode.getInstance() : object;
        this.oldObject = oldObject == null ? NullNode.getInstance() : oldObject;
        this.deadline = deadline;
        this.mapper = mapper;
    }

    public String uid() { return uid; }

    /** API group of the object's kind ({@code ""} for core). */
    public String group() { return group; }

    public String version() { return version; }

    public String kind() { return kind; }

    public String subResource() { return subResource; }

    public String namespace() { return namespace; }

    /** The request's name; empty for pods created by controllers (they carry a generateName). */
    public String name() { return name; }

    public Operation operation() { return operation; }

    public String username() { return username; }

    public List<String> userGroups() { return userGroups; }

    public boolean dryRun() { return dryRun; }

    public JsonNode object() { return object; }

    public JsonNode oldObject() { return oldObject; }

    public Instant deadline() { return deadline; }

    public boolean is(String group, String kind) {
        return this.group.equals(group) && this.kind.equals(kind) && subResource.isEmpty();
    }

    public boolean isPod() { return is("", "Pod"); }

    /** The object as {@code type}, decoded once; null when there is no object (DELETE). */
    public <T> T object(Class<T> type) {
        return decode("object", object, type);
    }

    public <T> T oldObject(Class<T> type) {
        return decode("oldObject", oldObject, type);
    }

    private <T> T decode(String which, JsonNode node, Class<T> type) {
        if (node.isNull() || node.isMissingNode()) {
            return null;
        }
        Object key = List.of(which, type);
        return type.cast(typed.computeIfAbsent(key, k -> mapper.treeToValue(node, type)));
    }

    /** Shared state between the handlers of one request (e.g. the profile outcome for the sandbox policy). */
    @SuppressWarnings("unchecked")
    public <T> T attribute(String key) {
        return (T) attributes.get(key);
    }

    public void attribute(String key, Object value) {
        attributes.put(Objects.requireNonNull(key), value);
    }

    /** Human-readable "kind namespace/name" (generateName when the name is empty) for logs and messages. */
    public String describe() {
        String n = name;
        if (n.isEmpty()) {
            JsonNode gen = object.path("metadata").path("generateName");
            n = gen.isString() ? gen.stringValue() + "*" : "<unnamed>";
        }
        return kind + " " + (namespace.isEmpty() ? "" : namespace + "/") + n;
    }
}
