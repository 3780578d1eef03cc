package io.github.sysched.scheduler.extender;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.github.sysched.pod.ScoringPod;
import io.github.sysched.scheduler.extender.ExtenderRequest.NodeItem;
import io.github.sysched.scheduler.extender.NodeNameTable.NodeName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;

/**
 * Decodes extender request bodies with a streaming parser, reading only what the extender uses: from the Pod the
 * fields of a {@link ScoringPod} but its tolerations (identity, owners, labels, the annotations scoring reads, node, phase, seccomp fields
 * of the pod and its containers), the {@code NodeNames} as canonical {@link NodeNameTable} entries (no string
 * allocated for a known name), and for {@code Nodes.items} each item's name and its JSON text. Everything else is
 * skipped without building objects, but still checked to be JSON: a body must be one well-formed JSON object.
 *
 * <p>Keys of {@code ExtenderArgs} and {@code ExtenderBindingArgs} are read case-insensitively (the Go structs have no
 * JSON tags, and kube-scheduler's decoder matches keys that way); the Pod's and Node's keys exactly (they have tags).
 * A field the extender reads with the wrong JSON type, a null among the {@code NodeNames}, more than
 * {@link ExtenderRequestReader#MAX_TOKENS} tokens or nesting deeper than the parser's limit (500) is a {@link BadExtenderRequestException}.
 */
final class ExtenderRequestDecoder {

    private static final String ARGS = "ExtenderArgs";
    private static final String BINDING_ARGS = "ExtenderBindingArgs";

