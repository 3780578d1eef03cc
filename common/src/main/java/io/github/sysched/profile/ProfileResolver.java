package io.github.sysched.profile;

import io.github.sysched.syscall.SyscallSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Computes a profile's syscall set, following {@code baseProfileName} as SPO installs such a profile: the rules of
 * the profile and of every base in the chain are merged and read with the profile's own {@code defaultAction}
 * ({@link SeccompPolicy#mergedWith}); the bases' default actions play no part. So a child {@code SCMP_ACT_ERRNO}
 * allowing {@code read} over a deny-list base allows {@code read} only, not the base's whole universe.
 *
 * <p>A base name is a profile of the same namespace (or a cluster-scoped one when the child is), as the CRD
 * documents. A chain holds at most {@value #MAX_CHAIN_LENGTH} profiles, the profile and 14 bases (SPO's daemon,
 * {@code resolveSyscallsForProfile}, fails at recursion level 15). {@code oci://} bases, names no SeccompProfile
 * can have (SPO v1's CRD rejects them; v1beta1 never installs such a profile), missing bases, cycles and longer
 * chains are errors ({@link ProfileResolutionException}), never an empty set. Nothing is cached: the lookup is the
 * cache.
 */
public final class ProfileResolver {

    /** The profile and at most 14 bases, as SPO's {@code seccompcheck.MaxBaseProfileDepth} allows. */
    static final int MAX_CHAIN_LENGTH = 15;

    private static final String OCI_PREFIX = "oci://";
    /** A Kubernetes object name (DNS-1123 subdomain), as SPO v1's CEL rule on {@code baseProfileName} requires. */
    private static final Pattern OBJECT_NAME =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private static final int MAX_OBJECT_NAME_LENGTH = 253;

    private final ProfileLookup lookup;
    private final SyscallSet denyListUniverse;

    /** @param denyListUniverse what a deny-list profile's denied names are subtracted from */
    public ProfileResolver(ProfileLookup lookup, SyscallSet denyListUniverse) {
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        this.denyListUniverse = Objects.requireNonNull(denyListUniverse, "denyListUniverse");
    }

    public boolean exists(ProfileKey key) {
        return lookup.find(key).isPresent();
    }

    /** @throws ProfileResolutionException when the profile or a base is missing, unsupported, cyclic or invalid */
    public ResolvedProfile resolve(ProfileKey key) {
        List<ProfileKey> chain = new ArrayList<>();
        List<SeccompPolicy> policies = new ArrayList<>();
        ProfileKey current = key;
        while (current != null) {
            if (chain.contains(current)) {
                chain.add(current);
                throw new ProfileResolutionException(
                        ProfileResolutionException.Reason.CYCLE,
                        chain,
                        "cycle in baseProfileName chain of profile " + key);
            }
            chain.add(current);
            if (chain.size() > MAX_CHAIN_LENGTH) {
                throw new ProfileResolutionException(
                        ProfileResolutionException.Reason.INVALID_PROFILE,
                        chain,
                        "baseProfileName chain of profile " + key + " is longer than " + MAX_CHAIN_LENGTH
                                + " profiles (SPO does not install it)");
            }
            Optional<SeccompPolicy> policy = lookup.find(current);
            if (policy.isEmpty()) {
                boolean isBase = chain.size() > 1;
                throw new ProfileResolutionException(
                        isBase
                                ? ProfileResolutionException.Reason.BASE_NOT_FOUND
                                : ProfileResolutionException.Reason.PROFILE_NOT_FOUND,
                        chain,
                        (isBase ? "base profile " : "profile ") + current + " not found");
            }
            readable(current, policy.get(), chain);
            policies.add(policy.get());
            current = baseOf(current, policy.get(), chain);
        }
        SeccompPolicy effective = policies.get(0).mergedWith(policies.subList(1, policies.size()));
        return new ResolvedProfile(key, readable(key, effective, chain), chain);
    }

    /** The policy's set, or INVALID_PROFILE naming {@code key} (e.g. a syscall name the table refuses). */
    private SyscallSet readable(ProfileKey key, SeccompPolicy policy, List<ProfileKey> chain) {
        try {
            return policy.allowedSyscalls(denyListUniverse);
        } catch (IllegalArgumentException e) {
            throw new ProfileResolutionException(
                    ProfileResolutionException.Reason.INVALID_PROFILE,
                    chain,
                    "profile " + key + " is invalid: " + e.getMessage());
        }
    }

    private static ProfileKey baseOf(ProfileKey child, SeccompPolicy policy, List<ProfileKey> chain) {
        String base = policy.baseProfileName();
        if (base == null) {
            return null;
        }
        if (base.startsWith(OCI_PREFIX)) {
            throw new ProfileResolutionException(
                    ProfileResolutionException.Reason.UNSUPPORTED_BASE,
                    chain,
                    "profile " + child + " has base '" + base + "': OCI artifact bases are not supported");
        }
        if (base.length() > MAX_OBJECT_NAME_LENGTH || !OBJECT_NAME.matcher(base).matches()) {
            throw new ProfileResolutionException(
                    ProfileResolutionException.Reason.INVALID_PROFILE,
                    chain,
                    "profile " + child + " has base '" + base + "', which no SeccompProfile can be named"
                            + " (SPO v1 rejects it; v1beta1 never installs the profile)");
        }
        return new ProfileKey(child.namespace(), base);
    }
}
