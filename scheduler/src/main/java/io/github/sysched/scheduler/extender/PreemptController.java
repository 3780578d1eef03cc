package io.github.sysched.scheduler.extender;

import io.fabric8.kubernetes.api.model.Pod;
import io.github.sysched.pod.ScoringPod;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /preempt} ({@code preemptVerb}): keeps the candidate nodes where the preemptor could land once its victims
 * are gone ({@link ExtenderService#preemptionNodes}) with the victims kube-scheduler chose, and drops the others, so
 * kube-scheduler never evicts pods on a node whose remaining pods belong to another isolation class.
 */
@RestController
public class PreemptController {

    private final ExtenderService service;
    private final ExtenderRequestReader reader;
    private final ExtenderController.ExtenderMetrics metrics;

    public PreemptController(ExtenderService service, ExtenderRequestReader reader,
                             ExtenderController.ExtenderMetrics metrics) {
        this.service = service;
        this.reader = reader;
        this.metrics = metrics;
    }

    @PostMapping(path = "/preempt", consumes = MediaType.ALL_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    public ExtenderPreemption.Result preempt(HttpServletRequest request) throws IOException {
        ExtenderPreemption.Args args = reader.read(request, ExtenderPreemption.Args.class);
        if (args.pod() == null) {
            throw new BadExtenderRequestException("preemption request without a Pod");
        }
        var sample = metrics.start();
        String outcome = "error";
        try {
            Map<String, ExtenderPreemption.MetaVictims> candidates = metaVictims(args);
            metrics.nodes("preempt", candidates.size());
            Map<String, Set<String>> victimUids = new LinkedHashMap<>();
            candidates.forEach((node, victims) -> victimUids.put(node, uids(victims)));
            Map<String, ExtenderPreemption.MetaVictims> kept = new LinkedHashMap<>();
            for (String node : service.preemptionNodes(ScoringPod.of(args.pod()), victimUids)) {
                kept.put(node, candidates.get(node));
            }
            outcome = "success";
            return new ExtenderPreemption.Result(kept);
        } finally {
            metrics.stop(sample, "preempt", outcome);
        }
    }

    /** The candidates as meta victims, whichever form kube-scheduler sent (meta when it sent both). */
    private static Map<String, ExtenderPreemption.MetaVictims> metaVictims(ExtenderPreemption.Args args) {
        Map<String, ExtenderPreemption.MetaVictims> result = new LinkedHashMap<>();
        if (args.nodeNameToMetaVictims() != null) {
            args.nodeNameToMetaVictims().forEach((node, victims) -> result.put(node, victims == null
                    ? new ExtenderPreemption.MetaVictims(List.of(), 0) : victims));
        } else if (args.nodeNameToVictims() != null) {
            args.nodeNameToVictims().forEach((node, victims) -> {
                List<ExtenderPreemption.MetaPod> pods = victims == null || victims.pods() == null ? List.of()
                        : victims.pods().stream().filter(Objects::nonNull).map(PreemptController::uid)
                                .filter(Objects::nonNull).map(ExtenderPreemption.MetaPod::new).toList();
                result.put(node, new ExtenderPreemption.MetaVictims(pods, victims == null ? 0 : victims.numPdbViolations()));
            });
        }
        return result;
    }

    private static Set<String> uids(ExtenderPreemption.MetaVictims victims) {
        Set<String> uids = new LinkedHashSet<>();
        if (victims.pods() != null) {
            victims.pods().stream().filter(Objects::nonNull).map(ExtenderPreemption.MetaPod::uid)
                    .filter(Objects::nonNull).forEach(uids::add);
        }
        return uids;
    }

    private static String uid(Pod pod) {
        return pod.getMetadata() == null ? null : pod.getMetadata().getUid();
    }
}
