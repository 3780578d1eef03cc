package io.github.sysched.webhook.validation;

import io.github.sysched.webhook.admission.AdmissionContext;
import io.github.sysched.webhook.admission.AdmissionVerdict;

/** One validation concern. All supporting beans run; the first denial is the answer, all warnings are kept. */
public interface Validator {

    boolean supports(AdmissionContext request);

    void validate(AdmissionContext request, AdmissionVerdict verdict);
}
