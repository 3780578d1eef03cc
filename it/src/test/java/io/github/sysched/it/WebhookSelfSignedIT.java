package io.github.sysched.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook's exec jar in {@code tls.mode=self-signed}, the documented install without cert-manager: it must
 * create its Secret, own it through a chart object (so {@code helm uninstall} garbage-collects the CA key),
 * publish the CA in {@code caBundle} of both webhook configurations, serve an AdmissionReview over TLS that a
 * client trusting only that published CA accepts for the Service's name, and turn ready.
 */
class WebhookSelfSignedIT {

    private static final String SECRET = "sysched-webhook-tls";

    @Test
    void createsItsSecretPublishesTheCaAndAnswersOverTls(@TempDir Path work) throws Exception {
        try (MockApiServer api = MockApiServer.start()) {
            api.createWebhookConfigurations("sysched-mutating", "sysched-validating", WebhookChecks.SERVICE);
            int httpsPort = ServiceProcess.freePort();
            try (ServiceProcess webhook = ServiceProcess.start(
                    "webhook-self-signed",
                    ServiceProcess.jar("sysched.it.webhook-jar"),
                    api.writeKubeconfig(work.resolve("kubeconfig")),
                    work,
                    ServiceProcess.freePort(),
                    List.of(
                            "--server.port=" + httpsPort,
                            "--server.address=127.0.0.1",
                            "--sysched.webhook.tls.mode=self-signed",
                            "--sysched.webhook.tls.dir=" + work.resolve("tls"),
                            "--sysched.webhook.tls.namespace=" + MockApiServer.NAMESPACE,
                            "--sysched.webhook.tls.service-name=" + WebhookChecks.SERVICE,
                            "--sysched.webhook.tls.secret-name=" + SECRET,
                            "--sysched.webhook.tls.webhook-configurations=sysched-mutating,sysched-validating"))) {
                webhook.awaitReady();

                Secret secret = api.client()
                        .secrets()
                        .inNamespace(MockApiServer.NAMESPACE)
                        .withName(SECRET)
                        .get();
                assertThat(secret)
                        .as("Secret %s/%s", MockApiServer.NAMESPACE, SECRET)
                        .isNotNull();
                assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
                assertThat(secret.getData()).containsKeys("tls.crt", "tls.key", "ca.crt");

                MutatingWebhookConfiguration mutating = api.client()
                        .admissionRegistration()
                        .v1()
                        .mutatingWebhookConfigurations()
                        .withName("sysched-mutating")
                        .get();
                ValidatingWebhookConfiguration validating = api.client()
                        .admissionRegistration()
                        .v1()
                        .validatingWebhookConfigurations()
                        .withName("sysched-validating")
                        .get();
                List<String> bundles = Stream.concat(
                                mutating.getWebhooks().stream().map(MutatingWebhook::getClientConfig),
                                validating.getWebhooks().stream().map(ValidatingWebhook::getClientConfig))
                        .map(c -> c.getCaBundle())
                        .toList();
                assertThat(bundles).hasSize(3).containsOnly(secret.getData().get("ca.crt"));

                assertThat(secret.getMetadata().getOwnerReferences())
                        .as("the Secret goes with the release")
                        .singleElement()
                        .satisfies(owner -> assertOwnedBy(owner, mutating));

                String published = new String(Base64.getDecoder().decode(bundles.get(0)), StandardCharsets.US_ASCII);
                ServiceTls.Response response = ServiceTls.post(
                        published,
                        WebhookChecks.SERVICE_DNS_NAME,
                        httpsPort,
                        "/mutate",
                        WebhookChecks.nginxPodCreate());
                WebhookChecks.assertStampsNginxProfile(response);
                assertExpiryMetricFollowsTheSecret(webhook, secret);
                assertThat(webhook.log()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
            }
        }
    }

    /**
     * The chart's certificate alerts read Spring Boot's {@code ssl_chain_expiry_seconds} for the SSL bundle
     * {@code webhook}: in this mode too it must give the seconds until the earliest expiry in the served chain.
     */
    private static void assertExpiryMetricFollowsTheSecret(ServiceProcess webhook, Secret secret) throws Exception {
        byte[] chain = Base64.getDecoder().decode(secret.getData().get("tls.crt"));
        Instant notAfter =
                CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(chain)).stream()
                        .map(c -> ((X509Certificate) c).getNotAfter().toInstant())
                        .min(Instant::compareTo)
                        .orElseThrow();
        double expected = Duration.between(Instant.now(), notAfter).toSeconds();
        assertThat(webhook.scrape().samples("ssl_chain_expiry_seconds"))
                .filteredOn(s -> "webhook".equals(s.labels().get("bundle")))
                .singleElement()
                .satisfies(s -> assertThat(s.value()).isCloseTo(expected, within(300.0)));
    }

    private static void assertOwnedBy(OwnerReference owner, MutatingWebhookConfiguration configuration) {
        assertThat(owner.getApiVersion()).isEqualTo("admissionregistration.k8s.io/v1");
        assertThat(owner.getKind()).isEqualTo("MutatingWebhookConfiguration");
        assertThat(owner.getName()).isEqualTo(configuration.getMetadata().getName());
        assertThat(owner.getUid())
                .isEqualTo(configuration.getMetadata().getUid())
                .isNotBlank();
        assertThat(owner.getBlockOwnerDeletion())
                .as("needs no finalizer rights on the owner")
                .isNotEqualTo(true);
    }
}
