package io.github.sysched.profile;

import io.github.sysched.spo.SeccompProfile;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Converts SPO SeccompProfile objects to {@link SeccompPolicy}s once per object version, for lookups over a
 * cache whose objects change (an informer's store, or snapshots of it). The policy keeps the syscall set it
 * computes, so that set too is computed once per version instead of once per resolution.
 *
 * <p>An entry is reused while the object under its key has the same {@code metadata.resourceVersion} (or,
 * without one, is the same instance): an update replaces it on the next lookup, a deleted object is dropped
 * ({@link #forget}, or on the next lookup that finds no object). Base profiles need nothing more:
 * {@link ProfileResolver} looks up every profile of a chain by its own key, so a changed base is re-read
 * whichever profiles name it. Invalid profiles are not memoized: the error is raised on every lookup.
 * Thread-safe.
 */
public final class PolicyMemo {

    private final Map<ProfileKey, Entry> entries = new ConcurrentHashMap<>();

    private record Entry(SeccompProfile object, String resourceVersion, SeccompPolicy policy) {

        boolean isFor(SeccompProfile candidate) {
            return candidate == object || resourceVersion != null && resourceVersion.equals(versionOf(candidate));
        }
    }

    /**
     * A lookup over {@code source} (which answers null for a missing profile), converting through this memo.
     * Conversion errors surface as {@link ProfileResolutionException}, as with {@link SpoProfiles#lookup}.
     */
    public ProfileLookup lookup(Function<ProfileKey, ? extends SeccompProfile> source) {
        Objects.requireNonNull(source, "source");
        return key -> {
            SeccompProfile profile = source.apply(key);
            if (profile == null) {
                entries.remove(key);
                return Optional.empty();
            }
            return Optional.of(policyOf(key, profile));
        };
    }

    /** The policy of {@code profile}, stored under {@code key}: the memoized one while the object is unchanged. */
    public SeccompPolicy policyOf(ProfileKey key, SeccompProfile profile) {
        Entry entry = entries.get(key);
        if (entry != null && entry.isFor(profile)) {
            return entry.policy();
        }
        SeccompPolicy policy = SpoProfiles.policyOrFail(key, profile);
        entries.put(key, new Entry(profile, versionOf(profile), policy));
        return policy;
    }

    /** Drops the entry of a deleted profile. */
    public void forget(ProfileKey key) {
        entries.remove(key);
    }

    /** Number of memoized policies. */
    public int size() {
        return entries.size();
    }

    private static String versionOf(SeccompProfile profile) {
        return profile.getMetadata() == null ? null : profile.getMetadata().getResourceVersion();
    }
}
