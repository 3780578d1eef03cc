package io.github.sysched.scheduler.extender;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code k8s.io/kube-scheduler/extender/v1} preemption types (Go field names as keys, read case-insensitively).
 * kube-scheduler sends {@code NodeNameToMetaVictims} (victims by UID) to a {@code nodeCacheCapable} extender and
 * {@code NodeNameToVictims} (whole pods) otherwise, and always reads {@code NodeNameToMetaVictims} back: the nodes it
 * may still preempt on, each with its victims. kube-scheduler calls {@code /preempt} rarely (only when a pod fits
 * nowhere), so it is decoded into these types with Jackson (the same size cap and {@link
 * ExtenderRequestReader#MAX_TOKENS} as the other verbs) rather than streamed.
 */
public final class ExtenderPreemption {

    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxTokenCount(ExtenderRequestReader.MAX_TOKENS)
                            .build())
                    .build())
            .build();

    private ExtenderPreemption() {}

    /** Decodes {@code ExtenderPreemptionArgs}; a body without a Pod or not of that shape is a bad request. */
    static Args decode(byte[] body) {
        Args args;
        try {
            args = JSON.readValue(body, Args.class);
        } catch (JacksonException e) {
            throw new BadExtenderRequestException(
                    "body is not a valid ExtenderPreemptionArgs: " + e.getOriginalMessage(), e);
        }
        if (args == null || args.pod() == null) {
            throw new BadExtenderRequestException("preemption request without a Pod");
        }
        return args;
    }

    /**
     * Answers {@code args}: the candidates {@code service} keeps ({@link ExtenderService#preemptionNodes}), each with
     * the victims kube-scheduler chose, written as {@code ExtenderPreemptionResult} to {@code out}.
     */
    static void answer(ExtenderService service, Args args, OutputStream out) {
        Map<String, MetaVictims> candidates = args.metaVictims();
        Map<String, Set<String>> victimUids = new LinkedHashMap<>();
        candidates.forEach((node, victims) -> victimUids.put(node, victims.uids()));
        Map<String, MetaVictims> kept = new LinkedHashMap<>();
        for (String node : service.preemptionNodes(io.github.sysched.pod.ScoringPod.of(args.pod()), victimUids)) {
            kept.put(node, candidates.get(node));
        }
        JSON.writeValue(out, new Result(kept));
    }

    /** {@code ExtenderPreemptionArgs}. */
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Args(
            @JsonProperty("Pod") Pod pod,
            @JsonProperty("NodeNameToVictims") Map<String, Victims> nodeNameToVictims,
            @JsonProperty("NodeNameToMetaVictims") Map<String, MetaVictims> nodeNameToMetaVictims) {

        /** The candidates as meta victims, whichever form kube-scheduler sent (meta when it sent both). */
        Map<String, MetaVictims> metaVictims() {
            Map<String, MetaVictims> result = new LinkedHashMap<>();
            if (nodeNameToMetaVictims != null) {
                nodeNameToMetaVictims.forEach(
                        (node, victims) -> result.put(node, victims == null ? new MetaVictims(List.of(), 0) : victims));
            } else if (nodeNameToVictims != null) {
                nodeNameToVictims.forEach((node, victims) -> {
                    List<MetaPod> pods = victims == null || victims.pods() == null
                            ? List.of()
                            : victims.pods().stream()
                                    .filter(Objects::nonNull)
                                    .map(p -> p.getMetadata() == null
                                            ? null
                                            : p.getMetadata().getUid())
                                    .filter(Objects::nonNull)
                                    .map(MetaPod::new)
                                    .toList();
                    result.put(node, new MetaVictims(pods, victims == null ? 0 : victims.numPdbViolations()));
                });
            }
            return result;
        }
    }

    /** {@code Victims}: whole pods. */
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Victims(
            @JsonProperty("Pods") List<Pod> pods,
            @JsonProperty("NumPDBViolations") long numPdbViolations) {}

    /** {@code MetaVictims}: pods by UID. */
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MetaVictims(
            @JsonProperty("Pods") List<MetaPod> pods,
            @JsonProperty("NumPDBViolations") long numPdbViolations) {

        Set<String> uids() {
            Set<String> uids = new LinkedHashSet<>();
            if (pods != null) {
                pods.stream()
                        .filter(Objects::nonNull)
                        .map(MetaPod::uid)
                        .filter(Objects::nonNull)
                        .forEach(uids::add);
            }
            return uids;
        }
    }

    @JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MetaPod(@JsonProperty("UID") String uid) {}

    /** {@code ExtenderPreemptionResult}. */
    public record Result(
            @JsonProperty("NodeNameToMetaVictims") Map<String, MetaVictims> nodeNameToMetaVictims) {}
}
