package io.github.sysched.profile;

/** How a profile's syscall list is to be read; see {@link SeccompPolicy#kind()}. */
public enum PolicyKind {
    /** The listed ALLOW/LOG names are what the workload uses. */
    ALLOW_LIST,
    /** Everything in the universe runs except the listed (denied) names. */
    DENY_LIST
}
