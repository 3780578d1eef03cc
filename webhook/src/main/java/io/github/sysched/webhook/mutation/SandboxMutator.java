package io.github.sysched.webhook.mutation;

import io.github.sysched.pod.ProfileOrigin;
import io.github.sysched.webhook.admission.AdmissionContext;
import io.github.sysched.webhook.config.WebhookProperties;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Optional policy ({@code sysched.webhook.sandbox.*}): a pod with an unconfined container (one scored with the
 * default profile, or left out of the syscall set as unprofiled) gets a sandbox runtime class unless it names
 * one, and/or an IPP class for the IPP mutator when it has none.
 */
@Component
@Order(150)
public class SandboxMutator implements PodMutator {

    private final WebhookProperties.Sandbox sandbox;

    public SandboxMutator(WebhookProperties properties) {
        this.sandbox = properties.sandbox();
    }

    @Override
    public boolean supports(AdmissionContext request) {
        return sandbox.enabled();
    }

    @Override
    public void mutate(PodAdmission admission) {
        boolean unconfined = admission
                .syscalls()
                .filter(result -> result.origins().contains(ProfileOrigin.DEFAULT_PROFILE)
                        || result.origins().contains(ProfileOrigin.UNPROFILED_IGNORED))
                .isPresent();
        if (!unconfined) {
            return;
        }
        if (!sandbox.runtimeClassName().isEmpty() && admission.pod().getSpec().getRuntimeClassName() == null) {
            admission.pod().getSpec().setRuntimeClassName(sandbox.runtimeClassName());
            admission.warn("sysched: unconfined pod " + admission.request().describe() + " runs with runtimeClassName "
                    + sandbox.runtimeClassName());
        }
        if (!sandbox.ippClass().isEmpty()) {
            admission.sandboxIppClass(sandbox.ippClass());
        }
    }
}
