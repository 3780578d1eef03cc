package io.github.sysched.profile;

import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SeccompProfileSpec;
import io.github.sysched.spo.SeccompSyscall;
import io.github.sysched.spo.SpoScope;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns SPO SeccompProfile objects (e.g. an informer's contents) into the views the resolvers read. */
public final class SpoProfiles {

    /** {@code status.status} of a profile SPO has installed on every node. */
    private static final String INSTALLED = "Installed";

    private SpoProfiles() {}

    /**
     * The key of {@code profile} under {@code scope}. A cluster-scoped profile's key has no namespace even if
     * the object carries one; a namespaced profile without a namespace is an error.
     */
    public static ProfileKey keyOf(SeccompProfile profile, SpoScope scope) {
        return ProfileKey.inScope(
                scope,
                profile.getMetadata().getNamespace(),
                profile.getMetadata().getName());
    }

    /**
     * The content of {@code profile}. A disabled profile ({@code state: Disabled} / {@code disabled: true})
     * keeps its content: it still names the syscalls of the pods that reference it, which run with it once it is
     * enabled again ({@link #installationNote}).
     *
     * @throws IllegalArgumentException when the spec has no or an unknown action
     */
    public static SeccompPolicy policyOf(SeccompProfile profile) {
        SeccompProfileSpec spec = profile.getSpec();
        String name =
                profile.getMetadata() == null ? "?" : profile.getMetadata().getName();
        if (spec == null || spec.getDefaultAction() == null) {
            throw new IllegalArgumentException("SeccompProfile " + name + " has no spec.defaultAction");
        }
        List<SyscallRule> rules = new ArrayList<>();
        if (spec.getSyscalls() != null) {
            for (SeccompSyscall syscall : spec.getSyscalls()) {
                rules.add(new SyscallRule(
                        SeccompAction.parse(syscall.getAction()),
                        syscall.getNames() == null ? List.of() : syscall.getNames()));
            }
        }
        return new SeccompPolicy(SeccompAction.parse(spec.getDefaultAction()), rules, spec.getBaseProfileName());
    }

    /**
     * A lookup over a snapshot of profiles. An invalid profile is reported when it is looked up
     * ({@link ProfileResolutionException}), not when the snapshot is taken, so one bad object does not hide
     * the others.
     */
    public static ProfileLookup lookup(Collection<? extends SeccompProfile> profiles, SpoScope scope) {
        Map<ProfileKey, SeccompProfile> byKey = byKey(profiles, scope);
        return key -> Optional.ofNullable(byKey.get(key)).map(profile -> policyOrFail(key, profile));
    }

    /**
     * {@link #lookup(Collection, SpoScope)} converting through {@code memo}: a profile unchanged since an earlier
     * snapshot keeps the policy converted then.
     */
    public static ProfileLookup lookup(Collection<? extends SeccompProfile> profiles, SpoScope scope, PolicyMemo memo) {
        return memo.lookup(byKey(profiles, scope)::get);
    }

    private static Map<ProfileKey, SeccompProfile> byKey(
            Collection<? extends SeccompProfile> profiles, SpoScope scope) {
        Map<ProfileKey, SeccompProfile> byKey = new HashMap<>();
        for (SeccompProfile profile : profiles) {
            byKey.put(keyOf(profile, scope), profile);
        }
        return byKey;
    }

    /**
     * Why SPO would not run a container bound to {@code profile} with it right now, or empty when it is
     * {@code Installed}. The resolvers use the profile's content whatever its state (the container runs with it
     * once SPO has installed it); this only tells the pod's author. SPO's binding webhook binds a profile only once
     * {@code status.status} is set, waiting up to 3 s and then rejecting the pod
     * ({@code internal/pkg/webhooks/binding}, {@code getSeccompProfile}); a disabled profile's file is removed
     * from the nodes ({@code reconcileDisabled}), so a container bound to it does not start.
     */
    public static Optional<String> installationNote(SeccompProfile profile) {
        SeccompProfileSpec spec = profile.getSpec();
        if (spec != null && !spec.isEnabled()) {
            return Optional.of("is disabled: SPO removes its file from the nodes, so containers bound to it do not"
                    + " start until it is enabled again");
        }
        String status = profile.getStatus() == null ? null : profile.getStatus().getStatus();
        if (status == null || status.isEmpty()) {
            return Optional.of("has no status yet (not installed): SPO's binding webhook waits for it and rejects"
                    + " the pod if it does not come");
        }
        if (!INSTALLED.equals(status)) {
            return Optional.of("is " + status + ", not " + INSTALLED + " on every node");
        }
        return Optional.empty();
    }

    /** {@link #policyOf} with errors as {@link ProfileResolutionException}, for use inside a lookup. */
    public static SeccompPolicy policyOrFail(ProfileKey key, SeccompProfile profile) {
        try {
            return policyOf(profile);
        } catch (IllegalArgumentException e) {
            throw new ProfileResolutionException(
                    ProfileResolutionException.Reason.INVALID_PROFILE,
                    List.of(key),
                    "profile " + key + " is invalid: " + e.getMessage());
        }
    }
}
