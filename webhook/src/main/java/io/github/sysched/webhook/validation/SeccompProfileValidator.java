package io.github.sysched.webhook.validation;

import io.github.sysched.profile.ProfileKey;
import io.github.sysched.profile.ProfileLookup;
import io.github.sysched.profile.ProfileResolutionException;
import io.github.sysched.profile.ProfileResolver;
import io.github.sysched.profile.SpoProfiles;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SpoApi;
import io.github.sysched.spo.SpoApiVersion;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.syscall.SyscallTable;
import io.github.sysched.webhook.admission.AdmissionContext;
import io.github.sysched.webhook.admission.AdmissionVerdict;
import io.github.sysched.webhook.cache.ClusterLookups;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * SeccompProfile CREATE/UPDATE: deny a profile whose {@code baseProfileName} chain (with the profile as it
 * would be stored) has a cycle, more than 15 profiles, a base name no SeccompProfile can have, or a syscall name
 * the resolvers cannot use (blank, longer than 128 characters): SPO would never install it; warn when a base
 * profile is missing (it may be created next) or is an {@code oci://} artifact (not followed here).
 */
@Component
public class SeccompProfileValidator implements Validator {

    private final ClusterLookups cluster;

    public SeccompProfileValidator(ClusterLookups cluster) {
        this.cluster = cluster;
    }

    @Override
    public boolean supports(AdmissionContext request) {
        return request.is(SpoApi.GROUP, SpoApi.SECCOMP_PROFILE_KIND)
                && (request.operation() == AdmissionContext.Operation.CREATE
                        || request.operation() == AdmissionContext.Operation.UPDATE);
    }

    @Override
    public void validate(AdmissionContext request, AdmissionVerdict verdict) {
        SpoScope scope = cluster.scope();
        if (scope == null) {
            verdict.warn("SPO scope not known yet: baseProfileName chain of " + request.describe() + " not checked");
            return;
        }
        Class<? extends SeccompProfile> type =
                SpoApiVersion.ofObjectVersion(request.version()).seccompProfileClass();
        SeccompProfile candidate = request.object(type);
        if (candidate == null || candidate.getMetadata() == null) {
            verdict.deny(
                    400,
                    "BadRequest",
                    "SeccompProfile " + request.describe() + ": the request has no object" + " with metadata");
            return;
        }
        if (candidate.getMetadata().getNamespace() == null
                && !request.namespace().isEmpty()) {
            candidate.getMetadata().setNamespace(request.namespace());
        }
        ProfileKey key;
        try {
            key = SpoProfiles.keyOf(candidate, scope);
        } catch (IllegalArgumentException e) {
            verdict.deny("SeccompProfile: " + e.getMessage());
            return;
        }
        ProfileLookup cached = cluster.profileLookup();
        ProfileLookup withCandidate =
                k -> k.equals(key) ? Optional.of(SpoProfiles.policyOrFail(k, candidate)) : cached.find(k);
        try {
            new ProfileResolver(withCandidate, SyscallTable.x86_64().allSyscalls()).resolve(key);
        } catch (ProfileResolutionException e) {
            // a cycle, or a name the resolver cannot use: admitted, every pod bound to it would fail to resolve;
            // a base that does not exist yet may still be created
            if (e.reason() == ProfileResolutionException.Reason.CYCLE
                    || e.reason() == ProfileResolutionException.Reason.INVALID_PROFILE) {
                verdict.deny("SeccompProfile " + key + ": " + e.getMessage());
            } else {
                verdict.warn("SeccompProfile " + key + ": " + e.getMessage());
            }
        } catch (IllegalArgumentException e) {
            // admitted, such a name would make the resolution of every pod bound to the profile fail
            verdict.deny("SeccompProfile " + key + ": " + e.getMessage());
        }
    }
}
