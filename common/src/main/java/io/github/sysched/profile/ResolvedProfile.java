package io.github.sysched.profile;

import io.github.sysched.syscall.SyscallSet;
import java.util.List;

/**
 * A profile's syscall set with its base profiles merged in (see {@link ProfileResolver}).
 *
 * @param chain the profile itself first, then each base in turn
 */
public record ResolvedProfile(ProfileKey key, SyscallSet syscalls, List<ProfileKey> chain) {

    public ResolvedProfile {
        chain = List.copyOf(chain);
    }
}
