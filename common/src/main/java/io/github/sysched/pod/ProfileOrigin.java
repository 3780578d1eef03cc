package io.github.sysched.pod;

/** Where a container's syscall set came from, most specific first. */
public enum ProfileOrigin {
    /** A ProfileBinding assigned the SPO profile (per the binding plan). */
    BINDING,
    /** The pod spec (field or legacy annotation) names an SPO profile itself. */
    EXPLICIT_PROFILE,
    /**
     * {@code RuntimeDefault}, {@code runtime/default} or {@code docker/default}; or no setting at all under
     * {@link ContainerPolicy.Unprofiled#RUNTIME_DEFAULT}.
     */
    RUNTIME_DEFAULT,
    /** Unconfined, no profile at all, or a Localhost profile that is not an SPO one: the configured default. */
    DEFAULT_PROFILE,
    /**
     * Would have had the default profile, left out of the pod's set under {@link ContainerPolicy.Unprofiled#IGNORE}
     * (its set is empty); it runs unconfined.
     */
    UNPROFILED_IGNORED,
    /** An init container that runs to completion, left out under {@link ContainerPolicy.InitContainers#IGNORE}. */
    INIT_IGNORED
}
