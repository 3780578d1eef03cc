package io.github.sysched.webhook.mutation;

import io.github.sysched.webhook.admission.AdmissionContext;
import io.github.sysched.webhook.admission.AdmissionVerdict;

/**
 * One mutation concern of a pod CREATE (our annotations, the profile, the sandbox, IPP). The beans run in
 * {@link org.springframework.core.annotation.Order} order on the same typed Pod; the patch is the diff of the
 * pod before the first and after the last.
 */
public interface PodMutator {

    /** Whether this concern applies to the pod CREATE (namespace, configuration). */
    boolean supports(AdmissionContext request);

    void mutate(PodAdmission admission);

    /**
     * The pod was not decoded, so this supporting concern did not run ({@code why}: the pod is too large).
     * Default: nothing.
     */
    default void skipped(AdmissionContext request, AdmissionVerdict verdict, String why) {}
}
