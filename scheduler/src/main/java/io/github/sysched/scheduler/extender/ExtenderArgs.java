package io.github.sysched.scheduler.extender;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Objects;

/**
 * {@code k8s.io/kube-scheduler/extender/v1.ExtenderArgs}: the Go struct has no JSON tags, so the keys are
 * the field names; kube-scheduler reads case-insensitively and so do we.
 *
 * @param pod       the pod being scheduled
 * @param nodes     candidate nodes when the extender is not {@code nodeCacheCapable}
 * @param nodeNames candidate node names when it is
 */
@JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExtenderArgs(
        @JsonProperty("Pod") Pod pod,
        @JsonProperty("Nodes") NodeList nodes,
        @JsonProperty("NodeNames") List<String> nodeNames) {

    public ExtenderArgs {
        // not contains(null): immutable lists throw on a null argument
        if (nodeNames != null && nodeNames.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("NodeNames must not contain null");
        }
    }
}
