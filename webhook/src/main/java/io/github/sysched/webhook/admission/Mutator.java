package io.github.sysched.webhook.admission;

/**
 * One mutation concern (profile annotation, IPP, ...). Beans are applied in {@link org.springframework.core.annotation.Order}
 * order to the same {@link MutationVerdict}; each sees the patch its predecessors built ({@link JsonPatchBuilder#document()}).
 */
public interface Mutator {

    /** Whether this concern applies to the request (kind, operation, namespace). */
    boolean supports(AdmissionContext request);

    void mutate(AdmissionContext request, MutationVerdict verdict);

    /**
     * What this concern must do even when the request failed (internal error, deadline, overload) and
     * {@code failure-mode: allow} admits the object anyway. Called on every mutator, whatever {@link #supports}
     * says, on a fresh verdict; it must be cheap and must not rely on the request's attributes (a timed-out
     * request may still be running). Default: nothing.
     */
    default void mutateOnFailure(AdmissionContext request, MutationVerdict verdict) {
    }
}
