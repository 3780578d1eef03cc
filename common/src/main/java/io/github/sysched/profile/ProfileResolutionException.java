package io.github.sysched.profile;

import java.util.List;
import java.util.stream.Collectors;

/** A profile's syscall set cannot be computed; the message names the whole base-profile chain. */
public class ProfileResolutionException extends RuntimeException {

    public enum Reason {
        /** The profile asked for does not exist. */
        PROFILE_NOT_FOUND,
        /** A {@code baseProfileName} names a profile that does not exist. */
        BASE_NOT_FOUND,
        /** The {@code baseProfileName} chain comes back to a profile already in it. */
        CYCLE,
        /** A {@code baseProfileName} form this project cannot follow (e.g. {@code oci://}). */
        UNSUPPORTED_BASE,
        /** The profile's content is invalid (e.g. an unknown action). */
        INVALID_PROFILE
    }

    private final Reason reason;
    private final List<ProfileKey> chain;

    public ProfileResolutionException(Reason reason, List<ProfileKey> chain, String detail) {
        super(detail + " (chain: " + describe(chain) + ")");
        this.reason = reason;
        this.chain = List.copyOf(chain);
    }

    public Reason reason() {
        return reason;
    }

    /** The profiles followed, the requested one first. */
    public List<ProfileKey> chain() {
        return chain;
    }

    private static String describe(List<ProfileKey> chain) {
        return chain.stream().map(ProfileKey::toString).collect(Collectors.joining(" -> "));
    }
}
