package io.github.sysched.profile;

import java.util.Optional;

/** Finds a profile by key, typically in an informer cache (see {@link SpoProfiles#lookup}). */
@FunctionalInterface
public interface ProfileLookup {

    Optional<SeccompPolicy> find(ProfileKey key);
}
