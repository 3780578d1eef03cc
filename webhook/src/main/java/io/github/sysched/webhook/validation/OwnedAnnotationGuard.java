package io.github.sysched.webhook.validation;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.webhook.admission.AdmissionContext;
import io.github.sysched.webhook.admission.AdmissionVerdict;
import io.github.sysched.webhook.config.WebhookProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Our annotations are written once, at admission: a pod UPDATE that adds, changes or removes one is denied
 * unless the requester is one of {@code sysched.webhook.annotation-writers}. Reads the metadata only.
 */
@Component
public class OwnedAnnotationGuard implements Validator {

    private final Set<String> writers;

    public OwnedAnnotationGuard(WebhookProperties properties) {
        this.writers = Set.copyOf(properties.annotationWriters());
    }

    @Override
    public boolean supports(AdmissionContext request) {
        return request.isPod() && request.operation() == AdmissionContext.Operation.UPDATE;
    }

    @Override
    public void validate(AdmissionContext request, AdmissionVerdict verdict) {
        List<String> changed = new ArrayList<>();
        ObjectMeta metadata = request.metadata();
        ObjectMeta oldMetadata = request.oldMetadata();
        for (String key : PlacementAnnotations.OWNED) {
            if (!Objects.equals(annotation(metadata, key), annotation(oldMetadata, key))) {
                changed.add(key);
            }
        }
        if (!changed.isEmpty() && !writers.contains(request.username())) {
            verdict.deny("annotations " + changed + " are set by the sysched webhook at pod creation; user '"
                    + request.username() + "' may not add, change or remove them");
        }
    }

    private static String annotation(ObjectMeta metadata, String key) {
        return metadata == null || metadata.getAnnotations() == null
                ? null
                : metadata.getAnnotations().get(key);
    }
}
