package io.github.sysched.webhook.ipp;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.ipp.IppClass;
import io.github.sysched.webhook.admission.AdmissionContext;
import io.github.sysched.webhook.config.WebhookProperties;
import io.github.sysched.webhook.config.WebhookProperties.Ipp.IppMode;
import io.github.sysched.webhook.mutation.NamespacePolicy;
import io.github.sysched.webhook.mutation.PodAdmission;
import io.github.sysched.webhook.mutation.PodMutator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Instance-per-pod classes: pods labelled {@code <class-label>=<class>} go to the tainted IPP node pool and never
 * share a node with a pod of another class.
 * <ul>
 *   <li>{@code compat}: toleration, required node affinity {@code <node-key> In [<node-value>]} (added to every
 *       existing node selector term, since terms are ORed), and a required pod anti-affinity term against pods of
 *       other classes on the same hostname in every namespace; existing tolerations and affinity are kept.</li>
 *   <li>{@code fast}: toleration, node affinity and the {@code exs.sysched.io/ipp-class} annotation only; the
 *       scheduler extender's filter enforces the isolation (required anti-affinity is slow to schedule).</li>
 * </ul>
 * DaemonSet pods and exempt namespaces are left alone; an invalid class is denied.
 */
@Component
@Order(200)
public class IppMutator implements PodMutator {

    public static final String RS_UID_LABEL = "ipp-rs-uid";
    static final String HOSTNAME = "kubernetes.io/hostname";

    private final WebhookProperties.Ipp ipp;
    private final NamespacePolicy namespaces;

    public IppMutator(WebhookProperties properties, NamespacePolicy namespaces) {
        this.ipp = properties.ipp();
        this.namespaces = namespaces;
    }

    @Override
    public boolean supports(AdmissionContext request) {
        return ipp.mode() != IppMode.OFF && !namespaces.exempt(request.namespace());
    }

    @Override
    public void mutate(PodAdmission admission) {
        String podClass = admission.labelValue(ipp.classLabel());
        boolean fromSandbox = false;
        if (podClass == null) {
            podClass = admission.sandboxIppClass().orElse(null);
            fromSandbox = podClass != null;
        }
        if (podClass == null) {
            return;
        }
        var invalid = IppClass.whyInvalid(podClass);
        if (invalid.isPresent()) {
            admission.deny("label " + ipp.classLabel() + ": " + invalid.get());
            return;
        }
        OwnerReference controller = controllerOf(admission.pod());
        if (controller != null && "DaemonSet".equals(controller.getKind())) {
            return; // one per node by construction; isolating it would block the node's own agents
        }
        if (fromSandbox) {
            admission.label(ipp.classLabel(), podClass);
        }
        PodSpec spec = admission.pod().getSpec();
        addToleration(spec);
        addNodeAffinity(spec);
        if (ipp.mode() == IppMode.COMPAT) {
            appendUnique(antiAffinityTerms(spec), otherClassesTerm(podClass));
            if (ipp.onePerNodeForReplicasets()
                    && controller != null
                    && "ReplicaSet".equals(controller.getKind())
                    && controller.getUid() != null) {
                admission.label(RS_UID_LABEL, controller.getUid());
                appendUnique(antiAffinityTerms(spec), sameReplicaSetTerm(controller.getUid()));
            }
        } else {
            admission.annotate(PlacementAnnotations.IPP_CLASS, podClass);
        }
    }

    private void addToleration(PodSpec spec) {
        Toleration toleration = new TolerationBuilder()
                .withKey(ipp.nodeKey())
                .withOperator("Equal")
                .withValue(ipp.nodeValue())
                .withEffect("NoSchedule")
                .build();
        appendUnique(list(spec::getTolerations, spec::setTolerations), toleration);
    }

    /** Node selector terms are ORed: the requirement goes into every existing term, or a new single term. */
    private void addNodeAffinity(PodSpec spec) {
        NodeSelectorRequirement requirement = new NodeSelectorRequirementBuilder()
                .withKey(ipp.nodeKey())
                .withOperator("In")
                .withValues(ipp.nodeValue())
                .build();
        Affinity affinity = orNew(spec::getAffinity, spec::setAffinity, Affinity::new);
        NodeAffinity nodeAffinity = orNew(affinity::getNodeAffinity, affinity::setNodeAffinity, NodeAffinity::new);
        NodeSelector required = orNew(
                nodeAffinity::getRequiredDuringSchedulingIgnoredDuringExecution,
                nodeAffinity::setRequiredDuringSchedulingIgnoredDuringExecution,
                NodeSelector::new);
        List<NodeSelectorTerm> terms = list(required::getNodeSelectorTerms, required::setNodeSelectorTerms);
        if (terms.isEmpty()) {
            terms.add(new NodeSelectorTermBuilder()
                    .withMatchExpressions(requirement)
                    .build());
            return;
        }
        for (NodeSelectorTerm term : terms) {
            if (term != null) {
                appendUnique(list(term::getMatchExpressions, term::setMatchExpressions), requirement);
            }
        }
    }

    private List<PodAffinityTerm> antiAffinityTerms(PodSpec spec) {
        Affinity affinity = orNew(spec::getAffinity, spec::setAffinity, Affinity::new);
        PodAntiAffinity anti = orNew(affinity::getPodAntiAffinity, affinity::setPodAntiAffinity, PodAntiAffinity::new);
        return list(
                anti::getRequiredDuringSchedulingIgnoredDuringExecution,
                anti::setRequiredDuringSchedulingIgnoredDuringExecution);
    }

    private PodAffinityTerm otherClassesTerm(String podClass) {
        // Exists: pods without a class (node agents, ordinary pods) do not repel; NotIn: other classes do.
        return new PodAffinityTermBuilder()
                .withNewLabelSelector()
                .addNewMatchExpression()
                .withKey(ipp.classLabel())
                .withOperator("Exists")
                .endMatchExpression()
                .addNewMatchExpression()
                .withKey(ipp.classLabel())
                .withOperator("NotIn")
                .withValues(podClass)
                .endMatchExpression()
                .endLabelSelector()
                .withNewNamespaceSelector()
                .endNamespaceSelector() // empty: every namespace
                .withTopologyKey(HOSTNAME)
                .build();
    }

    private static PodAffinityTerm sameReplicaSetTerm(String uid) {
        return new PodAffinityTermBuilder()
                .withNewLabelSelector()
                .addNewMatchExpression()
                .withKey(RS_UID_LABEL)
                .withOperator("In")
                .withValues(uid)
                .endMatchExpression()
                .endLabelSelector()
                .withTopologyKey(HOSTNAME)
                .build();
    }

    /** Appends unless an equal element is there already (reinvocation must not duplicate). */
    private static <T> void appendUnique(List<T> list, T value) {
        if (!list.contains(value)) {
            list.add(value);
        }
    }

    /** The list behind a getter, set to a new one when the object has none. */
    private static <T> List<T> list(Supplier<List<T>> getter, Consumer<List<T>> setter) {
        return orNew(getter, setter, ArrayList::new);
    }

    private static <T> T orNew(Supplier<T> getter, Consumer<T> setter, Supplier<T> create) {
        T value = getter.get();
        if (value == null) {
            value = create.get();
            setter.accept(value);
        }
        return value;
    }

    private static OwnerReference controllerOf(Pod pod) {
        if (pod.getMetadata() == null || pod.getMetadata().getOwnerReferences() == null) {
            return null;
        }
        for (OwnerReference owner : pod.getMetadata().getOwnerReferences()) {
            if (owner != null && Boolean.TRUE.equals(owner.getController())) {
                return owner;
            }
        }
        return null;
    }
}
