package io.github.sysched.profile;

import io.github.sysched.syscall.SyscallSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A seccomp profile's content, whatever it came from (SPO SeccompProfile, Docker/OCI JSON), and the set of
 * syscalls it lets a workload make.
 *
 * <p>The rule, which decides every profile:
 * <ul>
 *   <li><b>Allow-list</b> (the SySched rule): the profile has at least one ALLOW or LOG entry. Its set is
 *       the names of its ALLOW and LOG entries, whatever the default action. So the SPO demo profiles
 *       ({@code defaultAction: SCMP_ACT_LOG} plus an ALLOW list) count their listed names only, as upstream
 *       does, although at run time LOG lets every other call through as well.</li>
 *   <li><b>Deny-list</b>: no ALLOW or LOG entry, and a default action that lets calls through (ALLOW or
 *       LOG). Its set is {@code universe ∖ names of every other entry} (ERRNO, KILL*, TRAP, TRACE, NOTIFY
 *       all count as denied). Upstream SySched ignores such profiles (it would count zero names); we
 *       measure them against a universe the caller chooses on purpose, e.g. x86_64 numbers 0..332 for the
 *       Confine profiles.</li>
 *   <li>Anything else (a denying default action and no ALLOW/LOG entry) allows nothing: the empty set.</li>
 * </ul>
 * Argument filters are ignored: a name under ALLOW with argument conditions counts as allowed.
 *
 * @param baseProfileName SPO's {@code spec.baseProfileName}, or null (unioned in by {@link ProfileResolver})
 */
public record SeccompPolicy(SeccompAction defaultAction, List<SyscallRule> rules, String baseProfileName) {

    public SeccompPolicy {
        Objects.requireNonNull(defaultAction, "defaultAction");
        rules = List.copyOf(rules);
        if (baseProfileName != null && baseProfileName.isBlank()) {
            baseProfileName = null;
        }
    }

    public SeccompPolicy(SeccompAction defaultAction, List<SyscallRule> rules) {
        this(defaultAction, rules, null);
    }

    public Optional<String> baseProfile() {
        return Optional.ofNullable(baseProfileName);
    }

    public PolicyKind kind() {
        boolean listsAllowed = rules.stream().anyMatch(rule -> rule.action().letsCallThrough());
        return !listsAllowed && defaultAction.letsCallThrough() ? PolicyKind.DENY_LIST : PolicyKind.ALLOW_LIST;
    }

    /** The syscalls this profile lets through, without its base profile; {@code universe} matters for deny-lists. */
    public SyscallSet allowedSyscalls(SyscallSet universe) {
        if (kind() == PolicyKind.DENY_LIST) {
            return universe.difference(SyscallSet.of(namesWhere(false)));
        }
        return SyscallSet.of(namesWhere(true));
    }

    private List<String> namesWhere(boolean letsCallThrough) {
        List<String> names = new ArrayList<>();
        for (SyscallRule rule : rules) {
            if (rule.action().letsCallThrough() == letsCallThrough) {
                names.addAll(rule.names());
            }
        }
        return names;
    }
}
