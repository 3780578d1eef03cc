package io.github.sysched.scheduler.extender;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A {@code v1.NodeList} as far as the extender needs it: the items are kept as JSON trees so that a filter
 * result can hand back exactly the nodes it received without a full model round trip.
 */
@JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
@JsonIgnoreProperties(ignoreUnknown = true)
public record NodeList(@JsonProperty("items") List<JsonNode> items) {

    public NodeList {
        items = items == null ? List.of() : items;
    }

    /** {@code items[i].metadata.name}, or null. */
    public static String nameOf(JsonNode node) {
        if (node == null) {
            return null;
        }
        JsonNode metadata = node.get("metadata");
        JsonNode name = metadata == null ? null : metadata.get("name");
        return name == null || !name.isString() ? null : name.asString();
    }
}
