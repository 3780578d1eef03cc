package io.github.sysched.webhook.mutation;

import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.webhook.admission.AdmissionContext;
import io.github.sysched.webhook.admission.FailSafe;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Our annotations are outputs, never inputs: on pod CREATE, whatever the client sent under
 * {@link PlacementAnnotations#OWNED} is removed before any other mutator runs, so the pod is admitted with what
 * the mutators decide or without them. When the request fails and is admitted anyway, the client's values are
 * still removed ({@link #apply}): a request that makes the webhook fail must not keep a forged, smaller syscall set.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class OwnedAnnotations implements PodMutator, FailSafe {

    private final NamespacePolicy namespaces;

    public OwnedAnnotations(NamespacePolicy namespaces) {
        this.namespaces = namespaces;
    }

    @Override
    public boolean supports(AdmissionContext request) {
        return request.isPod()
                && request.operation() == AdmissionContext.Operation.CREATE
                && !namespaces.exempt(request.namespace());
    }

    @Override
    public void mutate(PodAdmission admission) {
        Map<String, String> annotations = admission.pod().getMetadata() == null
                ? null
                : admission.pod().getMetadata().getAnnotations();
        if (annotations != null) {
            PlacementAnnotations.OWNED.forEach(annotations::remove);
        }
    }

    /** The same on the object as sent, which may not even decode into a Pod. */
    @Override
    public void apply(AdmissionContext request, ObjectNode object) {
        if (supports(request) && object.path("metadata").path("annotations") instanceof ObjectNode annotations) {
            annotations.remove(PlacementAnnotations.OWNED);
        }
    }
}