    private final JsonFactory json = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxTokenCount(ExtenderRequestReader.MAX_TOKENS)
                    .build())
            .build();
    private final NodeNameTable names;

    ExtenderRequestDecoder(NodeNameTable names) {
        this.names = names;
    }

    /** {@code body[0, length)} as {@code ExtenderArgs}. */
    ExtenderRequest decodeArgs(byte[] body, int length) {
        try (JsonParser p = open(body, length, ARGS)) {
            ScoringPod pod = null;
            List<NodeName> nodeNames = null;
            List<NodeItem> nodeItems = null;
            for (String key = p.nextName(); key != null; key = p.nextName()) {
                JsonToken value = p.nextToken();
                if (key.equalsIgnoreCase("Pod")) {
                    pod = value == JsonToken.VALUE_NULL ? null : pod(p);
                } else if (key.equalsIgnoreCase("NodeNames")) {
                    nodeNames = nodeNames(p);
                } else if (key.equalsIgnoreCase("Nodes")) {
                    nodeItems = nodes(p, body);
                } else {
                    p.skipChildren();
                }
            }
            end(p, ARGS);
            return new ExtenderRequest(pod, nodeNames, nodeItems);
        } catch (JacksonException e) {
            throw invalid(ARGS, e.getOriginalMessage(), e);
        }
    }

    /** {@code body[0, length)} as {@code ExtenderBindingArgs}. */
    ExtenderBindingArgs decodeBindingArgs(byte[] body, int length) {
        try (JsonParser p = open(body, length, BINDING_ARGS)) {
            String podName = null;
            String podNamespace = null;
            String podUid = null;
            String node = null;
            for (String key = p.nextName(); key != null; key = p.nextName()) {
                p.nextToken();
                if (key.equalsIgnoreCase("PodName")) {
                    podName = string(p, BINDING_ARGS, "PodName");
                } else if (key.equalsIgnoreCase("PodNamespace")) {
                    podNamespace = string(p, BINDING_ARGS, "PodNamespace");
                } else if (key.equalsIgnoreCase("PodUID")) {
                    podUid = string(p, BINDING_ARGS, "PodUID");
                } else if (key.equalsIgnoreCase("Node")) {
                    node = string(p, BINDING_ARGS, "Node");
                } else {
                    p.skipChildren();
                }
            }
            end(p, BINDING_ARGS);
            return new ExtenderBindingArgs(podName, podNamespace, podUid, node);
        } catch (JacksonException e) {
            throw invalid(BINDING_ARGS, e.getOriginalMessage(), e);
        }
    }

    private JsonParser open(byte[] body, int length, String type) {
        if (length == 0) {
            throw new BadExtenderRequestException("empty body");
        }
        JsonParser p = json.createParser(ObjectReadContext.empty(), body, 0, length);
        JsonToken first = p.nextToken();
        if (first == null || first == JsonToken.VALUE_NULL) {
            p.close();
            throw new BadExtenderRequestException("body holds no " + type + " (JSON null or blank)");
        }
        if (first != JsonToken.START_OBJECT) {
            p.close();
            throw invalid(type, "a JSON object is required, not " + describe(first), null);
        }
        return p;
    }

    /** After the top-level object: nothing but whitespace. */
    private static void end(JsonParser p, String type) {
        JsonToken after = p.nextToken();
        if (after != null) {
            throw invalid(type, "unexpected " + describe(after) + " after the object", null);
        }
    }

    // ---- Pod ------------------------------------------------------------------------------------------

    /** The fields of a {@link ScoringPod}, as they are met. */
    private static final class PodFields {
        String namespace;
        String name;
        String uid;
        String resourceVersion;
        String deletionTimestamp;
        List<OwnerReference> owners = List.of();
        Map<String, String> labels = Map.of();
        Map<String, String> annotations = Map.of();
        String nodeName;
        String schedulerName;
        String phase;
        ScoringPod.Seccomp podSeccomp;
        List<ScoringPod.ScoringContainer> initContainers = List.of();
        List<ScoringPod.ScoringContainer> containers = List.of();
        List<String> ephemeralContainers = List.of();

        ScoringPod build() {
            return new ScoringPod(
                    namespace,
                    name,
                    uid,
                    resourceVersion,
                    deletionTimestamp,
                    owners,
                    labels,
                    annotations,
                    nodeName,
                    schedulerName,
                    List.of(), // tolerations: kube-scheduler filtered the taints before asking the extender
                    phase,
                    podSeccomp,
                    initContainers,
                    containers,
                    ephemeralContainers);
        }
    }

    private ScoringPod pod(JsonParser p) {
        object(p, "Pod");
        PodFields pod = new PodFields();
        for (String key = p.nextName(); key != null; key = p.nextName()) {
            p.nextToken();
            switch (key) {
                case "metadata" -> metadata(p, pod);
                case "spec" -> spec(p, pod);
                case "status" -> status(p, pod);
                default -> p.skipChildren();
            }
        }
        return pod.build();
    }

    private static void metadata(JsonParser p, PodFields pod) {
        if (!object(p, "Pod.metadata")) {
            return;
        }
        for (String key = p.nextName(); key != null; key = p.nextName()) {
            p.nextToken();
            switch (key) {
                case "name" -> pod.name = string(p, "Pod.metadata.name");
                case "namespace" -> pod.namespace = string(p, "Pod.metadata.namespace");
                case "uid" -> pod.uid = string(p, "Pod.metadata.uid");
                case "resourceVersion" -> pod.resourceVersion = string(p, "Pod.metadata.resourceVersion");
                case "deletionTimestamp" -> pod.deletionTimestamp = string(p, "Pod.metadata.deletionTimestamp");
                case "labels" -> pod.labels = stringMap(p, "Pod.metadata.labels", k -> true);
                case "annotations" ->
                    pod.annotations = stringMap(p, "Pod.metadata.annotations", ScoringPod::readsAnnotation);
                case "ownerReferences" -> pod.owners = owners(p);
                default -> p.skipChildren();
            }
        }
    }

    private static void spec(JsonParser p, PodFields pod) {
        if (!object(p, "Pod.spec")) {
            return;
        }
        for (String key = p.nextName(); key != null; key = p.nextName()) {
            p.nextToken();
            switch (key) {
                case "nodeName" -> pod.nodeName = string(p, "Pod.spec.nodeName");
                case "schedulerName" -> pod.schedulerName = string(p, "Pod.spec.schedulerName");
                case "securityContext" -> pod.podSeccomp = securityContext(p, "Pod.spec.securityContext");
                case "initContainers" -> pod.initContainers = containers(p, "Pod.spec.initContainers");
                case "containers" -> pod.containers = containers(p, "Pod.spec.containers");
                case "ephemeralContainers" -> pod.ephemeralContainers = ephemeralNames(p);
                default -> p.skipChildren();
            }
        }
    }

    private static void status(JsonParser p, PodFields pod) {
        if (!object(p, "Pod.status")) {
            return;
        }
        for (String key = p.nextName(); key != null; key = p.nextName()) {
            p.nextToken();
            if (key.equals("phase")) {
                pod.phase = string(p, "Pod.status.phase");
            } else {
                p.skipChildren();
            }
        }
    }

    private static List<OwnerReference> owners(JsonParser p) {
        String path = "Pod.metadata.ownerReferences";
        if (!array(p, path)) {
            return List.of();
        }
        List<OwnerReference> owners = new ArrayList<>(1);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (!object(p, path + "[]")) {
                continue;
            }
            OwnerReference owner = new OwnerReference();
            for (String key = p.nextName(); key != null; key = p.nextName()) {
                p.nextToken();
                switch (key) {
                    case "apiVersion" -> owner.setApiVersion(string(p, path + "[].apiVersion"));
                    case "kind" -> owner.setKind(string(p, path + "[].kind"));
                    case "name" -> owner.setName(string(p, path + "[].name"));
                    case "uid" -> owner.setUid(string(p, path + "[].uid"));
                    case "controller" -> owner.setController(bool(p, path + "[].controller"));
                    case "blockOwnerDeletion" -> owner.setBlockOwnerDeletion(bool(p, path + "[].blockOwnerDeletion"));
                    default -> p.skipChildren();
                }
            }
            owners.add(owner);
        }
        return owners;
    }

    private static List<ScoringPod.ScoringContainer> containers(JsonParser p, String path) {
        if (!array(p, path)) {
            return List.of();
        }
        List<ScoringPod.ScoringContainer> containers = new ArrayList<>(2);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (!object(p, path + "[]")) {
                continue;
            }
            String name = null;
            String restartPolicy = null;
            ScoringPod.Seccomp seccomp = null;
            for (String key = p.nextName(); key != null; key = p.nextName()) {
                p.nextToken();
                switch (key) {
                    case "name" -> name = string(p, path + "[].name");
                    case "restartPolicy" -> restartPolicy = string(p, path + "[].restartPolicy");
                    case "securityContext" -> seccomp = securityContext(p, path + "[].securityContext");
                    default -> p.skipChildren();
                }
            }
            containers.add(new ScoringPod.ScoringContainer(name, restartPolicy, seccomp));
        }
        return containers;
    }

    private static List<String> ephemeralNames(JsonParser p) {
        String path = "Pod.spec.ephemeralContainers";
        if (!array(p, path)) {
            return List.of();
        }
        List<String> names = new ArrayList<>(1);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (!object(p, path + "[]")) {
                continue;
            }
            String name = null;
            for (String key = p.nextName(); key != null; key = p.nextName()) {
                p.nextToken();
                if (key.equals("name")) {
                    name = string(p, path + "[].name");
                } else {
                    p.skipChildren();
                }
            }
            names.add(name);
        }
        return names;
    }

    /** A {@code securityContext}'s {@code seccompProfile}, or null. */
    private static ScoringPod.Seccomp securityContext(JsonParser p, String path) {
        if (!object(p, path)) {
            return null;
        }
        ScoringPod.Seccomp seccomp = null;
        for (String key = p.nextName(); key != null; key = p.nextName()) {
            p.nextToken();
            if (key.equals("seccompProfile")) {
                seccomp = seccompProfile(p, path + ".seccompProfile");
            } else {
                p.skipChildren();
            }
        }
        return seccomp;
    }

    private static ScoringPod.Seccomp seccompProfile(JsonParser p, String path) {
        if (!object(p, path)) {
            return null;
        }
        String type = null;
        String localhostProfile = null;
        for (String key = p.nextName(); key != null; key = p.nextName()) {
            p.nextToken();
            switch (key) {
                case "type" -> type = string(p, path + ".type");
                case "localhostProfile" -> localhostProfile = string(p, path + ".localhostProfile");
                default -> p.skipChildren();
            }
        }
        return new ScoringPod.Seccomp(type, localhostProfile);
    }

    // ---- nodes ----------------------------------------------------------------------------------------

    private List<NodeName> nodeNames(JsonParser p) {
        if (!array(p, "NodeNames")) {
            return null;
        }
        List<NodeName> entries = new ArrayList<>(256);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == JsonToken.VALUE_NULL) {
                throw invalid(ARGS, "NodeNames must not contain null", null);
            }
            if (t != JsonToken.VALUE_STRING) {
                throw invalid(ARGS, "NodeNames must hold strings, not " + describe(t), null);
            }
            char[] chars = p.getStringCharacters();
            int offset = p.getStringOffset();
            int length = p.getStringLength();
            if (hasUnpairedSurrogate(chars, offset, length)) {
                throw invalid(ARGS, "NodeNames must be valid Unicode (a node name held an unpaired surrogate)", null);
            }
            entries.add(names.lookup(chars, offset, length));
        }
        return entries;
    }

    /** A JSON escape of a lone surrogate (backslash, u, d800) decodes to a char no node name has and no answer can encode. */
    private static boolean hasUnpairedSurrogate(char[] chars, int offset, int length) {
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            char c = chars[i];
            if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** {@code Nodes}: a {@code v1.NodeList} of which only {@code items} is read (key read case-insensitively). */
    private static List<NodeItem> nodes(JsonParser p, byte[] body) {
        if (!object(p, "Nodes")) {
            return null;
        }
        List<NodeItem> items = List.of();
        for (String key = p.nextName(); key != null; key = p.nextName()) {
            p.nextToken();
            if (key.equalsIgnoreCase("items")) {
                items = items(p, body);
            } else {
                p.skipChildren();
            }
        }
        return items;
    }

    private static List<NodeItem> items(JsonParser p, byte[] body) {
        if (!array(p, "Nodes.items")) {
            return List.of();
        }
        List<NodeItem> items = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            long start = p.currentTokenLocation().getByteOffset();
            String name = null;
            if (t == JsonToken.START_OBJECT) {
                name = itemName(p);
            } else if (t == JsonToken.START_ARRAY) {
                p.skipChildren();
            } else {
                p.getString(); // consumes the whole token, so that the location below is its end
            }
            long end = p.currentLocation().getByteOffset();
            items.add(new NodeItem(name, new String(body, (int) start, (int) (end - start), StandardCharsets.UTF_8)));
        }
        return items;
    }

    /** An item's {@code metadata.name} (null if absent or not a string); leaves the parser at the item's end. */
    private static String itemName(JsonParser p) {
        String name = null;
        for (String key = p.nextName(); key != null; key = p.nextName()) {
            JsonToken value = p.nextToken();
            if (key.equals("metadata") && value == JsonToken.START_OBJECT) {
                for (String field = p.nextName(); field != null; field = p.nextName()) {
                    JsonToken fieldValue = p.nextToken();
                    if (field.equals("name") && fieldValue == JsonToken.VALUE_STRING) {
                        name = p.getString();
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return name;
    }

    // ---- values ---------------------------------------------------------------------------------------

    /** True at the start of an object, false for null; anything else is refused. */
    private static boolean object(JsonParser p, String path) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            return true;
        }
        if (t == JsonToken.VALUE_NULL) {
            return false;
        }
        throw invalid(ARGS, path + " must be an object, not " + describe(t), null);
    }

    /** True at the start of an array, false for null; anything else is refused. */
    private static boolean array(JsonParser p, String path) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_ARRAY) {
            return true;
        }
        if (t == JsonToken.VALUE_NULL) {
            return false;
        }
        throw invalid(ARGS, path + " must be an array, not " + describe(t), null);
    }

    private static String string(JsonParser p, String path) {
        return string(p, ARGS, path);
    }

    private static String string(JsonParser p, String type, String path) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING) {
            return p.getString();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw invalid(type, path + " must be a string, not " + describe(t), null);
    }

    private static Boolean bool(JsonParser p, String path) {
        JsonToken t = p.currentToken();
        return switch (t) {
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw invalid(ARGS, path + " must be a boolean, not " + describe(t), null);
        };
    }

    /** A map of strings (null values left out), keeping only the keys {@code keep} accepts. */
    private static Map<String, String> stringMap(JsonParser p, String path, Predicate<String> keep) {
        if (!object(p, path)) {
            return Map.of();
        }
        Map<String, String> map = new HashMap<>();
        for (String key = p.nextName(); key != null; key = p.nextName()) {
            p.nextToken();
            if (keep.test(key)) {
                String value = string(p, path + "['" + key + "']");
                if (value != null) {
                    map.put(key, value);
                }
            } else {
                p.skipChildren();
            }
        }
        return map;
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : "'" + t.asString() + "'";
        };
    }

    private static BadExtenderRequestException invalid(String type, String why, Throwable cause) {
        return new BadExtenderRequestException("body is not a valid " + type + ": " + why, cause);
    }
}
