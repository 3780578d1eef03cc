package io.github.sysched.scoring;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * May a new pod land on a node: the one rule the simulator, {@code explain} and the rebalancer apply, as
 * kube-scheduler's filters NodeUnschedulable and TaintToleration decide it.
 *
 * <ul>
 *   <li>A cordoned node ({@code spec.unschedulable}) takes a pod only if the pod tolerates
 *       {@value #UNSCHEDULABLE_TAINT_KEY}{@code :NoSchedule} (the taint the node lifecycle controller puts on it).</li>
 *   <li>Every {@code NoSchedule} and {@code NoExecute} taint must be tolerated by one of the pod's tolerations;
 *       {@code PreferNoSchedule} never keeps a pod away (it only lowers the node's score).</li>
 *   <li>A toleration tolerates a taint ({@link #tolerates}) when its effect is empty or the taint's, its key is
 *       empty or the taint's, and its operator is {@code Exists} or ({@code Equal}, or empty) with the taint's value.
 *       A {@code NoExecute} toleration's {@code tolerationSeconds} bounds how long a running pod stays, not whether
 *       a new one is admitted, so it is not read.</li>
 * </ul>
 * A caller that does not know the pod's tolerations (the simulator's pods) passes none.
 */
public final class TaintToleration {

    /** The taint a cordoned node carries; tolerating it lets a pod onto a cordoned node. */
    public static final String UNSCHEDULABLE_TAINT_KEY = "node.kubernetes.io/unschedulable";

    public static final String NO_SCHEDULE = "NoSchedule";
    public static final String NO_EXECUTE = "NoExecute";

    private static final Taint UNSCHEDULABLE = new TaintBuilder()
            .withKey(UNSCHEDULABLE_TAINT_KEY)
            .withEffect(NO_SCHEDULE)
            .build();

    private TaintToleration() {}

    /**
     * Why {@code node} takes no new pod with {@code tolerations}.
     *
     * @param cordoned true: the node is cordoned and the pod does not tolerate that; {@code taint} is then
     *                 {@value #UNSCHEDULABLE_TAINT_KEY}{@code :NoSchedule}
     * @param taint    the (first) taint that keeps the pod away
     */
    public record Refusal(boolean cordoned, Taint taint) {
        public Refusal {
            Objects.requireNonNull(taint, "taint");
        }
    }

    /** Whether a new pod with {@code tolerations} may land on {@code node}. */
    public static boolean admits(Node node, List<Toleration> tolerations) {
        return refusal(node, tolerations).isEmpty();
    }

    /** Why a new pod with {@code tolerations} may not land on {@code node}; empty when it may. */
    public static Optional<Refusal> refusal(Node node, List<Toleration> tolerations) {
        if (node.getSpec() == null) {
            return Optional.empty();
        }
        List<Toleration> tolerated = tolerations == null ? List.of() : tolerations;
        if (Boolean.TRUE.equals(node.getSpec().getUnschedulable()) && !toleratedByAny(tolerated, UNSCHEDULABLE)) {
            return Optional.of(new Refusal(true, UNSCHEDULABLE));
        }
        List<Taint> taints =
                node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints();
        for (Taint taint : taints) {
            if (taint != null && keepsNewPodsAway(taint) && !toleratedByAny(tolerated, taint)) {
                return Optional.of(new Refusal(false, taint));
            }
        }
        return Optional.empty();
    }

    /** Whether {@code toleration} tolerates {@code taint} (kube-scheduler's {@code Toleration.ToleratesTaint}). */
    public static boolean tolerates(Toleration toleration, Taint taint) {
        String effect = emptyIfNull(toleration.getEffect());
        if (!effect.isEmpty() && !effect.equals(emptyIfNull(taint.getEffect()))) {
            return false;
        }
        String key = emptyIfNull(toleration.getKey());
        if (!key.isEmpty() && !key.equals(emptyIfNull(taint.getKey()))) {
            return false;
        }
        return switch (emptyIfNull(toleration.getOperator())) {
            case "Exists" -> true;
            case "", "Equal" -> emptyIfNull(toleration.getValue()).equals(emptyIfNull(taint.getValue()));
            default -> false; // an operator this model does not know tolerates nothing
        };
    }

    /** The pod's tolerations, none when it has no spec. */
    public static List<Toleration> tolerationsOf(Pod pod) {
        return pod == null || pod.getSpec() == null || pod.getSpec().getTolerations() == null
                ? List.of()
                : pod.getSpec().getTolerations();
    }

    /** {@code NoSchedule} or {@code NoExecute}: the effects that keep a new pod off the node. */
    public static boolean keepsNewPodsAway(Taint taint) {
        return NO_SCHEDULE.equals(taint.getEffect()) || NO_EXECUTE.equals(taint.getEffect());
    }

    private static boolean toleratedByAny(List<Toleration> tolerations, Taint taint) {
        for (Toleration toleration : tolerations) {
            if (toleration != null && tolerates(toleration, taint)) {
                return true;
            }
        }
        return false;
    }

    private static String emptyIfNull(String value) {
        return value == null ? "" : value;
    }
}
