package io.github.sysched.webhook.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.github.sysched.webhook.WebhookApplication;
import io.github.sysched.webhook.support.MockKube;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.TestTls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * P5 end to end: with {@code tls.mode=self-signed} the application creates the Secret before its HTTPS port opens,
 * serves that certificate, and patches the caBundle once ready. The Service is called {@code localhost} here so
 * that the generated SANs verify against the test's https://localhost URL.
 */
@SpringBootTest(
        classes = WebhookApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.server.port=0",
            "sysched.webhook.request-deadline=10s",
            "sysched.webhook.tls.mode=self-signed",
            "sysched.webhook.tls.namespace=selfsigned",
            "sysched.webhook.tls.service-name=localhost",
            "sysched.webhook.tls.webhook-configurations=sysched-selfsigned"
        })
class SelfSignedModeApplicationTest {

    private static final Path DIR = tempDir();

    @LocalServerPort
    int port;

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("sysched-selfsigned");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        MockKube.namespace("selfsigned", false);
        MockKube.client()
                .admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .resource(new MutatingWebhookConfigurationBuilder()
                        .withNewMetadata()
                        .withName("sysched-selfsigned")
                        .endMetadata()
                        .addNewWebhook()
                        .withName("mutate.sysched.io")
                        .withNewClientConfig()
                        .withNewService()
                        .withName("localhost")
                        .withNamespace("selfsigned")
                        .withPath("/mutate")
                        .endService()
                        .endClientConfig()
                        .withAdmissionReviewVersions("v1")
                        .withSideEffects("None")
                        .endWebhook()
                        .build())
                .createOr(r -> r.update());
        registry.add("sysched.webhook.tls.dir", DIR::toString);
    }

    @Test
    void servesTheCertificateOfTheSharedSecretAndPublishesItsCa() throws Exception {
        Secret secret = MockKube.client()
                .secrets()
                .inNamespace("selfsigned")
                .withName("sysched-webhook-tls")
                .get();
        assertThat(secret).isNotNull();
        X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(
                        Base64.getDecoder().decode(secret.getData().get("ca.crt"))));

        HttpResponse<String> response = TestTls.client(ca)
                .send(
                        HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/validate"))
                                .timeout(Duration.ofSeconds(20))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(Reviews.review(
                                                "",
                                                "v1",
                                                "ConfigMap",
                                                "configmaps",
                                                "CREATE",
                                                "selfsigned",
                                                Reviews.json("{\"metadata\":{\"name\":\"cm\"}}"),
                                                null,
                                                "alice")
                                        .toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        X509Certificate served =
                (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
        served.verify(ca.getPublicKey());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> secret.getData()
                        .get("ca.crt")
                        .equals(MockKube.client()
                                .admissionRegistration()
                                .v1()
                                .mutatingWebhookConfigurations()
                                .withName("sysched-selfsigned")
                                .get()
                                .getWebhooks()
                                .get(0)
                                .getClientConfig()
                                .getCaBundle()));
    }
}
