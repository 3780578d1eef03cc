package io.github.sysched.profile;

import java.util.List;
import java.util.Objects;

/** One syscall entry of a profile: an action for some names (argument filters are not modelled). */
public record SyscallRule(SeccompAction action, List<String> names) {

    public SyscallRule {
        Objects.requireNonNull(action, "action");
        names = List.copyOf(names);
    }
}
