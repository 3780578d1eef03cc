package io.github.sysched.webhook.admission;

import tools.jackson.databind.node.ObjectNode;

/**
 * What must happen to an object even when its admission failed (internal error, deadline, overload) and
 * {@code failure-mode: allow} admits it anyway. Works on the object as sent, since it may not even decode;
 * must be cheap and must not rely on the failed handlers' state (a timed-out request may still be running).
 */
public interface FailSafe {

    /** Edits {@code object}, a copy of the request's object; the patch is the diff. */
    void apply(AdmissionContext request, ObjectNode object);
}
