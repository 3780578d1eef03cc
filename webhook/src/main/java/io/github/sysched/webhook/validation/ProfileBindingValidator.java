package io.github.sysched.webhook.validation;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.github.sysched.binding.Binding;
import io.github.sysched.binding.ImageReferences;
import io.github.sysched.binding.LabelSelectors;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.profile.SpoProfiles;
import io.github.sysched.spo.ProfileBinding;
import io.github.sysched.spo.ProfileBindingSpec;
import io.github.sysched.spo.ProfileRef;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SpoApi;
import io.github.sysched.spo.SpoApiVersion;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.webhook.admission.AdmissionContext;
import io.github.sysched.webhook.admission.AdmissionVerdict;
import io.github.sysched.webhook.cache.ClusterLookups;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * ProfileBinding CREATE/UPDATE: deny an unsupported {@code profileRef.kind}, an empty image or profile name, a
 * podSelector Kubernetes cannot convert (SPO would skip the binding for every pod),
 * and a second binding of the namespace with the same profile kind, image and pod selector (which one applies
 * would be ambiguous; bindings of different kinds, e.g. SeccompProfile and SelinuxProfile, apply side by side as
 * in SPO); warn when a SeccompProfile it references does not exist (yet).
 */
@Component
public class ProfileBindingValidator implements Validator {

    /** The kinds SPO binds; only SeccompProfile contributes to syscall sets. */
    static final Set<String> SUPPORTED_KINDS = Binding.SPO_KINDS;

    private final ClusterLookups cluster;

    public ProfileBindingValidator(ClusterLookups cluster) {
        this.cluster = cluster;
    }

    @Override
    public boolean supports(AdmissionContext request) {
        return request.is(SpoApi.GROUP, SpoApi.PROFILE_BINDING_KIND)
                && (request.operation() == AdmissionContext.Operation.CREATE
                        || request.operation() == AdmissionContext.Operation.UPDATE);
    }

    @Override
    public void validate(AdmissionContext request, AdmissionVerdict verdict) {
        Class<? extends ProfileBinding> type =
                SpoApiVersion.ofObjectVersion(request.version()).profileBindingClass();
        ProfileBinding binding = request.object(type);
        if (binding == null || binding.getMetadata() == null) {
            verdict.deny(
                    400,
                    "BadRequest",
                    "ProfileBinding " + request.describe() + ": the request has no object" + " with metadata");
            return;
        }
        ProfileBindingSpec spec = binding.getSpec();
        String name = request.namespace() + "/" + binding.getMetadata().getName();
        if (spec == null) {
            verdict.deny("ProfileBinding " + name + " has no spec");
            return;
        }
        if (spec.getImage() == null || spec.getImage().isBlank()) {
            verdict.deny("ProfileBinding " + name + ": spec.image must not be empty (use \"*\" for every image)");
        }
        Optional<String> selectorProblem = LabelSelectors.problem(spec.getPodSelector());
        if (selectorProblem.isPresent()) {
            verdict.deny("ProfileBinding " + name + ": invalid podSelector: " + selectorProblem.get()
                    + " (SPO would skip the binding for every pod)");
            return;
        }
        ProfileRef ref = spec.getProfileRef();
        if (ref == null || ref.getKind() == null || !SUPPORTED_KINDS.contains(ref.getKind())) {
            verdict.deny("ProfileBinding " + name + ": profileRef.kind '" + (ref == null ? null : ref.getKind())
                    + "' is not supported (one of " + SUPPORTED_KINDS + ")");
            return;
        }
        if (ref.getName() == null || ref.getName().isBlank()) {
            verdict.deny("ProfileBinding " + name + ": profileRef.name must not be empty");
            return;
        }
        if ("SeccompProfile".equals(ref.getKind())) {
            SpoScope scope = cluster.scope();
            if (scope != null) {
                ProfileKey key;
                try {
                    key = ProfileKey.inScope(scope, request.namespace(), ref.getName());
                } catch (IllegalArgumentException e) {
                    verdict.deny("ProfileBinding " + name + ": " + e.getMessage());
                    return;
                }
                Optional<SeccompProfile> profile = cluster.profile(key);
                if (profile.isEmpty()) {
                    verdict.warn("ProfileBinding " + name + ": SeccompProfile " + key
                            + " does not exist; pods are not bound until it does");
                } else if (profile.get().getSpec() != null
                        && !profile.get().getSpec().isEnabled()) {
                    verdict.warn("ProfileBinding " + name + ": SeccompProfile " + key + " "
                            + SpoProfiles.installationNote(profile.get()).orElseThrow());
                }
            }
        }
        for (ProfileBinding other : cluster.bindings(request.namespace())) {
            if (Objects.equals(
                            other.getMetadata().getName(), binding.getMetadata().getName())
                    || other.getSpec() == null) {
                continue;
            }
            ProfileRef otherRef = other.getSpec().getProfileRef();
            // SPO binds each kind on its own: a SelinuxProfile binding beside a SeccompProfile one is no conflict
            if (otherRef != null
                    && ref.getKind().equals(otherRef.getKind())
                    && Objects.equals(
                            ImageReferences.normalize(other.getSpec().getImage()),
                            ImageReferences.normalize(spec.getImage()))
                    && sameSelector(other.getSpec().getPodSelector(), spec.getPodSelector())) {
                verdict.deny("ProfileBinding " + name + " binds image '" + spec.getImage()
                        + "' with the same pod selector as " + ref.getKind() + " binding "
                        + other.getMetadata().getName() + ": which one applies would be ambiguous");
                return;
            }
        }
    }

    private static boolean sameSelector(LabelSelector a, LabelSelector b) {
        return Objects.equals(normalize(a), normalize(b));
    }

    /** Absent and empty selectors both select every pod. */
    private static LabelSelector normalize(LabelSelector selector) {
        if (selector == null) {
            return new LabelSelector(java.util.List.of(), java.util.Map.of());
        }
        return new LabelSelector(
                selector.getMatchExpressions() == null ? java.util.List.of() : selector.getMatchExpressions(),
                selector.getMatchLabels() == null ? java.util.Map.of() : selector.getMatchLabels());
    }
}
