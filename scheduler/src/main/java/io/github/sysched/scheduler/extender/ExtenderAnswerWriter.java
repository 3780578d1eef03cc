package io.github.sysched.scheduler.extender;

import io.github.sysched.scheduler.extender.ExtenderRequest.NodeItem;
import io.github.sysched.scheduler.extender.NodeNameTable.NodeName;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonFactory;

/**
 * Writes the extender's answers ({@code k8s.io/kube-scheduler/extender/v1}: Go field names, no JSON tags) straight
 * from the decoded request and the decision, no answer objects in between: a streaming generator, and for the
 * {@code NodeNames} of a request the escaped literals of their canonical entries, copied.
 */
final class ExtenderAnswerWriter {

    private static final SerializableString FAILED_NODES = new SerializedString("FailedNodes");
    private static final SerializableString FAILED_AND_UNRESOLVABLE =
            new SerializedString("FailedAndUnresolvableNodes");
    private static final SerializableString ERROR = new SerializedString("Error");
    private static final SerializableString HOST = new SerializedString("Host");
    private static final SerializableString SCORE = new SerializedString("Score");
    private static final byte[] HOST_PREFIX = "{\"Host\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SCORE_PREFIX = ",\"Score\":".getBytes(StandardCharsets.US_ASCII);

    private final JsonFactory json = JsonFactory.builder().build();

    /**
     * {@code ExtenderFilterResult}: the nodes not in {@code failed}, in the request's form ({@code NodeNames}, or the
     * {@code Nodes.items} echoed as received, nameless ones included), then {@code FailedNodes} and an empty
     * {@code Error}. A request with neither form gets neither, which kube-scheduler reads as "no node passes".
     */
    void filter(ExtenderAnswer out, ExtenderRequest request, Map<String, String> failed) {
        out.write('{');
        if (request.nodeItems() != null) {
            ascii(out, "\"Nodes\":{\"items\":[");
            boolean first = true;
            for (NodeItem item : request.nodeItems()) {
                if (item.name() == null || !failed.containsKey(item.name())) {
                    if (!first) {
                        out.write(',');
                    }
                    byte[] json = item.json().getBytes(StandardCharsets.UTF_8);
                    out.write(json, 0, json.length);
                    first = false;
                }
            }
            ascii(out, "]},");
        }
        if (request.nodeNames() != null) {
            int length = 16;
            for (NodeName node : request.nodeNames()) {
                length += node.json().length + 1;
            }
            out.reserve(length);
            ascii(out, "\"NodeNames\":[");
            boolean first = true;
            for (NodeName node : request.nodeNames()) {
                if (failed.isEmpty() || !failed.containsKey(node.name())) {
                    if (!first) {
                        out.write(',');
                    }
                    out.write(node.json(), 0, node.json().length);
                    first = false;
                }
            }
            ascii(out, "],");
        }
        ascii(out, "\"FailedNodes\":");
        try (JsonGenerator g = generator(out)) {
            stringMap(g, failed);
        }
        ascii(out, ",\"FailedAndUnresolvableNodes\":{},\"Error\":\"\"}");
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

    /**
     * {@code HostPriorityList}: {@code [{"Host": node, "Score": 0..10}, ...]} for the candidates in order. For a
     * {@code NodeNames} request, the bytes are put together here from the names' escaped literals (this is the
     * largest answer, 5,000 entries on a large cluster); otherwise the generator writes them.
     */
    void prioritize(ExtenderAnswer out, ExtenderRequest request, List<String> candidates, int[] scores) {
        List<NodeName> entries = request.nodeNames();
        if (entries == null) {
            try (JsonGenerator g = generator(out)) {
                g.writeStartArray();
                for (int i = 0; i < scores.length; i++) {
                    g.writeStartObject();
                    g.writeName(HOST);
                    g.writeString(candidates.get(i));
                    g.writeName(SCORE);
                    g.writeNumber(scores[i]);
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            return;
        }
        int length = 2;
        for (NodeName entry : entries) {
            length += entry.json().length + HOST_PREFIX.length + SCORE_PREFIX.length + 4;
        }
        out.reserve(length);
        out.write('[');
        for (int i = 0; i < scores.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(HOST_PREFIX, 0, HOST_PREFIX.length);
            byte[] name = entries.get(i).json();
            out.write(name, 0, name.length);
            out.write(SCORE_PREFIX, 0, SCORE_PREFIX.length);
            int score = scores[i]; // 0..10 (ExsNormalizer.toExtenderScore)
            if (score >= 10) {
                out.write('0' + score / 10);
            }
            out.write('0' + score % 10);
            out.write('}');
        }
        out.write(']');
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

    private static void ascii(ExtenderAnswer out, String text) {
        for (int i = 0; i < text.length(); i++) {
            out.write(text.charAt(i));
        }
    }

    private JsonGenerator generator(OutputStream out) {
        return json.createGenerator(ObjectWriteContext.empty(), out);
    }
}
