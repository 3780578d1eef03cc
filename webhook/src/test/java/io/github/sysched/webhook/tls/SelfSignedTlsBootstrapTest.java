package io.github.sysched.webhook.tls;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.sysched.webhook.config.WebhookProperties;
import io.github.sysched.webhook.support.MockKube;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.ssl.pem.PemContent;

/** P5: self-signed mode against the CRUD mock (shared Secret, caBundle) and WireMock (409 on create). */
class SelfSignedTlsBootstrapTest {

    static WebhookProperties properties(Path dir, String namespace) {
        Map<String, String> map = new HashMap<>();
        map.put("sysched.webhook.tls.mode", "self-signed");
        map.put("sysched.webhook.tls.dir", dir.toString());
        map.put("sysched.webhook.tls.namespace", namespace);
        map.put("sysched.webhook.tls.service-name", "sysched-webhook");
        map.put("sysched.webhook.tls.webhook-configurations", "sysched-webhook");
        return new Binder(new MapConfigurationPropertySource(map))
                .bindOrCreate("sysched.webhook", WebhookProperties.class);
    }

    static X509Certificate certificate(Path file) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(file)));
    }

    @Test
    void replicasShareOneSecretAndTheCaBundleIsPatched(@TempDir Path one, @TempDir Path two) throws Exception {
        KubernetesClient client = MockKube.client();
        String ns = "tls-shared";
        MockKube.namespace(ns, false);
        client.admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .resource(new MutatingWebhookConfigurationBuilder()
                        .withNewMetadata()
                        .withName("sysched-webhook")
                        .endMetadata()
                        .addNewWebhook()
                        .withName("mutate.sysched.io")
                        .withNewClientConfig()
                        .withNewService()
                        .withName("sysched-webhook")
                        .withNamespace(ns)
                        .withPath("/mutate")
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
                        .withName("sysched-webhook")
                        .endMetadata()
                        .addNewWebhook()
                        .withName("validate.sysched.io")
                        .withNewClientConfig()
                        .withNewService()
                        .withName("sysched-webhook")
                        .withNamespace(ns)
                        .withPath("/validate")
                        .endService()
                        .endClientConfig()
                        .withAdmissionReviewVersions("v1")
                        .withSideEffects("None")
                        .endWebhook()
                        .build())
                .create();

        SelfSignedTlsBootstrap first = new SelfSignedTlsBootstrap(client, properties(one, ns));
        SelfSignedTlsBootstrap second = new SelfSignedTlsBootstrap(client, properties(two, ns));
        first.materialize(); // creates the Secret and patches caBundle
        second.materialize();

        assertThat(Files.readString(two.resolve("tls.crt"))).isEqualTo(Files.readString(one.resolve("tls.crt")));
        assertThat(Files.isSymbolicLink(one.resolve("..data"))).isTrue();
        X509Certificate leaf = certificate(one.resolve("tls.crt"));
        X509Certificate ca = certificate(one.resolve("ca.crt"));
        leaf.verify(ca.getPublicKey());
        List<String> sans = new ArrayList<>();
        leaf.getSubjectAlternativeNames().forEach(san -> sans.add(String.valueOf(san.get(1))));
        assertThat(sans).containsExactly("sysched-webhook", "sysched-webhook." + ns, "sysched-webhook." + ns + ".svc");
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(leaf.getNotBefore()).isBefore(new java.util.Date());
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(ca.getCriticalExtensionOIDs()).contains("2.5.29.19"); // BasicConstraints critical
        assertThat(ca.getKeyUsage()[5]).isTrue(); // keyCertSign
        assertThat(ca.getKeyUsage()[6]).isTrue(); // cRLSign
        assertThat(leaf.getExtensionValue("2.5.29.35")).isNotNull(); // AKI
        assertThat(leaf.getExtensionValue("2.5.29.14")).isNotNull(); // SKI
        String key = Files.readString(one.resolve("tls.key"));
        assertThat(key).startsWith("-----BEGIN PRIVATE KEY-----"); // PKCS#8
        assertThat(PemContent.of(key).getPrivateKey()).isNotNull(); // Spring's own PEM parser reads it

        String caBundle = Base64.getEncoder().encodeToString(Files.readAllBytes(one.resolve("ca.crt")));
        assertThat(client.admissionRegistration()
                        .v1()
                        .mutatingWebhookConfigurations()
                        .withName("sysched-webhook")
                        .get()
                        .getWebhooks()
                        .get(0)
                        .getClientConfig()
                        .getCaBundle())
                .isEqualTo(caBundle);
        assertThat(client.admissionRegistration()
                        .v1()
                        .validatingWebhookConfigurations()
                        .withName("sysched-webhook")
                        .get()
                        .getWebhooks()
                        .get(0)
                        .getClientConfig()
                        .getCaBundle())
                .isEqualTo(caBundle);
    }

    @Test
    void onConflictTheWinnersCertificateIsServed(@TempDir Path dir) throws Exception {
        WireMockServer api =
                new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        api.start();
        try {
            CertificateFactoryHolder winner = new CertificateFactoryHolder();
            String path = "/api/v1/namespaces/race/secrets/sysched-webhook-tls";
            api.stubFor(get(urlPathEqualTo(path))
                    .inScenario("race")
                    .whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(aResponse()
                            .withStatus(404)
                            .withHeader("Content-Type", "application/json")
                            .withBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                                    + "\"reason\":\"NotFound\",\"code\":404}")));
            api.stubFor(post(urlPathEqualTo("/api/v1/namespaces/race/secrets"))
                    .inScenario("race")
                    .willSetStateTo("lost")
                    .willReturn(aResponse()
                            .withStatus(409)
                            .withHeader("Content-Type", "application/json")
                            .withBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                                    + "\"message\":\"secrets \\\"sysched-webhook-tls\\\" already exists\","
                                    + "\"reason\":\"AlreadyExists\",\"code\":409}")));
            api.stubFor(get(urlPathEqualTo(path))
                    .inScenario("race")
                    .whenScenarioStateIs("lost")
                    .willReturn(aResponse()
                            .withStatus(200)
                            .withHeader("Content-Type", "application/json")
                            .withBody(winner.secretJson())));
            Config config = new ConfigBuilder(Config.empty())
                    .withMasterUrl(api.baseUrl())
                    .withNamespace("race")
                    .withRequestRetryBackoffLimit(0)
                    .build();
            try (KubernetesClient client =
                    new KubernetesClientBuilder().withConfig(config).build()) {
                Secret served = new SelfSignedTlsBootstrap(client, properties(dir, "race")).materialize();

                assertThat(served.getMetadata().getResourceVersion()).isEqualTo("42");
                assertThat(Files.readString(dir.resolve("tls.crt"))).isEqualTo(winner.leaf.certificatePem());
                assertThat(Files.readString(dir.resolve("tls.key"))).isEqualTo(winner.leaf.keyPem());
                api.verify(1, postRequestedFor(urlPathEqualTo("/api/v1/namespaces/race/secrets")));
            }
        } finally {
            api.stop();
        }
    }

    @Test
    void eachNameIsPatchedAsTheKindRbacAllows(@TempDir Path dir) throws Exception {
        WireMockServer api =
                new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        api.start();
        try {
            CertificateFactoryHolder existing = new CertificateFactoryHolder();
            api.stubFor(get(urlPathEqualTo("/api/v1/namespaces/rbac/secrets/sysched-webhook-tls"))
                    .willReturn(aResponse()
                            .withStatus(200)
                            .withHeader("Content-Type", "application/json")
                            .withBody(existing.secretJson())));
            String forbidden = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                    + "\"reason\":\"Forbidden\",\"code\":403}";
            String base = "/apis/admissionregistration.k8s.io/v1/";
            String mutating = "{\"apiVersion\":\"admissionregistration.k8s.io/v1\",\"kind\":"
                    + "\"MutatingWebhookConfiguration\",\"metadata\":{\"name\":\"m\",\"resourceVersion\":\"1\"},"
                    + "\"webhooks\":[{\"name\":\"a.b\",\"clientConfig\":{},\"admissionReviewVersions\":[\"v1\"],"
                    + "\"sideEffects\":\"None\"}]}";
            String validating = mutating.replace("Mutating", "Validating").replace("\"m\"", "\"v\"");
            api.stubFor(get(urlPathEqualTo(base + "mutatingwebhookconfigurations/m"))
                    .willReturn(aResponse()
                            .withStatus(200)
                            .withHeader("Content-Type", "application/json")
                            .withBody(mutating)));
            api.stubFor(com.github.tomakehurst.wiremock.client.WireMock.patch(
                            urlPathEqualTo(base + "mutatingwebhookconfigurations/m"))
                    .willReturn(aResponse()
                            .withStatus(200)
                            .withHeader("Content-Type", "application/json")
                            .withBody(mutating)));
            api.stubFor(get(urlPathEqualTo(base + "validatingwebhookconfigurations/m"))
                    .willReturn(aResponse()
                            .withStatus(403)
                            .withHeader("Content-Type", "application/json")
                            .withBody(forbidden)));
            api.stubFor(get(urlPathEqualTo(base + "mutatingwebhookconfigurations/v"))
                    .willReturn(aResponse()
                            .withStatus(403)
                            .withHeader("Content-Type", "application/json")
                            .withBody(forbidden)));
            api.stubFor(get(urlPathEqualTo(base + "validatingwebhookconfigurations/v"))
                    .willReturn(aResponse()
                            .withStatus(200)
                            .withHeader("Content-Type", "application/json")
                            .withBody(validating)));
            api.stubFor(com.github.tomakehurst.wiremock.client.WireMock.patch(
                            urlPathEqualTo(base + "validatingwebhookconfigurations/v"))
                    .willReturn(aResponse()
                            .withStatus(200)
                            .withHeader("Content-Type", "application/json")
                            .withBody(validating)));
            Config config = new ConfigBuilder(Config.empty())
                    .withMasterUrl(api.baseUrl())
                    .withNamespace("rbac")
                    .withRequestRetryBackoffLimit(0)
                    .build();
            Map<String, String> map = new HashMap<>();
            map.put("sysched.webhook.tls.mode", "self-signed");
            map.put("sysched.webhook.tls.dir", dir.toString());
            map.put("sysched.webhook.tls.namespace", "rbac");
            map.put("sysched.webhook.tls.webhook-configurations", "m,v");
            WebhookProperties properties = new Binder(new MapConfigurationPropertySource(map))
                    .bindOrCreate("sysched.webhook", WebhookProperties.class);
            try (KubernetesClient client =
                    new KubernetesClientBuilder().withConfig(config).build()) {
                SelfSignedTlsBootstrap bootstrap = new SelfSignedTlsBootstrap(client, properties);
                bootstrap.check(); // publishes the bundle of the Secret it found
            }
            String ca = Base64.getEncoder()
                    .encodeToString(existing.ca.certificatePem().getBytes(StandardCharsets.US_ASCII));
            for (String path : List.of("mutatingwebhookconfigurations/m", "validatingwebhookconfigurations/v")) {
                api.verify(
                        1,
                        com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor(urlPathEqualTo(base + path))
                                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(ca)));
            }
        } finally {
            api.stop();
        }
    }

    /** The Secret another replica created first. */
    static final class CertificateFactoryHolder {
        final io.github.sysched.webhook.tls.CertificateFactory.Issued ca =
                io.github.sysched.webhook.tls.CertificateFactory.certificateAuthority(
                        "winner", java.time.Duration.ofDays(10));
        final io.github.sysched.webhook.tls.CertificateFactory.Issued leaf =
                io.github.sysched.webhook.tls.CertificateFactory.serving(
                        ca, List.of("sysched-webhook"), List.of(), java.time.Duration.ofDays(1));

        String secretJson() {
            Base64.Encoder b64 = Base64.getEncoder();
            return "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"sysched-webhook-tls\","
                    + "\"namespace\":\"race\",\"resourceVersion\":\"42\"},\"type\":\"kubernetes.io/tls\",\"data\":{"
                    + "\"tls.crt\":\""
                    + b64.encodeToString(leaf.certificatePem().getBytes(StandardCharsets.US_ASCII))
                    + "\",\"tls.key\":\"" + b64.encodeToString(leaf.keyPem().getBytes(StandardCharsets.US_ASCII))
                    + "\",\"ca.crt\":\""
                    + b64.encodeToString(ca.certificatePem().getBytes(StandardCharsets.US_ASCII))
                    + "\",\"ca.key\":\"" + b64.encodeToString(ca.keyPem().getBytes(StandardCharsets.US_ASCII))
                    + "\"}}";
        }
    }
}
