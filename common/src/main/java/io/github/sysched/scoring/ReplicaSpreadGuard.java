package io.github.sysched.scoring;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The replica-spread guard: no node holds more than ⌈r/N⌉ + (maxSkew − 1) replicas of one workload (r replicas,
 * N nodes), and, when nodes carry {@value #ZONE_LABEL}, no zone more than ⌈r/Z⌉ + (maxSkew − 1) (Z zones).
 *
 * <p>ExS alone puts the replicas of one application on one node (identical profiles add no exposure), so one node
 * failure takes the application down. The guard keeps ExS's freedom for <em>different</em> applications and takes
 * away only that one.
 *
 * <p>Which pods it applies to ({@link #workloadOf}): pods whose controller (the owner reference with
 * {@code controller: true}) is a ReplicaSet, StatefulSet or ReplicationController, unless
 * <ul>
 *   <li>the pod or its namespace carries the label {@value #OPT_OUT_LABEL}{@code =off} (batch work, singletons
 *       that must share a node on purpose), or</li>
 *   <li>the pod declares its own {@code topologySpreadConstraints} or pod anti-affinity: its author decided how its
 *       replicas spread, and the pod keeps exactly that.</li>
 * </ul>
 * The same bound follows from a {@code topologySpreadConstraint} with {@code maxSkew} over every node of the
 * domain: with counts c₁..c_N summing to r and max − min ≤ maxSkew, min ≤ ⌊r/N⌋, so max ≤ ⌈r/N⌉ + maxSkew − 1
 * (docs/PLACEMENT.md, which also says how the webhook injects it).
 *
 * @param maxSkew how many replicas above an even spread one domain may hold (≥ 1; 1 = as even as possible)
 */
public record ReplicaSpreadGuard(int maxSkew) {

    /** Pod or namespace label; the value {@code off} exempts the pod (every pod of the namespace). */
    public static final String OPT_OUT_LABEL = "exs.sysched.io/replica-spread";

    public static final String OPT_OUT_VALUE = "off";
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    public static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
    /** Controllers whose pods are replicas of one workload (kube-scheduler's system default spreading uses the same). */
    public static final Set<String> REPLICA_CONTROLLERS = Set.of("ReplicaSet", "StatefulSet", "ReplicationController");
    /** Per-pod labels a StatefulSet's pods carry (the second since Kubernetes 1.28). */
    public static final String STATEFULSET_POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";

    public static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
    /** The revision label of a StatefulSet's (and DaemonSet's) pods. */
    public static final String CONTROLLER_REVISION_LABEL = "controller-revision-hash";

    public static final ReplicaSpreadGuard DEFAULT = new ReplicaSpreadGuard(1);

    public ReplicaSpreadGuard {
        if (maxSkew < 1) {
            throw new IllegalArgumentException("maxSkew must be at least 1, got " + maxSkew);
        }
    }

    /** The most replicas of a workload with {@code replicas} replicas one of {@code domains} domains may hold. */
    public int maxPerDomain(int replicas, int domains) {
        if (replicas < 0 || domains < 1) {
            throw new IllegalArgumentException("need replicas >= 0 and domains >= 1, got " + replicas + ", " + domains);
        }
        return ceilDiv(replicas, domains) + maxSkew - 1;
    }

    /** Whether one more replica may go to a domain already holding {@code onDomain} of them. */
    public boolean allows(int onDomain, int replicas, int domains) {
        return onDomain < maxPerDomain(replicas, domains);
    }

    /**
     * The workload the guard keeps {@code pod} apart from, as {@code Kind namespace/name} of its controller, or
     * empty when the guard does not apply (no replica controller, opted out, or the pod's own spreading rules).
     *
     * @param namespaceLabels labels of the pod's namespace (empty map when unknown)
     */
    public static Optional<String> workloadOf(Pod pod, Map<String, String> namespaceLabels) {
        return workloadOf(pod, namespaceLabels, OPT_OUT_LABEL);
    }

    /** {@link #workloadOf(Pod, Map)} with another opt-out label key (the value is still {@value #OPT_OUT_VALUE}). */
    public static Optional<String> workloadOf(Pod pod, Map<String, String> namespaceLabels, String optOutLabel) {
        Objects.requireNonNull(pod, "pod");
        Objects.requireNonNull(optOutLabel, "optOutLabel");
        Optional<String> controller = controllerOf(pod)
                .filter(c -> REPLICA_CONTROLLERS.contains(c.getKind()))
                .map(c -> c.getKind() + " " + namespaceOf(pod) + "/" + c.getName());
        if (controller.isEmpty()
                || optedOut(labels(pod), optOutLabel)
                || optedOut(namespaceLabels, optOutLabel)
                || hasOwnSpreadRules(pod)) {
            return Optional.empty();
        }
        return controller;
    }

    /**
     * The labels every replica of the pod's workload carries, as its controller set them: the pod's labels without
     * the per-pod ones ({@value #STATEFULSET_POD_NAME_LABEL}, {@value #POD_INDEX_LABEL}) and, for a StatefulSet's
     * pod, without {@value #CONTROLLER_REVISION_LABEL} (which changes with each revision; the guard spans them).
     * A ReplicaSet's pods keep {@code pod-template-hash}: that is the ReplicaSet's own selector, and what
     * kube-scheduler's system-default spreading selects by too. Empty when the pod has no other labels.
     */
    public static Map<String, String> replicaLabels(Pod pod) {
        Map<String, String> labels = new java.util.TreeMap<>(labels(pod));
        labels.remove(STATEFULSET_POD_NAME_LABEL);
        labels.remove(POD_INDEX_LABEL);
        if (controllerOf(pod).map(c -> "StatefulSet".equals(c.getKind())).orElse(false)) {
            labels.remove(CONTROLLER_REVISION_LABEL);
        }
        return labels;
    }

    /** The pod's controller owner reference ({@code controller: true}), if any. */
    public static Optional<OwnerReference> controllerOf(Pod pod) {
        List<OwnerReference> owners =
                pod.getMetadata() == null || pod.getMetadata().getOwnerReferences() == null
                        ? List.of()
                        : pod.getMetadata().getOwnerReferences();
        return owners.stream()
                .filter(o -> Boolean.TRUE.equals(o.getController()))
                .findFirst();
    }

    /** True when the pod declares topology spread constraints or (required or preferred) pod anti-affinity. */
    public static boolean hasOwnSpreadRules(Pod pod) {
        if (pod.getSpec() == null) {
            return false;
        }
        if (pod.getSpec().getTopologySpreadConstraints() != null
                && !pod.getSpec().getTopologySpreadConstraints().isEmpty()) {
            return true;
        }
        Affinity affinity = pod.getSpec().getAffinity();
        return affinity != null
                && affinity.getPodAntiAffinity() != null
                && (notEmpty(affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
                        || notEmpty(
                                affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()));
    }

    private static boolean optedOut(Map<String, String> labels, String optOutLabel) {
        return labels != null && OPT_OUT_VALUE.equalsIgnoreCase(labels.get(optOutLabel));
    }

    private static boolean notEmpty(List<?> list) {
        return list != null && !list.isEmpty();
    }

    private static Map<String, String> labels(Pod pod) {
        return pod.getMetadata() == null || pod.getMetadata().getLabels() == null
                ? Map.of()
                : pod.getMetadata().getLabels();
    }

    private static String namespaceOf(Pod pod) {
        return pod.getMetadata() == null || pod.getMetadata().getNamespace() == null
                ? "default"
                : pod.getMetadata().getNamespace();
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
