package io.github.sysched.pod;

import java.util.Objects;

/**
 * How containers without a seccomp profile of their own, and init containers, count in a pod's syscall set. Both
 * services take it from their configuration ({@code sysched.webhook.containers.*},
 * {@code sysched.scheduler.containers.*}) with the same defaults, so a pod means the same set in both.
 *
 * <p>The defaults count everything a pod can run, as it runs: a container without a profile runs unconfined
 * (unless the kubelet's {@code seccompDefault} is on) and can make any syscall, and an init container runs before
 * the others for as long as it likes. Leaving either out lets a pod author claim a smaller set than the kernel
 * actually exposes to it (SECURITY.md, "Containers without a profile and init containers").
 *
 * @param unprofiled     containers whose setting (own or pod-level) is absent, {@code Unconfined}, or a Localhost
 *                       file that is not an SPO profile
 * @param initContainers init containers that run to completion ({@code restartPolicy: Always} sidecars always
 *                       count: they run as long as the pod)
 */
public record ContainerPolicy(Unprofiled unprofiled, InitContainers initContainers) {

    public enum Unprofiled {
        /** The configured default profile (default; SySched's fallback for a pod without any profile). */
        DEFAULT_PROFILE,
        /**
         * RuntimeDefault for a container with no setting at all, as a kubelet with {@code seccompDefault: true}
         * runs it; {@code Unconfined} and non-SPO Localhost files still get the default profile.
         */
        RUNTIME_DEFAULT,
        /**
         * Left out, as upstream SySched reads only the Localhost profiles a pod names; a pod none of whose
         * containers counts gets the default profile.
         */
        IGNORE
    }

    public enum InitContainers {
        /** Every init container counts (default). */
        COUNT,
        /** Init containers that run to completion are left out; restartable (sidecar) ones count. */
        IGNORE
    }

    public ContainerPolicy {
        Objects.requireNonNull(unprofiled, "unprofiled");
        Objects.requireNonNull(initContainers, "initContainers");
    }

    public static ContainerPolicy defaults() {
        return new ContainerPolicy(Unprofiled.DEFAULT_PROFILE, InitContainers.COUNT);
    }
}
