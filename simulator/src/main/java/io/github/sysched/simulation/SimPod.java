package io.github.sysched.simulation;

import io.github.sysched.syscall.SyscallSet;
import java.util.Objects;

/**
 * One pod of a simulated workload.
 *
 * @param name     unique within the workload
 * @param profile  the profile (image) the syscall set came from, for reports
 * @param syscalls the syscalls the pod may make
 */
public record SimPod(String name, String profile, SyscallSet syscalls) {

    public SimPod {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(syscalls, "syscalls");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a pod needs a name");
        }
    }
}
