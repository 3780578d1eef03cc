package io.github.sysched.webhook.validation;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.spo.ProfileBinding;
import io.github.sysched.spo.ProfileBindingSpec;
import io.github.sysched.spo.ProfileRef;
import io.github.sysched.spo.SpoApi;
import io.github.sysched.spo.SpoApiVersion;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.webhook.admission.AdmissionContext;
import io.github.sysched.webhook.admission.AdmissionVerdict;
import io.github.sysched.webhook.cache.ClusterView;
import java.util.Objects;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * ProfileBinding CREATE/UPDATE: deny an unsupported {@code profileRef.kind}, an empty image or profile name,
 * and a second binding of the namespace with the same image and pod selector (which one applies would be
 * ambiguous); warn when a SeccompProfile it references does not exist (yet).
 */
@Component
public class ProfileBindingValidator implements Validator {

    /** The kinds SPO binds; only SeccompProfile contributes to syscall sets. */
    static final Set<String> SUPPORTED_KINDS = Set.of("SeccompProfile", "SelinuxProfile", "AppArmorProfile");

    private final ClusterView cluster;

    public ProfileBindingValidator(ClusterView cluster) {
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
        Class<? extends ProfileBinding> type = SpoApiVersion.ofObjectVersion(request.version()).profileBindingClass();
        ProfileBinding binding = request.object(type);
        ProfileBindingSpec spec = binding.getSpec();
        String name = request.namespace() + "/" + binding.getMetadata().getName();
        if (spec == null) {
            verdict.deny("ProfileBinding " + name + " has no spec");
            return;
        }
        if (spec.getImage() == null || spec.getImage().isBlank()) {
            verdict.deny("ProfileBinding " + name + ": spec.image must not be empty (use \"*\" for every image)");
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
                if (cluster.profile(key).isEmpty()) {
                    verdict.warn("ProfileBinding " + name + ": SeccompProfile " + key
                            + " does not exist; pods are not bound until it does");
                }
            }
        }
        for (ProfileBinding other : cluster.bindings(request.namespace())) {
            if (Objects.equals(other.getMetadata().getName(), binding.getMetadata().getName())
                    || other.getSpec() == null) {
                continue;
            }
            if (Objects.equals(other.getSpec().getImage(), spec.getImage())
                    && sameSelector(other.getSpec().getPodSelector(), spec.getPodSelector())) {
                verdict.deny("ProfileBinding " + name + " binds image '" + spec.getImage()
                        + "' with the same pod selector as ProfileBinding " + other.getMetadata().getName()
                        + ": which one applies would be ambiguous");
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
        return new LabelSelector(selector.getMatchExpressions() == null ? java.util.List.of()
                : selector.getMatchExpressions(),
                selector.getMatchLabels() == null ? java.util.Map.of() : selector.getMatchLabels());
    }
}
