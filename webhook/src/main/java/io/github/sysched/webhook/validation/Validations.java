package io.github.sysched.webhook.validation;

import io.github.sysched.webhook.admission.AdmissionContext;
import io.github.sysched.webhook.admission.AdmissionHandler;
import io.github.sysched.webhook.admission.AdmissionVerdict;
import io.github.sysched.webhook.admission.Endpoint;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** {@code /validate}: every {@link Validator} that supports the request, in order, on one verdict. */
@Component
public class Validations implements AdmissionHandler {

    private static final Logger log = LoggerFactory.getLogger(Validations.class);

    private final List<Validator> validators;

    public Validations(List<Validator> validators) {
        this.validators = List.copyOf(validators);
        log.info(
                "validators: {}",
                this.validators.stream().map(v -> v.getClass().getSimpleName()).toList());
    }

    @Override
    public Endpoint endpoint() {
        return Endpoint.VALIDATE;
    }

    @Override
    public AdmissionVerdict handle(AdmissionContext request) {
        AdmissionVerdict verdict = new AdmissionVerdict();
        for (Validator validator : validators) {
            request.checkDeadline();
            if (validator.supports(request)) {
                validator.validate(request, verdict);
            }
        }
        return verdict;
    }
}
