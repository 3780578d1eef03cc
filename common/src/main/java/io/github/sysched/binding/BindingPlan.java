package io.github.sysched.binding;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The profiles bindings assign to one pod: per container name (containers and init containers), at pod level,
 * and the warnings found on the way.
 */
public record BindingPlan(
        SortedMap<String, BoundProfile> containers, Optional<BoundProfile> podLevel, List<String> warnings) {

    static final String LOCALHOST = "Localhost";

    public BindingPlan {
        containers = Collections.unmodifiableSortedMap(new TreeMap<>(containers));
        warnings = List.copyOf(warnings);
    }

    public static BindingPlan empty() {
        return new BindingPlan(new TreeMap<>(), Optional.empty(), List.of());
    }

    /** True when no binding applies (there may still be warnings). */
    public boolean isEmpty() {
        return containers.isEmpty() && podLevel.isEmpty();
    }

    /**
     * A copy of {@code pod} with the planned {@code seccompProfile: {type: Localhost, localhostProfile: ...}}
     * set on the bound containers and, for a wildcard binding, on the pod's security context. The path is
     * {@code operator/<ns>/<name>.json} or {@code operator/<name>.json}, following the profile key's scope.
     * When no binding applies, {@code pod} itself: copying a pod was 40 % of an admission's CPU (B3 profile),
     * and neither caller changes the result.
     */
    public Pod applyTo(Pod pod) {
        if (isEmpty()) {
            return pod;
        }
        Pod copy = new PodBuilder(pod).build();
        PodSpec spec = copy.getSpec();
        for (Container container : allContainers(spec)) {
            BoundProfile bound = containers.get(container.getName());
            if (bound != null) {
                if (container.getSecurityContext() == null) {
                    container.setSecurityContext(new SecurityContext());
                }
                container.getSecurityContext().setSeccompProfile(localhost(bound));
            }
        }
        podLevel.ifPresent(bound -> {
            if (spec.getSecurityContext() == null) {
                spec.setSecurityContext(new PodSecurityContext());
            }
            spec.getSecurityContext().setSeccompProfile(localhost(bound));
        });
        return copy;
    }

    private static io.fabric8.kubernetes.api.model.SeccompProfile localhost(BoundProfile bound) {
        return new SeccompProfileBuilder()
                .withType(LOCALHOST)
                .withLocalhostProfile(bound.profile().localhostProfile())
                .build();
    }

    static List<Container> allContainers(PodSpec spec) {
        List<Container> all = new ArrayList<>();
        if (spec != null) {
            if (spec.getInitContainers() != null) {
                all.addAll(spec.getInitContainers());
            }
            if (spec.getContainers() != null) {
                all.addAll(spec.getContainers());
            }
        }
        return all;
    }
}
