package io.github.sysched.profile;

/** The libseccomp actions a profile may name ({@code SCMP_ACT_*}). */
public enum SeccompAction {
    ALLOW,
    LOG,
    ERRNO,
    KILL,
    KILL_PROCESS,
    KILL_THREAD,
    TRAP,
    TRACE,
    NOTIFY;

    private static final String PREFIX = "SCMP_ACT_";

    /** Reads {@code SCMP_ACT_ALLOW} etc.; an unknown action is an error, not a guess. */
    public static SeccompAction parse(String text) {
        if (text != null && text.startsWith(PREFIX)) {
            String suffix = text.substring(PREFIX.length());
            for (SeccompAction action : values()) {
                if (action.name().equals(suffix)) {
                    return action;
                }
            }
        }
        throw new IllegalArgumentException("unknown seccomp action '" + text + "'");
    }

    /** ALLOW and LOG let the call run (LOG only records it): upstream SySched counts both as used. */
    public boolean letsCallThrough() {
        return this == ALLOW || this == LOG;
    }

    public String text() {
        return PREFIX + name();
    }
}
