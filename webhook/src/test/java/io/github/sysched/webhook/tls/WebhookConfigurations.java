package io.github.sysched.webhook.tls;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.webhook.support.MockKube;
import java.util.ArrayList;
import java.util.List;

/** A Mutating and a ValidatingWebhookConfiguration in the mock, as the chart renders them for self-signed mode. */
final class WebhookConfigurations {

    private WebhookConfigurations() {}

    /** Both kinds of webhook configuration named after the namespace, caBundle empty. */
    static void create(String namespace) {
        KubernetesClient client = MockKube.client();
        MockKube.namespace(namespace, false);
        client.admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .resource(new MutatingWebhookConfigurationBuilder()
                        .withNewMetadata()
                        .withName(namespace)
                        .endMetadata()
                        .addNewWebhook()
                        .withName("mutate.sysched.io")
                        .withNewClientConfig()
                        .withNewService()
                        .withName("localhost")
                        .withNamespace(namespace)
                        .endService()
                        .endClientConfig()
                        .withAdmissionReviewVersions("v1")
                        .withSideEffects("None")
                        .endWebhook()
                        .build())
                .create();
        client.admissionRegistration()
                .v1()
                .validatingWebhookConfigurations()
                .resource(new ValidatingWebhookConfigurationBuilder()
                        .withNewMetadata()
                        .withName(namespace)
                        .endMetadata()
                        .addNewWebhook()
                        .withName("validate.sysched.io")
                        .withNewClientConfig()
                        .withNewService()
                        .withName("localhost")
                        .withNamespace(namespace)
                        .endService()
                        .endClientConfig()
                        .withAdmissionReviewVersions("v1")
                        .withSideEffects("None")
                        .endWebhook()
                        .build())
                .create();
    }

    /** caBundle of every webhook of both configurations named {@code name}. */
    static List<String> caBundles(String name) {
        KubernetesClient client = MockKube.client();
        List<String> bundles = new ArrayList<>();
        client.admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .withName(name)
                .get()
                .getWebhooks()
                .forEach(w -> bundles.add(w.getClientConfig().getCaBundle()));
        client.admissionRegistration()
                .v1()
                .validatingWebhookConfigurations()
                .withName(name)
                .get()
                .getWebhooks()
                .forEach(w -> bundles.add(w.getClientConfig().getCaBundle()));
        return bundles;
    }
}
