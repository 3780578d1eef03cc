package io.github.sysched.simulation;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.github.sysched.annotation.MalformedAnnotationException;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.annotation.SyscallAnnotation;
import io.github.sysched.binding.Binding;
import io.github.sysched.binding.BindingPlan;
import io.github.sysched.binding.BindingPolicy;
import io.github.sysched.binding.BindingResolver;
import io.github.sysched.pod.PodSyscallResolver;
import io.github.sysched.pod.PodSyscalls;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.profile.ProfileLookup;
import io.github.sysched.profile.ProfileResolutionException;
import io.github.sysched.profile.SpoProfiles;
import io.github.sysched.scoring.ReplicaSpreadGuard;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SpoScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A workload built from Kubernetes objects ({@link KubernetesInput}), each pod's syscall set found the way
 * the services find it.
 *
 * <ul>
 *   <li>A pod carrying a valid {@code exs.sysched.io/syscalls} annotation (the webhook stamped it) has that set,
 *       as the scheduler reads it.</li>
 *   <li>Any other pod is resolved as the webhook resolves it at admission: in a namespace carrying the opt-in
 *       label (a Namespace object of the input; SPO's {@code spo.x-k8s.io/enable-binding} by default) the
 *       input's ProfileBindings apply first; then common's {@link PodSyscallResolver} over the input's
 *       SeccompProfiles, with the default profile for pods without one.</li>
 *   <li>Deployments and StatefulSets become {@code spec.replicas} pods ({@code name-1 .. name-n}) from their
 *       template, unless some Pod of the input has an owner: then the input is a snapshot of a running
 *       cluster whose pods already stand for their controllers, and controllers are not expanded.</li>
 *   <li>Left out (and reported): pods that have finished (Succeeded, Failed) or are being deleted, and
 *       DaemonSet pods (they run on every node whatever the strategy).</li>
 * </ul>
 * Pods keep the input order; their names are {@code namespace/name}.
 */
public final class ManifestWorkload {

    /** How to resolve pods without our annotation. */
    public record Options(Optional<SpoScope> scope, ProfileKey defaultProfile, String optInLabel) {

        public static final String SPO_OPT_IN_LABEL = "spo.x-k8s.io/enable-binding";

        public Options {
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(defaultProfile, "defaultProfile");
            Objects.requireNonNull(optInLabel, "optInLabel");
        }

        /** Scope from the profiles, upstream SySched's default profile {@code default/full-seccomp}, SPO's label. */
        public static Options defaults() {
            return new Options(Optional.empty(), ProfileKey.namespaced("default", "full-seccomp"), SPO_OPT_IN_LABEL);
        }
    }

    /** The workload, the scope profiles were keyed in, and what was left out or guessed, one line each. */
    public record Result(Workload workload, SpoScope scope, List<String> notes) {
        public Result {
            notes = List.copyOf(notes);
        }
    }

    private ManifestWorkload() {}

    public static Result build(KubernetesInput input, Options options) {
        List<String> notes = new ArrayList<>();
        SpoScope scope = options.scope().orElseGet(() -> scopeOf(input.profiles()));
        ProfileLookup lookup = SpoProfiles.lookup(input.profiles(), scope);
        ProfileKey defaultProfile = ProfileKey.inScope(
                scope,
                options.defaultProfile().isClusterScoped()
                        ? "default"
                        : options.defaultProfile().namespace(),
                options.defaultProfile().name());
        PodSyscallResolver resolver = PodSyscallResolver.forSpoProfiles(lookup, defaultProfile);
        BindingResolver bindings =
                new BindingResolver(scope, key -> lookup.find(key).isPresent(), BindingPolicy.spoV1());
        List<Binding> allBindings = input.bindings().stream().map(Binding::from).toList();
        Set<String> optedIn = input.namespaces().stream()
                .filter(ns -> labels(ns.getMetadata()).containsKey(options.optInLabel()))
                .map(ns -> ns.getMetadata().getName())
                .collect(Collectors.toSet());
        Map<String, Map<String, String>> namespaceLabels = input.namespaces().stream()
                .collect(Collectors.toMap(
                        ns -> ns.getMetadata().getName(), ns -> labels(ns.getMetadata()), (a, b) -> a));

        boolean snapshot = input.workloads().stream()
                .anyMatch(o -> o instanceof Pod p
                        && p.getMetadata() != null
                        && owners(p.getMetadata()).size() > 0);
        List<Pod> pods = new ArrayList<>();
        int finished = 0;
        int daemonSetPods = 0;
        int controllersNotExpanded = 0;
        for (HasMetadata object : input.workloads()) {
            if (object instanceof Pod pod) {
                String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
                if ("Succeeded".equals(phase)
                        || "Failed".equals(phase)
                        || pod.getMetadata().getDeletionTimestamp() != null) {
                    finished++;
                } else if (owners(pod.getMetadata()).stream().anyMatch(o -> "DaemonSet".equals(o.getKind()))) {
                    daemonSetPods++;
                } else {
                    pods.add(pod);
                }
            } else if (snapshot) {
                controllersNotExpanded++;
            } else if (object instanceof Deployment deployment) {
                pods.addAll(expand(
                        deployment.getMetadata(),
                        "ReplicaSet",
                        deployment.getSpec().getReplicas(),
                        deployment.getSpec().getTemplate()));
            } else if (object instanceof StatefulSet statefulSet) {
                pods.addAll(expand(
                        statefulSet.getMetadata(),
                        "StatefulSet",
                        statefulSet.getSpec().getReplicas(),
                        statefulSet.getSpec().getTemplate()));
            }
        }
        if (finished > 0) {
            notes.add(finished + " finished or terminating pods left out");
        }
        if (daemonSetPods > 0) {
            notes.add(daemonSetPods + " DaemonSet pods left out (they run on every node whatever the strategy)");
        }
        if (controllersNotExpanded > 0) {
            notes.add(controllersNotExpanded + " Deployments/StatefulSets not expanded: the input's pods have owners,"
                    + " so they already stand for their controllers");
        }

        List<SimPod> simPods = new ArrayList<>(pods.size());
        int annotated = 0;
        for (Pod pod : pods) {
            String namespace = Objects.requireNonNullElse(pod.getMetadata().getNamespace(), "default");
            String name = namespace + "/" + pod.getMetadata().getName();
            Optional<SyscallAnnotation> annotation = annotationOf(pod, name, notes);
            if (annotation.isPresent()) {
                annotated++;
                simPods.add(simPod(
                        pod,
                        name,
                        String.join("+", annotation.get().sources()),
                        annotation.get().syscalls(),
                        namespaceLabels.getOrDefault(namespace, Map.of())));
                continue;
            }
            BindingPlan plan =
                    optedIn.contains(namespace) ? bindings.plan(pod, namespace, allBindings) : BindingPlan.empty();
            plan.warnings().forEach(w -> notes.add(name + ": " + w));
            PodSyscalls resolved;
            try {
                resolved = resolver.resolve(plan.applyTo(pod), plan);
            } catch (ProfileResolutionException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
            resolved.warnings().forEach(w -> notes.add(name + ": " + w));
            simPods.add(simPod(
                    pod,
                    name,
                    resolved.profiles().stream().map(ProfileKey::toString).collect(Collectors.joining("+")),
                    resolved.syscalls(),
                    namespaceLabels.getOrDefault(namespace, Map.of())));
        }
        notes.add(simPods.size() + " pods: " + annotated + " with the " + PlacementAnnotations.SYSCALLS
                + " annotation, " + (simPods.size() - annotated) + " resolved from "
                + input.profiles().size()
                + " SeccompProfiles (" + scope.name().toLowerCase(java.util.Locale.ROOT) + " scope) and "
                + input.bindings().size() + " ProfileBindings");
        return new Result(new Workload(simPods), scope, notes);
    }

    /** Namespaced when every profile has a namespace, cluster-scoped when none has; mixed input is an error. */
    static SpoScope scopeOf(List<SeccompProfile> profiles) {
        long namespaced = profiles.stream()
                .filter(p -> p.getMetadata().getNamespace() != null)
                .count();
        if (namespaced == profiles.size()) {
            return SpoScope.NAMESPACED;
        }
        if (namespaced == 0) {
            return SpoScope.CLUSTER;
        }
        throw new IllegalArgumentException("some SeccompProfiles have a namespace and some do not: say which scope"
                + " applies (namespaced or cluster)");
    }

    private static Optional<SyscallAnnotation> annotationOf(Pod pod, String name, List<String> notes) {
        String value = pod.getMetadata().getAnnotations() == null
                ? null
                : pod.getMetadata().getAnnotations().get(PlacementAnnotations.SYSCALLS);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(SyscallAnnotation.decode(value));
        } catch (MalformedAnnotationException e) {
            notes.add(name + ": malformed " + PlacementAnnotations.SYSCALLS + " annotation (" + e.getMessage()
                    + "); resolved from its profiles instead, as the scheduler does");
            return Optional.empty();
        }
    }

    /** A pod's simulated form: its controller, whether the replica-spread guard covers it, its requests. */
    private static SimPod simPod(
            Pod pod,
            String name,
            String profile,
            io.github.sysched.syscall.SyscallSet syscalls,
            Map<String, String> namespaceLabels) {
        String namespace = Objects.requireNonNullElse(pod.getMetadata().getNamespace(), "default");
        Optional<String> controller = ReplicaSpreadGuard.controllerOf(pod)
                .map(owner -> owner.getKind() + " " + namespace + "/" + owner.getName());
        boolean guarded = ReplicaSpreadGuard.workloadOf(pod, namespaceLabels).isPresent();
        return new SimPod(name, profile, syscalls, controller, guarded, PodRequests.of(pod));
    }

    /**
     * {@code replicas} pods ({@code name-1 .. name-n}) from the template, owned by a controller of {@code ownerKind} as
     * the ReplicaSet or StatefulSet controller creates them (a Deployment's pods belong to its ReplicaSet).
     */
    private static List<Pod> expand(
            ObjectMeta controller, String ownerKind, Integer replicas, PodTemplateSpec template) {
        int count = replicas == null ? 1 : replicas;
        String namespace = Objects.requireNonNullElse(controller.getNamespace(), "default");
        OwnerReference owner = new OwnerReferenceBuilder()
                .withApiVersion("apps/v1")
                .withKind(ownerKind)
                .withName(controller.getName())
                .withUid(namespace + "/" + ownerKind + "/" + controller.getName())
                .withController(true)
                .build();
        List<Pod> pods = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            pods.add(new PodBuilder()
                    .withNewMetadataLike(template.getMetadata() == null ? new ObjectMeta() : template.getMetadata())
                    .withName(controller.getName() + "-" + i)
                    .withNamespace(namespace)
                    .withOwnerReferences(owner)
                    .endMetadata()
                    .withSpec(template.getSpec())
                    .build());
        }
        return pods;
    }

    private static Map<String, String> labels(ObjectMeta metadata) {
        return metadata == null || metadata.getLabels() == null ? Map.of() : metadata.getLabels();
    }

    private static List<OwnerReference> owners(ObjectMeta metadata) {
        return metadata.getOwnerReferences() == null ? List.of() : metadata.getOwnerReferences();
    }
}
