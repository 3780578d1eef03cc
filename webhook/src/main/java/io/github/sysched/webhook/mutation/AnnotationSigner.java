package io.github.sysched.webhook.mutation;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.github.sysched.annotation.AnnotationSignature;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.kube.AnnotationKeyDirectory;
import io.github.sysched.webhook.admission.AdmissionContext;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Signs what the mutators before it wrote: after the last of them, a pod that carries {@code exs.sysched.io/syscalls}
 * or {@code exs.sysched.io/ipp-class} gets {@code exs.sysched.io/signature} ({@link AnnotationSignature}) with the
 * current shared key, bound to the request's namespace and the pod's name (or generateName). The extender believes
 * those two annotations only with a valid signature, so a pod the webhook never saw (an exempt namespace, one not
 * opted in, created while the webhook was down) is scored from its spec whatever its author wrote. Without a key
 * nothing is signed (the key directory logs why) and the extender resolves every pod from its spec.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
public class AnnotationSigner implements PodMutator {

    private final NamespacePolicy namespaces;
    private final AnnotationKeyDirectory keys;

    public AnnotationSigner(NamespacePolicy namespaces, AnnotationKeyDirectory keys) {
        this.namespaces = namespaces;
        this.keys = keys;
    }

    @Override
    public boolean supports(AdmissionContext request) {
        return !namespaces.exempt(request.namespace());
    }

    @Override
    public void mutate(PodAdmission admission) {
        ObjectMeta metadata = admission.pod().getMetadata();
        Map<String, String> annotations = metadata == null ? null : metadata.getAnnotations();
        if (annotations == null) {
            return;
        }
        annotations.remove(PlacementAnnotations.SIGNATURE);
        if (!annotations.containsKey(PlacementAnnotations.SYSCALLS)
                && !annotations.containsKey(PlacementAnnotations.IPP_CLASS)) {
            return;
        }
        Optional<AnnotationSignature.KeyRing> ring = keys.keys();
        String name = metadata.getName();
        if (ring.isEmpty() || ((name == null || name.isEmpty()) && metadata.getGenerateName() == null)) {
            return; // unsigned: the extender resolves the pod from its spec
        }
        admission.annotate(
                PlacementAnnotations.SIGNATURE,
                AnnotationSignature.sign(
                        ring.get().current(),
                        admission.request().namespace(),
                        name,
                        metadata.getGenerateName(),
                        annotations));
    }
}
