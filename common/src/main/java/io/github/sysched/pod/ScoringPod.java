package io.github.sysched.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.github.sysched.annotation.PlacementAnnotations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod reduced to what placement scoring reads, in a few compact objects instead of a full fabric8 {@link Pod}:
 * identity (namespace, name, uid, resourceVersion, owners, deletion timestamp), labels, the annotations sysched
 * reads ({@code exs.sysched.io/syscalls}, {@code ipp-class} and {@code signature}, every legacy seccomp annotation), the node, the
 * scheduler's name (which pods the rebalancer may move and waits for), the tolerations that can let it onto a
 * tainted or cordoned node (key, operator, value, effect of those whose effect is empty, {@code NoSchedule} or
 * {@code NoExecute}: the rebalancer's room for its replacement), the phase, and the seccomp fields of the pod and of
 * its init and app containers (with their names; ephemeral containers by name only). {@link #toPod()} gives it back
 * as a {@link Pod} that every resolver in this module answers for exactly as for the full pod (ScoringPodTest checks
 * it); the scheduler's pod cache holds these.
 *
 * <p>Strings that repeat across pods (namespace, node, phase, label keys and values, annotation keys, container
 * names, seccomp types, tolerations) are interned, so 150,000 pods share one copy of each; the tolerations every pod
 * gets from the DefaultTolerationSeconds admission plugin are one shared list.
 */
public record ScoringPod(
        String namespace,
        String name,
        String uid,
        String resourceVersion,
        String deletionTimestamp,
        List<OwnerReference> owners,
        Map<String, String> labels,
        Map<String, String> annotations,
        String nodeName,
        String schedulerName,
        List<ScoringToleration> tolerations,
        String phase,
        Seccomp podSeccomp,
        List<ScoringContainer> initContainers,
        List<ScoringContainer> containers,
        List<String> ephemeralContainers) {

    /** A {@code seccompProfile} field: type and Localhost path. */
    public record Seccomp(String type, String localhostProfile) {

        static Seccomp of(SeccompProfile field) {
            return field == null ? null : new Seccomp(intern(field.getType()), field.getLocalhostProfile());
        }

        SeccompProfile toField() {
            return new SeccompProfileBuilder()
                    .withType(type)
                    .withLocalhostProfile(localhostProfile)
                    .build();
        }
    }

    /** A container's name, its restart policy (sidecar init containers) and its {@code seccompProfile}. */
    public record ScoringContainer(String name, String restartPolicy, Seccomp seccomp) {

        static ScoringContainer of(Container container) {
            return new ScoringContainer(
                    intern(container.getName()),
                    intern(container.getRestartPolicy()),
                    Seccomp.of(
                            container.getSecurityContext() == null
                                    ? null
                                    : container.getSecurityContext().getSeccompProfile()));
        }

        Container toContainer() {
            Container container = new Container();
            container.setName(name);
            container.setRestartPolicy(restartPolicy);
            if (seccomp != null) {
                container.setSecurityContext(new io.fabric8.kubernetes.api.model.SecurityContextBuilder()
                        .withSeccompProfile(seccomp.toField())
                        .build());
            }
            return container;
        }
    }

    /** A toleration without {@code tolerationSeconds} (which bounds a running pod's stay, not a new pod's room). */
    public record ScoringToleration(String key, String operator, String value, String effect) {

        static ScoringToleration of(Toleration toleration) {
            return new ScoringToleration(
                    intern(toleration.getKey()),
                    intern(toleration.getOperator()),
                    intern(toleration.getValue()),
                    intern(toleration.getEffect()));
        }

        Toleration toToleration() {
            Toleration toleration = new Toleration();
            toleration.setKey(key);
            toleration.setOperator(operator);
            toleration.setValue(value);
            toleration.setEffect(effect);
            return toleration;
        }
    }

    /** What the DefaultTolerationSeconds admission plugin adds to (nearly) every pod, kept once. */
    static final List<ScoringToleration> DEFAULT_TOLERATIONS = List.of(
            new ScoringToleration("node.kubernetes.io/not-ready", "Exists", null, "NoExecute"),
            new ScoringToleration("node.kubernetes.io/unreachable", "Exists", null, "NoExecute"));

    public static ScoringPod of(Pod pod) {
        ObjectMeta meta = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
        PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
        List<OwnerReference> owners =
                meta.getOwnerReferences() == null || meta.getOwnerReferences().isEmpty()
                        ? List.of()
                        : List.copyOf(meta.getOwnerReferences());
        return new ScoringPod(
                intern(meta.getNamespace()),
                meta.getName(),
                meta.getUid(),
                meta.getResourceVersion(),
                meta.getDeletionTimestamp(),
                owners,
                internedCopy(meta.getLabels(), false),
                internedCopy(meta.getAnnotations(), true),
                intern(spec.getNodeName()),
                intern(spec.getSchedulerName()),
                tolerations(spec.getTolerations()),
                intern(pod.getStatus() == null ? null : pod.getStatus().getPhase()),
                Seccomp.of(
                        spec.getSecurityContext() == null
                                ? null
                                : spec.getSecurityContext().getSeccompProfile()),
                containers(spec.getInitContainers()),
                containers(spec.getContainers()),
                ephemeralNames(spec.getEphemeralContainers()));
    }

    /** Whether scoring reads the annotation {@code key}. */
    public static boolean readsAnnotation(String key) {
        // every legacy seccomp key, the applied ones and the lookalikes the resolver reports
        return key.equals(PlacementAnnotations.SYSCALLS)
                || key.equals(PlacementAnnotations.IPP_CLASS)
                || key.equals(PlacementAnnotations.SIGNATURE)
                || key.contains(LegacySeccompAnnotations.MARKER);
    }

    /** A new {@link Pod} with these fields (and nothing else). */
    public Pod toPod() {
        PodSpecBuilder spec = new PodSpecBuilder().withNodeName(nodeName).withSchedulerName(schedulerName);
        if (!tolerations.isEmpty()) {
            spec.withTolerations(
                    tolerations.stream().map(ScoringToleration::toToleration).toList());
        }
        if (podSeccomp != null) {
            spec.withNewSecurityContext()
                    .withSeccompProfile(podSeccomp.toField())
                    .endSecurityContext();
        }
        spec.withInitContainers(
                initContainers.stream().map(ScoringContainer::toContainer).toList());
        spec.withContainers(
                containers.stream().map(ScoringContainer::toContainer).toList());
        List<EphemeralContainer> ephemeral = new ArrayList<>(ephemeralContainers.size());
        for (String container : ephemeralContainers) {
            EphemeralContainer named = new EphemeralContainer();
            named.setName(container);
            ephemeral.add(named);
        }
        spec.withEphemeralContainers(ephemeral);
        PodBuilder pod = new PodBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .withUid(uid)
                .withResourceVersion(resourceVersion)
                .withDeletionTimestamp(deletionTimestamp)
                .withOwnerReferences(owners)
                .withLabels(labels.isEmpty() ? null : new LinkedHashMap<>(labels))
                .withAnnotations(annotations.isEmpty() ? null : new LinkedHashMap<>(annotations))
                .endMetadata()
                .withSpec(spec.build());
        if (phase != null) {
            pod.withNewStatus().withPhase(phase).endStatus();
        }
        return pod.build();
    }

    private static List<ScoringContainer> containers(List<Container> containers) {
        if (containers == null || containers.isEmpty()) {
            return List.of();
        }
        List<ScoringContainer> reduced = new ArrayList<>(containers.size());
        for (Container container : containers) {
            reduced.add(ScoringContainer.of(container));
        }
        return List.copyOf(reduced);
    }

    private static List<ScoringToleration> tolerations(List<Toleration> tolerations) {
        if (tolerations == null || tolerations.isEmpty()) {
            return List.of();
        }
        List<ScoringToleration> kept = new ArrayList<>(tolerations.size());
        for (Toleration toleration : tolerations) {
            if (toleration != null && mayLetOntoANode(toleration.getEffect())) {
                kept.add(ScoringToleration.of(toleration));
            }
        }
        if (kept.isEmpty()) {
            return List.of();
        }
        return kept.equals(DEFAULT_TOLERATIONS) ? DEFAULT_TOLERATIONS : List.copyOf(kept);
    }

    /** Effects a toleration can tolerate a NoSchedule or NoExecute taint with (PreferNoSchedule ones only score). */
    private static boolean mayLetOntoANode(String effect) {
        return effect == null || effect.isEmpty() || effect.equals("NoSchedule") || effect.equals("NoExecute");
    }

    private static List<String> ephemeralNames(List<EphemeralContainer> containers) {
        return containers == null || containers.isEmpty()
                ? List.of()
                : containers.stream().map(c -> intern(c.getName())).toList();
    }

    private static Map<String, String> internedCopy(Map<String, String> map, boolean onlyReadAnnotations) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        Map<String, String> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            if (key != null && value != null && (!onlyReadAnnotations || readsAnnotation(key))) {
                // annotation values (the syscall set, a profile path) are per pod; label values mostly repeat
                copy.put(key.intern(), onlyReadAnnotations ? value : value.intern());
            }
        });
        return Map.copyOf(copy);
    }

    private static String intern(String value) {
        return value == null ? null : value.intern();
    }
}
