package io.github.sysched.binding;

import io.github.sysched.profile.ProfileKey;
import java.util.Objects;

/** A profile a binding assigns, and which binding ({@code namespace/name}) did it. */
public record BoundProfile(ProfileKey profile, String binding) {

    public BoundProfile {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(binding, "binding");
    }
}
