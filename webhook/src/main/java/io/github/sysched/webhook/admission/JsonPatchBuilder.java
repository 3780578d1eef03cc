package io.github.sysched.webhook.admission;

import java.util.Arrays;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds an RFC 6902 JSON Patch against an object while applying every operation to a working copy, so each
 * operation is valid for the document as the previous ones left it:
 * <ul>
 *   <li>{@link #set} adds missing parents in one {@code add} (e.g. the whole {@code /metadata/annotations} map
 *       when the pod has none: an {@code add} to {@code /metadata/annotations/<key>} would fail there);</li>
 *   <li>{@link #append} adds to the end of an array, or the whole array when there is none;</li>
 *   <li>path segments are escaped as JSON Pointer requires: {@code ~} → {@code ~0} first, then {@code /} → {@code ~1}.</li>
 * </ul>
 */
public final class JsonPatchBuilder {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonNode document;
    private final ArrayNode operations = NODES.arrayNode();

    public JsonPatchBuilder(JsonNode original) {
        this.document = original.deepCopy();
    }

    /** RFC 6901 escaping of one reference token. */
    public static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }

    public static String pointer(List<String> segments) {
        StringBuilder out = new StringBuilder();
        for (String segment : segments) {
            out.append('/').append(escape(segment));
        }
        return out.toString();
    }

    public static List<String> path(String... segments) {
        return Arrays.asList(segments);
    }

    /** The document with every operation so far applied (read-only by convention). */
    public JsonNode document() {
        return document;
    }

    /** The node at {@code path} in the working document, or a missing node. */
    public JsonNode at(List<String> path) {
        JsonNode node = document;
        for (String segment : path) {
            node = child(node, segment);
            if (node == null) {
                return tools.jackson.databind.node.MissingNode.getInstance();
            }
        }
        return node;
    }

    public boolean isEmpty() {
        return operations.isEmpty();
    }

    public ArrayNode operations() {
        return operations.deepCopy();
    }

    /** Sets {@code path} to {@code value}: {@code replace} if present, else {@code add} of the first missing parent. */
    public JsonPatchBuilder set(List<String> path, JsonNode value) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("cannot replace the whole document");
        }
        JsonNode node = document;
        for (int i = 0; i < path.size(); i++) {
            String segment = path.get(i);
            JsonNode next = child(node, segment);
            if (next == null || (next.isNull() && i < path.size() - 1)) {
                // path[0..i] is missing (or null where an object is needed): add it with the rest nested inside
                JsonNode wrapped = value.deepCopy();
                for (int j = path.size() - 1; j > i; j--) {
                    ObjectNode parent = NODES.objectNode();
                    parent.set(path.get(j), wrapped);
                    wrapped = parent;
                }
                List<String> target = path.subList(0, i + 1);
                if (next == null) {
                    put(node, segment, wrapped);
                    operations.add(op("add", target, wrapped));
                } else {
                    put(node, segment, wrapped);
                    operations.add(op("replace", target, wrapped));
                }
                return this;
            }
            if (i == path.size() - 1) {
                if (next.equals(value)) {
                    return this; // already so: no operation
                }
                put(node, segment, value.deepCopy());
                operations.add(op("replace", path, value));
                return this;
            }
            node = next;
        }
        return this;
    }

    public JsonPatchBuilder set(List<String> path, String value) {
        return set(path, NODES.stringNode(value));
    }

    /** Removes {@code path} when it exists; no operation otherwise. */
    public JsonPatchBuilder remove(List<String> path) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("cannot remove the whole document");
        }
        JsonNode parent = at(path.subList(0, path.size() - 1));
        String last = path.get(path.size() - 1);
        if (child(parent, last) == null) {
            return this;
        }
        if (parent instanceof ObjectNode object) {
            object.remove(last);
        } else if (parent instanceof ArrayNode array) {
            array.remove(Integer.parseInt(last));
        }
        ObjectNode op = NODES.objectNode();
        op.put("op", "remove");
        op.put("path", pointer(path));
        operations.add(op);
        return this;
    }

    /** Appends {@code value} to the array at {@code path} ({@code /-}), creating the array when absent. */
    public JsonPatchBuilder append(List<String> path, JsonNode value) {
        JsonNode existing = at(path);
        if (existing.isArray()) {
            ((ArrayNode) existing).add(value.deepCopy());
            String pointer = pointer(path) + "/-";
            ObjectNode op = NODES.objectNode();
            op.put("op", "add");
            op.put("path", pointer);
            op.set("value", value.deepCopy());
            operations.add(op);
            return this;
        }
        ArrayNode array = NODES.arrayNode();
        array.add(value.deepCopy());
        return set(path, array);
    }

    private static JsonNode child(JsonNode node, String segment) {
        if (node instanceof ObjectNode object) {
            return object.get(segment);
        }
        if (node instanceof ArrayNode array) {
            int index = index(segment);
            return index >= 0 && index < array.size() ? array.get(index) : null;
        }
        return null;
    }

    private static void put(JsonNode parent, String segment, JsonNode value) {
        if (parent instanceof ObjectNode object) {
            object.set(segment, value);
        } else if (parent instanceof ArrayNode array) {
            int index = index(segment);
            if (index < 0 || index >= array.size()) {
                throw new IllegalArgumentException("array index " + segment + " out of range");
            }
            array.set(index, value);
        } else {
            throw new IllegalArgumentException("cannot set '" + segment + "' inside a " + parent.getNodeType());
        }
    }

    private static int index(String segment) {
        if (segment.isEmpty() || !segment.chars().allMatch(Character::isDigit) || segment.length() > 9) {
            return -1;
        }
        return Integer.parseInt(segment);
    }

    private static ObjectNode op(String name, List<String> path, JsonNode value) {
        ObjectNode op = NODES.objectNode();
        op.put("op", name);
        op.put("path", pointer(path));
        op.set("value", value.deepCopy());
        return op;
    }
}
