package io.github.sysched.pod;

import io.github.sysched.profile.ProfileKey;
import io.github.sysched.syscall.SyscallSet;
import java.util.Objects;
import java.util.Optional;

/**
 * The effective seccomp profile of one container and its syscall set.
 *
 * @param profile the SPO profile used (the default profile for DEFAULT_PROFILE when it exists), else empty
 * @param binding the binding ({@code namespace/name}) for origin BINDING, else empty
 */
public record ContainerSyscalls(
        String containerName,
        boolean initContainer,
        ProfileOrigin origin,
        Optional<ProfileKey> profile,
        Optional<String> binding,
        SyscallSet syscalls) {

    public ContainerSyscalls {
        Objects.requireNonNull(containerName, "containerName");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(syscalls, "syscalls");
    }
}
