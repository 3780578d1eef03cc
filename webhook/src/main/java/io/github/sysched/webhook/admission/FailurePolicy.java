package io.github.sysched.webhook.admission;

import io.github.sysched.webhook.config.WebhookProperties;
import io.github.sysched.webhook.config.WebhookProperties.FailureMode;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code sysched.webhook.failure-mode}: the answer to a request whose handlers failed. {@code deny}: 500
 * InternalError. {@code allow}: admitted, with a warning, and with the {@link FailSafe} changes only (e.g. the
 * client's values of our annotations removed on a pod CREATE).
 */
@Component
public class FailurePolicy {

    private static final Logger log = LoggerFactory.getLogger(FailurePolicy.class);

    private final FailureMode mode;
    private final List<FailSafe> failSafes;

    public FailurePolicy(WebhookProperties properties, List<FailSafe> failSafes) {
        this.mode = properties.failureMode();
        this.failSafes = List.copyOf(failSafes);
    }

    public AdmissionVerdict answer(AdmissionContext request, Endpoint endpoint, AdmissionFailure failure) {
        log.error(
                "admission of {} ({} {}) {}; failure mode {}",
                request.describe(),
                request.operation(),
                endpoint,
                failure.getMessage(),
                mode,
                failure.getCause());
        String message = "sysched webhook internal " + failure.outcome() + " (request uid " + request.uid() + ")";
        AdmissionVerdict verdict = new AdmissionVerdict();
        if (mode == FailureMode.DENY) {
            verdict.deny(500, "InternalError", message);
        } else if (endpoint == Endpoint.MUTATE && applyFailSafes(request, verdict)) {
            verdict.warn(message + "; admitted without sysched's changes, but without the client's values of "
                    + "sysched's own annotations");
        } else {
            verdict.warn(message + "; admitted unchanged");
        }
        return verdict;
    }

    /** True when the fail-safes changed the object (the verdict then carries their patch). */
    private boolean applyFailSafes(AdmissionContext request, AdmissionVerdict verdict) {
        if (!(request.object() instanceof ObjectNode object)) {
            return false;
        }
        try {
            ObjectNode after = object.deepCopy();
            for (FailSafe failSafe : failSafes) {
                failSafe.apply(request, after);
            }
            verdict.patch(object, after);
            return verdict.patch() != null;
        } catch (RuntimeException e) {
            log.error("the fail-safe patch for {} failed too; admitted unchanged", request.describe(), e);
            return false;
        }
    }
}
