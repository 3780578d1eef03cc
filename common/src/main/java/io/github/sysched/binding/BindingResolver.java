package io.github.sysched.binding;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.spo.SpoScope;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Decides which seccomp profiles ProfileBindings assign to a pod, as SPO's binding webhook does, and
 * deterministically where SPO is not:
 * <ul>
 *   <li>Only bindings of the pod's namespace count, and only those whose {@code podSelector} (v1) matches the
 *       pod's labels (absent or empty selects every pod). A podSelector Kubernetes would refuse
 *       ({@link LabelSelectors#problem}) skips the binding with a warning, as SPO skips it.</li>
 *   <li>A binding whose {@code image} is a container's or init container's image binds that container; both are
 *       compared in Docker's normalized form ({@link ImageReferences}), as SPO does, so {@code nginx:1.16} binds
 *       {@code docker.io/library/nginx:1.16}. Ephemeral containers are never bound.</li>
 *   <li>Several bindings for one container: the oldest wins, then the lowest name, as in SPO; the others are
 *       warnings unless they bind the same profile.</li>
 *   <li>A container that sets its own seccompProfile keeps it unless {@link BindingPolicy#overrideExisting()}.</li>
 *   <li>{@code image: "*"} binds at pod level only when no container-level binding was applied and the pod
 *       has no pod-level seccompProfile (the oldest, then the lowest name wins among several).</li>
 *   <li>SelinuxProfile and AppArmorProfile bindings are none of our business (SPO applies them beside the
 *       seccomp one). A binding of a kind SPO does not bind, or whose profile does not exist, is skipped, with a
 *       warning when it would otherwise have applied to this pod.</li>
 * </ul>
 * {@code profileRef.name} refers to a profile in the binding's namespace, or to the cluster-scoped profile of
 * that name when SeccompProfile is cluster-scoped ({@link SpoScope}).
 */
public final class BindingResolver {

    /**
     * Which of several bindings for one target wins: the oldest, then the lowest name, as SPO decides
     * ({@code TestUpdatePodConflictingBindings}); a binding without a creation time (a manifest) comes last.
     */
    private static final Comparator<Binding> PRECEDENCE = Comparator.comparing(
                    Binding::created, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(Binding::name);

    private final SpoScope scope;
    private final Predicate<ProfileKey> profileExists;
    private final BindingPolicy policy;

    public BindingResolver(SpoScope scope, Predicate<ProfileKey> profileExists, BindingPolicy policy) {
        this.scope = Objects.requireNonNull(scope, "scope");
        this.profileExists = Objects.requireNonNull(profileExists, "profileExists");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * @param namespace the pod's namespace (from the admission request: a new pod's metadata may lack it)
     * @param bindings  candidate bindings; those of other namespaces are ignored
     */
    public BindingPlan plan(Pod pod, String namespace, Collection<Binding> bindings) {
        Objects.requireNonNull(namespace, "namespace of the pod");
        Map<String, String> labels =
                pod.getMetadata() == null ? null : pod.getMetadata().getLabels();
        List<String> warnings = new ArrayList<>();
        List<Binding> selecting = bindings.stream()
                .filter(b -> namespace.equals(b.namespace()))
                .filter(b -> validSelector(b, warnings))
                .filter(b -> LabelSelectors.matches(b.podSelector(), labels))
                .sorted(PRECEDENCE)
                .toList();
        PodSpec spec = pod.getSpec();
        List<Container> containers = BindingPlan.allContainers(spec);

        TreeMap<String, BoundProfile> bound = new TreeMap<>();
        for (Container container : containers) {
            String image = ImageReferences.normalize(container.getImage());
            List<Binding> matching = usable(
                    selecting.stream()
                            .filter(b -> !b.isWildcard()
                                    && b.image() != null
                                    && ImageReferences.normalize(b.image()).equals(image))
                            .toList(),
                    "container " + container.getName(),
                    warnings);
            if (matching.isEmpty()) {
                continue;
            }
            Binding winner = matching.get(0);
            reportLosers(matching, "container " + container.getName(), warnings);
            if (hasOwnProfile(container) && !policy.overrideExisting()) {
                warnings.add("container " + container.getName() + " keeps its own seccompProfile; binding "
                        + winner.reference() + " not applied");
                continue;
            }
            bound.put(container.getName(), new BoundProfile(keyOf(winner), winner.reference()));
        }

        Optional<BoundProfile> podLevel = Optional.empty();
        List<Binding> wildcards = selecting.stream().filter(Binding::isWildcard).toList();
        if (!wildcards.isEmpty()) {
            if (!bound.isEmpty()) {
                wildcards.forEach(b -> warnings.add(
                        "wildcard binding " + b.reference() + " not applied: a container-level binding applied"));
            } else if (spec != null
                    && spec.getSecurityContext() != null
                    && spec.getSecurityContext().getSeccompProfile() != null) {
                wildcards.forEach(b -> warnings.add("wildcard binding " + b.reference()
                        + " not applied: the pod sets its own pod-level seccompProfile"));
            } else {
                List<Binding> usable = usable(wildcards, "the pod", warnings);
                if (!usable.isEmpty()) {
                    reportLosers(usable, "the pod", warnings);
                    podLevel = Optional.of(
                            new BoundProfile(keyOf(usable.get(0)), usable.get(0).reference()));
                }
            }
        }
        return new BindingPlan(bound, podLevel, warnings);
    }

    /** SPO skips a binding whose podSelector Kubernetes cannot convert ({@code podMatchesSelector}); so do we. */
    private static boolean validSelector(Binding binding, List<String> warnings) {
        Optional<String> problem = LabelSelectors.problem(binding.podSelector());
        problem.ifPresent(p -> warnings.add("binding " + binding.reference() + " skipped: invalid podSelector: " + p));
        return problem.isEmpty();
    }

    /**
     * The bindings whose profile can be bound, reporting the others once per target. SelinuxProfile and
     * AppArmorProfile bindings apply beside the seccomp one in SPO and are left out silently.
     */
    private List<Binding> usable(List<Binding> candidates, String target, List<String> warnings) {
        List<Binding> usable = new ArrayList<>();
        for (Binding binding : candidates) {
            if (!Binding.SECCOMP_PROFILE_KIND.equals(binding.profileKind())) {
                if (!Binding.SPO_KINDS.contains(binding.profileKind())) {
                    warnings.add("binding " + binding.reference() + " skipped for " + target + ": profileRef kind "
                            + binding.profileKind() + " is not one SPO binds");
                }
                continue;
            }
            Optional<ProfileKey> key = tryKeyOf(binding);
            if (key.isEmpty()) {
                warnings.add("binding " + binding.reference() + " skipped for " + target + ": invalid profileRef name '"
                        + binding.profileName() + "'");
            } else if (!profileExists.test(key.get())) {
                warnings.add("binding " + binding.reference() + " skipped for " + target + ": SeccompProfile "
                        + key.get() + " does not exist");
            } else {
                usable.add(binding);
            }
        }
        return usable;
    }

    /** Bindings of the winner's profile do not conflict with it (SPO reports them neither). */
    private static void reportLosers(List<Binding> matching, String target, List<String> warnings) {
        Binding winner = matching.get(0);
        for (Binding loser : matching.subList(1, matching.size())) {
            if (!Objects.equals(loser.profileName(), winner.profileName())) {
                warnings.add("binding " + loser.reference() + " also matches " + target + "; " + winner.reference()
                        + " wins (the oldest, then the lowest name)");
            }
        }
    }

    private static boolean hasOwnProfile(Container container) {
        return container.getSecurityContext() != null
                && container.getSecurityContext().getSeccompProfile() != null;
    }

    private ProfileKey keyOf(Binding binding) {
        return ProfileKey.inScope(scope, binding.namespace(), binding.profileName());
    }

    private Optional<ProfileKey> tryKeyOf(Binding binding) {
        try {
            return Optional.of(keyOf(binding));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
