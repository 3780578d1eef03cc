package io.github.sysched.scheduler.extender;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * {@code ExtenderFilterResult}. Exactly one of {@code Nodes} / {@code NodeNames} is set, in the form the
 * request used ({@code NodeNames} for a {@code nodeCacheCapable} extender); a request with neither gets
 * neither, which kube-scheduler reads as "no node passes".
 */
@JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"Nodes", "NodeNames", "FailedNodes", "FailedAndUnresolvableNodes", "Error"})
public record ExtenderFilterResult(
        @JsonProperty("Nodes") @JsonInclude(JsonInclude.Include.NON_NULL) NodeList nodes,
        @JsonProperty("NodeNames") @JsonInclude(JsonInclude.Include.NON_NULL) List<String> nodeNames,
        @JsonProperty("FailedNodes") Map<String, String> failedNodes,
        @JsonProperty("FailedAndUnresolvableNodes") Map<String, String> failedAndUnresolvableNodes,
        @JsonProperty("Error") String error) {

    public static ExtenderFilterResult error(String message) {
        return new ExtenderFilterResult(null, null, Map.of(), Map.of(), message);
    }
}
