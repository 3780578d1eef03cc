package io.github.sysched.charts;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A uniform view of the webhooks of both configuration kinds. */
record Webhooks(
        String configKind,
        String configName,
        Map<String, String> configAnnotations,
        String name,
        WebhookClientConfig clientConfig,
        List<RuleWithOperations> rules,
        LabelSelector namespaceSelector,
        LabelSelector objectSelector,
        String failurePolicy,
        String sideEffects,
        Integer timeoutSeconds,
        List<String> admissionReviewVersions,
        String matchPolicy,
        String reinvocationPolicy) {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static List<Webhooks> of(Rendered r) {
        List<Webhooks> out = new ArrayList<>();
        for (MutatingWebhookConfiguration c : r.all(MutatingWebhookConfiguration.class)) {
            c.getWebhooks().forEach(w -> out.add(of(c, w)));
        }
        for (ValidatingWebhookConfiguration c : r.all(ValidatingWebhookConfiguration.class)) {
            // a validating webhook has the mutating one's fields but reinvocationPolicy: read it through that model
            c.getWebhooks().forEach(w -> out.add(of(c, SERIALIZATION.convertValue(w, MutatingWebhook.class))));
        }
        return out;
    }

    private static Webhooks of(HasMetadata configuration, MutatingWebhook w) {
        return new Webhooks(
                configuration.getKind(),
                configuration.getMetadata().getName(),
                configuration.getMetadata().getAnnotations(),
                w.getName(),
                w.getClientConfig(),
                w.getRules(),
                w.getNamespaceSelector(),
                w.getObjectSelector(),
                w.getFailurePolicy(),
                w.getSideEffects(),
                w.getTimeoutSeconds(),
                w.getAdmissionReviewVersions(),
                w.getMatchPolicy(),
                w.getReinvocationPolicy());
    }

    static Webhooks named(Rendered r, String name) {
        return of(r).stream()
                .filter(w -> w.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no webhook " + name));
    }

    boolean mutating() {
        return configKind.equals("MutatingWebhookConfiguration");
    }
}
