package io.github.sysched.webhook.mutation;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.github.sysched.webhook.admission.AdmissionContext;
import io.github.sysched.webhook.admission.AdmissionHandler;
import io.github.sysched.webhook.admission.AdmissionVerdict;
import io.github.sysched.webhook.admission.Endpoint;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /mutate}: a pod CREATE is decoded into a fabric8 Pod, the {@link PodMutator}s that support it edit it in
 * order, and the patch is the JSON diff of the pod before and after. Both sides are serializations of the typed
 * pod, so what the model normalizes (an empty list, an explicit null) never shows up as a change. Anything else
 * is admitted unchanged.
 */
@Component
public class PodMutations implements AdmissionHandler {

    /**
     * Pods with more containers (and init containers) are neither decoded nor resolved: a 1.5MB pod can list
     * hundreds of thousands of containers, and decoding and resolving them takes hundreds of MB. Such a pod only
     * loses the client's values of our annotations; without our annotation the scheduler scores it with its own
     * fallback, so skipping gains a pod author nothing.
     */
    public static final int MAX_CONTAINERS = 1_000;

    private static final Logger log = LoggerFactory.getLogger(PodMutations.class);

    private final List<PodMutator> mutators;
    private final OwnedAnnotations ownedAnnotations;
    private final ObjectMapper mapper;

    /** {@code mutators} in {@link org.springframework.core.annotation.Order} order, as Spring injects them. */
    public PodMutations(List<PodMutator> mutators, OwnedAnnotations ownedAnnotations, ObjectMapper mapper) {
        this.mutators = List.copyOf(mutators);
        this.ownedAnnotations = ownedAnnotations;
        this.mapper = mapper;
        log.info(
                "pod mutators: {}",
                this.mutators.stream().map(m -> m.getClass().getSimpleName()).toList());
    }

    @Override
    public Endpoint endpoint() {
        return Endpoint.MUTATE;
    }

    @Override
    public AdmissionVerdict handle(AdmissionContext request) {
        AdmissionVerdict verdict = new AdmissionVerdict();
        if (!request.isPod() || request.operation() != AdmissionContext.Operation.CREATE) {
            return verdict;
        }
        List<PodMutator> supporting =
                mutators.stream().filter(m -> m.supports(request)).toList();
        if (supporting.isEmpty()) {
            return verdict;
        }
        int containers = request.object().path("spec").path("containers").size()
                + request.object().path("spec").path("initContainers").size();
        if (containers > MAX_CONTAINERS) {
            supporting.forEach(
                    m -> m.skipped(request, verdict, containers + " containers, more than " + MAX_CONTAINERS));
            JsonNode object = request.object();
            JsonNode after = object.deepCopy();
            if (after instanceof ObjectNode pod) {
                ownedAnnotations.apply(request, pod);
            }
            verdict.patch(object, after);
            return verdict;
        }
        Pod pod = request.object(Pod.class);
        String invalid = invalid(pod);
        if (invalid != null) {
            // the API server refuses such a pod after the mutating webhooks; say why now, change nothing
            verdict.deny(400, "BadRequest", "pod " + request.describe() + ": " + invalid);
            return verdict;
        }
        JsonNode before = mapper.valueToTree(pod);
        PodAdmission admission = new PodAdmission(request, pod, verdict);
        for (PodMutator mutator : supporting) {
            request.checkDeadline();
            mutator.mutate(admission);
        }
        verdict.patch(before, mapper.valueToTree(pod));
        return verdict;
    }

    /** What makes {@code pod} one the API server would refuse and the mutators cannot resolve, or null. */
    private static String invalid(Pod pod) {
        if (pod == null) {
            return "the request has no object";
        }
        if (pod.getSpec() == null) {
            return "spec is missing";
        }
        for (String list : List.of("containers", "initContainers")) {
            List<Container> containers = list.equals("containers")
                    ? pod.getSpec().getContainers()
                    : pod.getSpec().getInitContainers();
            for (int i = 0; containers != null && i < containers.size(); i++) {
                if (containers.get(i) == null
                        || containers.get(i).getName() == null
                        || containers.get(i).getName().isEmpty()) {
                    return "spec." + list + "[" + i + "].name is missing";
                }
            }
        }
        return null;
    }
}
