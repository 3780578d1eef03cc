package io.github.sysched.scheduler.extender;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;

/**
 * {@code k8s.io/kube-scheduler/extender/v1} preemption types (Go field names as keys, read case-insensitively).
 * kube-scheduler sends {@code NodeNameToMetaVictims} (victims by UID) to a {@code nodeCacheCapable} extender and
 * {@code NodeNameToVictims} (whole pods) otherwise, and always reads {@code NodeNameToMetaVictims} back: the nodes it
 * may still preempt on, each with its victims.
 */
public final class ExtenderPreemption {

    private ExtenderPreemption() {
    }

    /** {@code ExtenderPreemptionArgs}. */
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Args(@JsonProperty("Pod") Pod pod,
                      @JsonProperty("NodeNameToVictims") Map<String, Victims> nodeNameToVictims,
                      @JsonProperty("NodeNameToMetaVictims") Map<String, MetaVictims> nodeNameToMetaVictims) {
    }

    /** {@code Victims}: whole pods. */
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Victims(@JsonProperty("Pods") List<Pod> pods,
                          @JsonProperty("NumPDBViolations") long numPdbViolations) {
    }

    /** {@code MetaVictims}: pods by UID. */
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MetaVictims(@JsonProperty("Pods") List<MetaPod> pods,
                              @JsonProperty("NumPDBViolations") long numPdbViolations) {
    }

    @JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MetaPod(@JsonProperty("UID") String uid) {
    }

    /** {@code ExtenderPreemptionResult}. */
    public record Result(@JsonProperty("NodeNameToMetaVictims") Map<String, MetaVictims> nodeNameToMetaVictims) {
    }
}
