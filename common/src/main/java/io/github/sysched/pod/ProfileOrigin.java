package io.github.sysched.pod;

/** Where a container's syscall set came from, most specific first. */
public enum ProfileOrigin {
    /** A ProfileBinding assigned the SPO profile (per the binding plan). */
    BINDING,
    /** The pod spec (field or legacy annotation) names an SPO profile itself. */
    EXPLICIT_PROFILE,
    /** {@code RuntimeDefault}, {@code runtime/default} or {@code docker/default}. */
    RUNTIME_DEFAULT,
    /** Unconfined, no profile at all, or a Localhost profile that is not an SPO one: the configured default. */
    DEFAULT_PROFILE
}
