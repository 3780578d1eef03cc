package io.github.sysched.webhook.mutation;

import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.webhook.admission.AdmissionContext;
import io.github.sysched.webhook.admission.JsonPatchBuilder;
import io.github.sysched.webhook.admission.Mutator;
import io.github.sysched.webhook.admission.MutationVerdict;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Our annotations are outputs, never inputs: on pod CREATE, whatever the client sent under
 * {@link PlacementAnnotations#OWNED} is replaced by what the mutators decided ({@link #put}), or removed.
 * Runs last, so each key gets exactly one operation. When the request fails and is admitted anyway, the client's
 * values are still removed ({@link #mutateOnFailure}): a request that makes the webhook fail must not keep a
 * forged, smaller syscall set.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
public class OwnedAnnotations implements Mutator {

    private static final String PREFIX = OwnedAnnotations.class.getName() + ":";

    private final NamespacePolicy namespaces;

    public OwnedAnnotations(NamespacePolicy namespaces) {
        this.namespaces = namespaces;
    }

    /** Records the value a mutator wants for one of our annotations on this request. */
    public static void put(AdmissionContext request, String key, String value) {
        if (!PlacementAnnotations.OWNED.contains(key)) {
            throw new IllegalArgumentException(key + " is not one of our annotations");
        }
        request.attribute(PREFIX + key, value);
    }

    public static String get(AdmissionContext request, String key) {
        return request.attribute(PREFIX + key);
    }

    @Override
    public boolean supports(AdmissionContext request) {
        return request.isPod() && request.operation() == AdmissionContext.Operation.CREATE
                && !namespaces.exempt(request.namespace());
    }

    @Override
    public void mutateOnFailure(AdmissionContext request, MutationVerdict verdict) {
        if (supports(request)) {
            for (String key : PlacementAnnotations.OWNED) {
                verdict.patch().remove(JsonPatchBuilder.path("metadata", "annotations", key));
            }
        }
    }

    @Override
    public void mutate(AdmissionContext request, MutationVerdict verdict) {
        JsonPatchBuilder patch = verdict.patch();
        for (String key : PlacementAnnotations.OWNED) {
            String value = get(request, key);
            var path = JsonPatchBuilder.path("metadata", "annotations", key);
            if (value != null) {
                patch.set(path, value);
            } else {
                patch.remove(path);
            }
        }
    }
}
