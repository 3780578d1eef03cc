package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.api.model.Pod;
import io.github.sysched.syscall.SyscallSet;

/**
 * The syscall set of a pod that carries no (valid) {@code exs.sysched.io/syscalls} annotation, e.g. a pod
 * created before the webhook was installed or in a namespace it does not handle.
 *
 * <p>Implementations answer from caches only: this is called on the extender's request path.
 */
public interface UnannotatedPodResolver {

    SyscallSet resolve(Pod pod);

    /** Called whenever answers may have changed (e.g. a SeccompProfile appeared, was edited or deleted). */
    default void onChange(Runnable listener) {}
}
