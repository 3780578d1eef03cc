package io.github.sysched.scheduler.extender;

import io.github.sysched.scheduler.extender.ExtenderRequest.NodeItem;
import io.github.sysched.scheduler.extender.NodeNameTable.NodeName;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonFactory;

/**
 * Writes the extender's answers ({@code k8s.io/kube-scheduler/extender/v1}: Go field names, no JSON tags) straight
 * from the decoded request and the decision with a streaming generator, no answer objects in between. Node names
 * of a {@code NodeNames} request are copied from their canonical entries' JSON form.
 */
final class ExtenderAnswerWriter {

    private static final SerializableString NODES = new SerializedString("Nodes");
    private static final SerializableString ITEMS = new SerializedString("items");
    private static final SerializableString NODE_NAMES = new SerializedString("NodeNames");
    private static final SerializableString FAILED_NODES = new SerializedString("FailedNodes");
    private static final SerializableString FAILED_AND_UNRESOLVABLE = new SerializedString("FailedAndUnresolvableNodes");
    private static final SerializableString ERROR = new SerializedString("Error");
    private static final SerializableString HOST = new SerializedString("Host");
    private static final SerializableString SCORE = new SerializedString("Score");

    private final JsonFactory json = JsonFactory.builder().build();

    /**
     * {@code ExtenderFilterResult}: the nodes not in {@code failed}, in the request's form ({@code NodeNames}, or the
     * {@code Nodes.items} echoed as received, nameless ones included), then {@code FailedNodes} and an empty
     * {@code Error}. A request with neither form gets neither, which kube-scheduler reads as "no node passes".
     */
    void filter(OutputStream out, ExtenderRequest request, Map<String, String> failed) {
        try (JsonGenerator g = generator(out)) {
            g.writeStartObject();
            if (request.nodeItems() != null) {
                g.writeName(NODES);
                g.writeStartObject();
                g.writeName(ITEMS);
                g.writeStartArray();
                for (NodeItem item : request.nodeItems()) {
                    if (item.name() == null || !failed.containsKey(item.name())) {
                        g.writeRawValue(item.json());
                    }
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            if (request.nodeNames() != null) {
                g.writeName(NODE_NAMES);
                g.writeStartArray();
                for (NodeName node : request.nodeNames()) {
                    if (failed.isEmpty() || !failed.containsKey(node.name())) {
                        g.writeString(node.json());
                    }
                }
                g.writeEndArray();
            }
            g.writeName(FAILED_NODES);
            stringMap(g, failed);
            g.writeName(FAILED_AND_UNRESOLVABLE);
            g.writeStartObject();
            g.writeEndObject();
            g.writeName(ERROR);
            g.writeString("");
            g.writeEndObject();
        }
    }

    /** {@code ExtenderFilterResult} with only {@code Error}: kube-scheduler fails the attempt (unless ignorable). */
    void filterError(OutputStream out, String error) {
        try (JsonGenerator g = generator(out)) {
            g.writeStartObject();
            g.writeName(FAILED_NODES);
            g.writeStartObject();
            g.writeEndObject();
            g.writeName(FAILED_AND_UNRESOLVABLE);
            g.writeStartObject();
            g.writeEndObject();
            g.writeName(ERROR);
            g.writeString(error);
            g.writeEndObject();
        }
    }

    /** {@code HostPriorityList}: {@code [{"Host": node, "Score": 0..10}, ...]} for the candidates in order. */
    void prioritize(OutputStream out, ExtenderRequest request, List<String> candidates, int[] scores) {
        List<NodeName> entries = request.nodeNames();
        try (JsonGenerator g = generator(out)) {
            g.writeStartArray();
            for (int i = 0; i < scores.length; i++) {
                g.writeStartObject();
                g.writeName(HOST);
                if (entries != null) {
                    g.writeString(entries.get(i).json());
                } else {
                    g.writeString(candidates.get(i));
                }
                g.writeName(SCORE);
                g.writeNumber(scores[i]);
                g.writeEndObject();
            }
            g.writeEndArray();
        }
    }

    /** {@code ExtenderBindingResult}: empty {@code Error} on success. */
    void bind(OutputStream out, String error) {
        try (JsonGenerator g = generator(out)) {
            g.writeStartObject();
            g.writeName(ERROR);
            g.writeString(error);
            g.writeEndObject();
        }
    }

    /** A rejected request (4xx): {@code {"error": "..."}}. */
    void rejection(OutputStream out, String message) {
        try (JsonGenerator g = generator(out)) {
            g.writeStartObject();
            g.writeName("error");
            g.writeString(message);
            g.writeEndObject();
        }
    }

    /** The answer of {@code /noop}: {@code {}}. */
    void empty(OutputStream out) {
        try (JsonGenerator g = generator(out)) {
            g.writeStartObject();
            g.writeEndObject();
        }
    }

    private static void stringMap(JsonGenerator g, Map<String, String> map) {
        g.writeStartObject();
        for (Map.Entry<String, String> entry : map.entrySet()) {
            g.writeName(entry.getKey());
            g.writeString(entry.getValue());
        }
        g.writeEndObject();
    }

    private JsonGenerator generator(OutputStream out) {
        return json.createGenerator(ObjectWriteContext.empty(), out);
    }
}
