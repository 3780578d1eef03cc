package io.github.sysched.pod;

import io.github.sysched.profile.ProfileKey;
import io.github.sysched.syscall.SyscallSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A pod's syscall set: the union of its containers' and init containers' effective profile sets.
 *
 * @param containers init containers first, then containers, in pod spec order
 */
public record PodSyscalls(SyscallSet syscalls, List<ContainerSyscalls> containers, List<String> warnings) {

    public PodSyscalls {
        containers = List.copyOf(containers);
        warnings = List.copyOf(warnings);
    }

    /** The SPO profiles that produced the set, sorted. */
    public SortedSet<ProfileKey> profiles() {
        SortedSet<ProfileKey> keys = new TreeSet<>();
        containers.forEach(c -> c.profile().ifPresent(keys::add));
        return keys;
    }

    public Set<ProfileOrigin> origins() {
        EnumSet<ProfileOrigin> origins = EnumSet.noneOf(ProfileOrigin.class);
        containers.forEach(c -> origins.add(c.origin()));
        return origins;
    }

    /**
     * One origin for the whole pod: the most specific of its containers' ({@link ProfileOrigin} order), so a
     * pod with one bound container and one unconfined sidecar reports BINDING; see {@link #origins()} for all.
     */
    public ProfileOrigin origin() {
        Optional<ProfileOrigin> first = origins().stream().findFirst();
        return first.orElse(ProfileOrigin.DEFAULT_PROFILE);
    }
}
