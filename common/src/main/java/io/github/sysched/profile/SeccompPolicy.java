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
 * <p>A value: equal when action, rules and base are. It keeps the last set {@link #allowedSyscalls} computed,
 * so a policy held by a cache (see {@link PolicyMemo}) is read into a set once, not once per resolution.
 */
public final class SeccompPolicy {

    private final SeccompAction defaultAction;
    private final List<SyscallRule> rules;
    private final String baseProfileName;
    private volatile Allowed lastAllowed;

    /** The set computed for {@code universe}. */
    private record Allowed(SyscallSet universe, SyscallSet syscalls) {}

    /** @param baseProfileName SPO's {@code spec.baseProfileName}, or null (merged in by {@link ProfileResolver}) */
    public SeccompPolicy(SeccompAction defaultAction, List<SyscallRule> rules, String baseProfileName) {
        this.defaultAction = Objects.requireNonNull(defaultAction, "defaultAction");
        this.rules = List.copyOf(rules);
        this.baseProfileName = baseProfileName != null && baseProfileName.isBlank() ? null : baseProfileName;
    }

    public SeccompPolicy(SeccompAction defaultAction, List<SyscallRule> rules) {
        this(defaultAction, rules, null);
    }

    public SeccompAction defaultAction() {
        return defaultAction;
    }

    public List<SyscallRule> rules() {
        return rules;
    }

    /** SPO's {@code spec.baseProfileName}, or null. */
    public String baseProfileName() {
        return baseProfileName;
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
        Allowed last = lastAllowed;
        if (last != null && last.universe().equals(universe)) {
            return last.syscalls();
        }
        SyscallSet syscalls = kind() == PolicyKind.DENY_LIST
                ? universe.difference(SyscallSet.of(namesWhere(false)))
                : SyscallSet.of(namesWhere(true));
        lastAllowed = new Allowed(universe, syscalls);
        return syscalls;
    }

    /**
     * The profile SPO installs for this one with base profiles: this profile's {@code defaultAction} and the rules of
     * this profile and of every base ({@code security-profiles-operator} daemon, {@code mergeBaseProfile}: the
     * merged profile is a copy of the child with {@code util.UnionSyscalls} of all the chain's syscalls; the bases'
     * default actions are dropped). SPO keeps one entry per name with the less restrictive action of the two;
     * concatenating the rules reads the same here, because ALLOW and LOG, the two actions that let a call through,
     * are the least restrictive ones: a name is allowed when any profile of the chain allows it, and denied when
     * the merged profile is a deny-list and some profile lists it.
     */
    public SeccompPolicy mergedWith(List<SeccompPolicy> bases) {
        if (bases.isEmpty()) {
            return this;
        }
        List<SyscallRule> merged = new ArrayList<>(rules);
        for (SeccompPolicy base : bases) {
            merged.addAll(base.rules);
        }
        return new SeccompPolicy(defaultAction, merged);
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

    @Override
    public boolean equals(Object o) {
        return o instanceof SeccompPolicy other
                && defaultAction == other.defaultAction
                && rules.equals(other.rules)
                && Objects.equals(baseProfileName, other.baseProfileName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(defaultAction, rules, baseProfileName);
    }

    @Override
    public String toString() {
        return "SeccompPolicy[defaultAction=" + defaultAction + ", rules=" + rules + ", baseProfileName="
                + baseProfileName + "]";
    }
}
