package io.github.sysched.webhook.ipp;

import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.ipp.IppClass;
import io.github.sysched.webhook.admission.AdmissionContext;
import io.github.sysched.webhook.admission.JsonPatchBuilder;
import io.github.sysched.webhook.admission.MutationVerdict;
import io.github.sysched.webhook.admission.Mutator;
import io.github.sysched.webhook.config.WebhookProperties;
import io.github.sysched.webhook.config.WebhookProperties.Ipp.IppMode;
import io.github.sysched.webhook.mutation.NamespacePolicy;
import io.github.sysched.webhook.mutation.OwnedAnnotations;
import java.util.List;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

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
public class IppMutator implements Mutator {

    /** Set by the sandbox policy: the class an unconfined pod is given when it has none. */
    public static final String SANDBOX_CLASS_ATTRIBUTE = IppMutator.class.getName() + ":sandboxClass";
    public static final String RS_UID_LABEL = "ipp-rs-uid";
    static final String HOSTNAME = "kubernetes.io/hostname";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final WebhookProperties.Ipp ipp;
    private final NamespacePolicy namespaces;

    public IppMutator(WebhookProperties properties, NamespacePolicy namespaces) {
        this.ipp = properties.ipp();
        this.namespaces = namespaces;
    }

    @Override
    public boolean supports(AdmissionContext request) {
        return ipp.mode() != IppMode.OFF && request.isPod()
                && request.operation() == AdmissionContext.Operation.CREATE
                && !namespaces.exempt(request.namespace());
    }

    @Override
    public void mutate(AdmissionContext request, MutationVerdict verdict) {
        JsonNode pod = verdict.patch().document();
        String podClass = text(pod.path("metadata").path("labels").path(ipp.classLabel()));
        boolean fromSandbox = false;
        if (podClass == null) {
            podClass = request.attribute(SANDBOX_CLASS_ATTRIBUTE);
            fromSandbox = podClass != null;
        }
        if (podClass == null) {
            return;
        }
        var invalid = IppClass.whyInvalid(podClass);
        if (invalid.isPresent()) {
            verdict.deny("label " + ipp.classLabel() + ": " + invalid.get());
            return;
        }
        JsonNode controller = controllerOf(pod);
        if (controller != null && "DaemonSet".equals(text(controller.path("kind")))) {
            return; // one per node by construction; isolating it would block the node's own agents
        }
        JsonPatchBuilder patch = verdict.patch();
        if (fromSandbox) {
            patch.set(JsonPatchBuilder.path("metadata", "labels", ipp.classLabel()), podClass);
        }
        addToleration(patch);
        addNodeAffinity(patch);
        if (ipp.mode() == IppMode.COMPAT) {
            appendUnique(patch, antiAffinityPath(), otherClassesTerm(podClass));
            if (ipp.onePerNodeForReplicasets() && controller != null
                    && "ReplicaSet".equals(text(controller.path("kind"))) && text(controller.path("uid")) != null) {
                String uid = text(controller.path("uid"));
                patch.set(JsonPatchBuilder.path("metadata", "labels", RS_UID_LABEL), uid);
                appendUnique(patch, antiAffinityPath(), sameReplicaSetTerm(uid));
            }
        } else {
            OwnedAnnotations.put(request, PlacementAnnotations.IPP_CLASS, podClass);
        }
    }

    private void addToleration(JsonPatchBuilder patch) {
        ObjectNode toleration = NODES.objectNode();
        toleration.put("key", ipp.nodeKey());
        toleration.put("operator", "Equal");
        toleration.put("value", ipp.nodeValue());
        toleration.put("effect", "NoSchedule");
        appendUnique(patch, JsonPatchBuilder.path("spec", "tolerations"), toleration);
    }

    /** Node selector terms are ORed: the requirement goes into every existing term, or a new single term. */
    private void addNodeAffinity(JsonPatchBuilder patch) {
        ObjectNode requirement = NODES.objectNode();
        requirement.put("key", ipp.nodeKey());
        requirement.put("operator", "In");
        requirement.putArray("values").add(ipp.nodeValue());
        List<String> termsPath = JsonPatchBuilder.path("spec", "affinity", "nodeAffinity",
                "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms");
        JsonNode terms = patch.at(termsPath);
        if (!terms.isArray() || terms.isEmpty()) {
            ObjectNode term = NODES.objectNode();
            term.putArray("matchExpressions").add(requirement);
            ArrayNode newTerms = NODES.arrayNode().add(term);
            patch.set(termsPath, newTerms);
            return;
        }
        for (int i = 0; i < terms.size(); i++) {
            List<String> expressions = new java.util.ArrayList<>(termsPath);
            expressions.add(Integer.toString(i));
            expressions.add("matchExpressions");
            appendUnique(patch, expressions, requirement);
        }
    }

    private ObjectNode otherClassesTerm(String podClass) {
        ObjectNode term = NODES.objectNode();
        ArrayNode expressions = term.putObject("labelSelector").putArray("matchExpressions");
        // Exists: pods without a class (node agents, ordinary pods) do not repel; NotIn: other classes do.
        ObjectNode exists = expressions.addObject();
        exists.put("key", ipp.classLabel());
        exists.put("operator", "Exists");
        ObjectNode notIn = expressions.addObject();
        notIn.put("key", ipp.classLabel());
        notIn.put("operator", "NotIn");
        notIn.putArray("values").add(podClass);
        term.putObject("namespaceSelector");
        term.put("topologyKey", HOSTNAME);
        return term;
    }

    private static ObjectNode sameReplicaSetTerm(String uid) {
        ObjectNode term = NODES.objectNode();
        ObjectNode in = term.putObject("labelSelector").putArray("matchExpressions").addObject();
        in.put("key", RS_UID_LABEL);
        in.put("operator", "In");
        in.putArray("values").add(uid);
        term.put("topologyKey", HOSTNAME);
        return term;
    }

    private static List<String> antiAffinityPath() {
        return JsonPatchBuilder.path("spec", "affinity", "podAntiAffinity",
                "requiredDuringSchedulingIgnoredDuringExecution");
    }

    /** Appends unless an equal element is there already (reinvocation must not duplicate). */
    private static void appendUnique(JsonPatchBuilder patch, List<String> path, JsonNode value) {
        JsonNode existing = patch.at(path);
        if (existing.isArray()) {
            for (JsonNode element : existing) {
                if (element.equals(value)) {
                    return;
                }
            }
        }
        patch.append(path, value);
    }

    private static JsonNode controllerOf(JsonNode pod) {
        for (JsonNode owner : pod.path("metadata").path("ownerReferences")) {
            if (owner.path("controller").asBoolean(false)) {
                return owner;
            }
        }
        return null;
    }

    private static String text(JsonNode node) {
        return node.isString() ? node.stringValue() : null;
    }
}
