package io.github.sysched.webhook.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.webhook.config.WebhookProperties;
import io.github.sysched.webhook.support.MockKube;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The self-signed Secret holds the CA's private key and is not rendered by the chart, so {@code helm uninstall}
 * would leave it behind: it is owned by our MutatingWebhookConfiguration (which the chart renders), and the
 * garbage collector deletes it with the release. The CRUD mock has no garbage collector; these tests check the
 * owner reference it would act on.
 */
class SecretOwnershipTest {

    private static WebhookProperties properties(Path dir, String namespace) {
        Map<String, String> map = new HashMap<>();
        map.put("sysched.webhook.tls.mode", "self-signed");
        map.put("sysched.webhook.tls.dir", dir.toString());
        map.put("sysched.webhook.tls.namespace", namespace);
        map.put("sysched.webhook.tls.webhook-configurations", namespace);
        return new Binder(new MapConfigurationPropertySource(map))
                .bindOrCreate("sysched.webhook", WebhookProperties.class);
    }

    private static Secret secret(String namespace) {
        return MockKube.client()
                .secrets()
                .inNamespace(namespace)
                .withName("sysched-webhook-tls")
                .get();
    }

    private static void assertOwnedByTheMutatingConfiguration(Secret secret, String name) {
        String uid = MockKube.client()
                .admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .withName(name)
                .get()
                .getMetadata()
                .getUid();
        assertThat(secret.getMetadata().getOwnerReferences()).singleElement().satisfies((OwnerReference owner) -> {
            assertThat(owner.getApiVersion()).isEqualTo("admissionregistration.k8s.io/v1");
            assertThat(owner.getKind()).isEqualTo("MutatingWebhookConfiguration");
            assertThat(owner.getName()).isEqualTo(name);
            assertThat(owner.getUid()).isEqualTo(uid);
            assertThat(owner.getBlockOwnerDeletion()).isNull();
            assertThat(owner.getController()).isNull();
        });
    }

    @Test
    void theSecretIsCreatedOwnedByTheWebhookConfiguration(@TempDir Path dir) {
        String ns = "tls-owned";
        WebhookConfigurations.create(ns);

        new SelfSignedTlsBootstrap(MockKube.client(), properties(dir, ns)).materialize();

        assertOwnedByTheMutatingConfiguration(secret(ns), ns);
    }

    @Test
    void aSecretWithoutOwnerIsAdoptedKeepingItsCertificates(@TempDir Path dir) {
        String ns = "tls-adopt";
        KubernetesClient client = MockKube.client();
        MockKube.namespace(ns, false);
        SelfSignedTlsBootstrap bootstrap = new SelfSignedTlsBootstrap(client, properties(dir, ns));
        bootstrap.materialize(); // no configuration yet (or a Secret left by sysched 0.1.0): nothing to own it
        Secret unowned = secret(ns);
        assertThat(unowned.getMetadata().getOwnerReferences()).isNullOrEmpty();

        WebhookConfigurations.create(ns);
        bootstrap.check();

        Secret adopted = secret(ns);
        assertOwnedByTheMutatingConfiguration(adopted, ns);
        assertThat(adopted.getData()).isEqualTo(unowned.getData());
        bootstrap.check(); // owned now: no further write
        assertThat(secret(ns).getMetadata().getResourceVersion())
                .isEqualTo(adopted.getMetadata().getResourceVersion());
    }
}
