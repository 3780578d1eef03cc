package io.github.sysched.webhook.admission;

/**
 * One mutation concern (profile annotation, IPP, ...). Beans are applied in {@link org.springframework.core.annotation.Order}
 * order to the same {@link MutationVerdict}; each sees the patch its predecessors built ({@link JsonPatchBuilder#document()}).
 */
public interface Mutator {

    /** Whether this concern applies to the request (kind, operation, namespace). */
    boolean supports(AdmissionContext request);

    void mutate(AdmissionContext request, MutationVerdict verdict);
}
