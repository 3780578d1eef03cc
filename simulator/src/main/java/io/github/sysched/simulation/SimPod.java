package io.github.sysched.simulation;

import io.github.sysched.syscall.SyscallSet;
import java.util.Objects;
import java.util.Optional;

/**
 * One pod of a simulated workload.
 *
 * @param name       unique within the workload
 * @param profile    the profile (image) the syscall set came from, for reports
 * @param syscalls   the syscalls the pod may make
 * @param controller the pod's controller as {@code Kind namespace/name} (e.g. {@code ReplicaSet default/nginx}): the
 *                   workload whose replicas the metrics and kube-scheduler's default spreading count together;
 *                   empty for a bare pod
 * @param guarded    whether the replica-spread guard applies ({@code ReplicaSpreadGuard.workloadOf} is present)
 * @param requests   the pod's resource requests as kube-scheduler counts them
 */
public record SimPod(
        String name,
        String profile,
        SyscallSet syscalls,
        Optional<String> controller,
        boolean guarded,
        PodRequests requests) {

    public SimPod {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(syscalls, "syscalls");
        Objects.requireNonNull(controller, "controller");
        Objects.requireNonNull(requests, "requests");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a pod needs a name");
        }
        if (guarded && controller.isEmpty()) {
            throw new IllegalArgumentException(name + ": a guarded pod needs a controller");
        }
    }

    /** A bare pod (no controller, not guarded) with one container and no resource requests. */
    public SimPod(String name, String profile, SyscallSet syscalls) {
        this(name, profile, syscalls, Optional.empty(), false, PodRequests.NONE);
    }

    /** The kind part of a {@code Kind namespace/name} controller key. */
    public static String controllerKind(String controller) {
        int space = controller.indexOf(' ');
        return space < 0 ? controller : controller.substring(0, space);
    }

    /** One replica of {@code workload}'s ReplicaSet (a Deployment's pod), guarded, without resource requests. */
    public static SimPod replica(String name, String workload, String profile, SyscallSet syscalls) {
        return new SimPod(name, profile, syscalls, Optional.of("ReplicaSet " + workload), true, PodRequests.NONE);
    }
}
