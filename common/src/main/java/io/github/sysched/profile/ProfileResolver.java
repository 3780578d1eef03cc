package io.github.sysched.profile;

import io.github.sysched.syscall.SyscallSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Computes a profile's syscall set, following {@code baseProfileName}: the set is the union of the profile's
 * own set and that of its base, chained ({@link SeccompPolicy} says how each one's own set is read).
 *
 * <p>A base name is a profile of the same namespace (or a cluster-scoped one when the child is), as the
 * CRD documents. {@code oci://} bases, names with a {@code /}, missing bases and cycles are errors
 * ({@link ProfileResolutionException}), never an empty set. Nothing is cached: the lookup is the cache.
 */
public final class ProfileResolver {

    /** A longer chain is taken to be a mistake; SPO's own base profiles are one level deep. */
    static final int MAX_CHAIN_LENGTH = 64;

    private static final String OCI_PREFIX = "oci://";

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
        SyscallSet syscalls = SyscallSet.empty();
        ProfileKey current = key;
        while (current != null) {
            if (chain.contains(current)) {
                chain.add(current);
                throw new ProfileResolutionException(ProfileResolutionException.Reason.CYCLE, chain,
                        "cycle in baseProfileName chain of profile " + key);
            }
            chain.add(current);
            if (chain.size() > MAX_CHAIN_LENGTH) {
                throw new ProfileResolutionException(ProfileResolutionException.Reason.INVALID_PROFILE, chain,
                        "baseProfileName chain of profile " + key + " is longer than " + MAX_CHAIN_LENGTH);
            }
            Optional<SeccompPolicy> policy = lookup.find(current);
            if (policy.isEmpty()) {
                boolean isBase = chain.size() > 1;
                throw new ProfileResolutionException(
                        isBase ? ProfileResolutionException.Reason.BASE_NOT_FOUND
                                : ProfileResolutionException.Reason.PROFILE_NOT_FOUND,
                        chain, (isBase ? "base profile " : "profile ") + current + " not found");
            }
            try {
                syscalls = syscalls.union(policy.get().allowedSyscalls(denyListUniverse));
            } catch (IllegalArgumentException e) {
                // e.g. a syscall name the table refuses (too long, or the table of other names is full)
                throw new ProfileResolutionException(ProfileResolutionException.Reason.INVALID_PROFILE, chain,
                        "profile " + current + " is invalid: " + e.getMessage());
            }
            current = baseOf(current, policy.get(), chain);
        }
        return new ResolvedProfile(key, syscalls, chain);
    }

    private static ProfileKey baseOf(ProfileKey child, SeccompPolicy policy, List<ProfileKey> chain) {
        String base = policy.baseProfileName();
        if (base == null) {
            return null;
        }
        if (base.startsWith(OCI_PREFIX)) {
            throw new ProfileResolutionException(ProfileResolutionException.Reason.UNSUPPORTED_BASE, chain,
                    "profile " + child + " has base '" + base + "': OCI artifact bases are not supported");
        }
        try {
            return new ProfileKey(child.namespace(), base);
        } catch (IllegalArgumentException e) {
            throw new ProfileResolutionException(ProfileResolutionException.Reason.UNSUPPORTED_BASE, chain,
                    "profile " + child + " has base '" + base + "', which is not a profile name");
        }
    }
}
