package io.github.sysched.webhook.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.github.sysched.webhook.config.WebhookProperties;
import io.github.sysched.webhook.support.MockKube;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.ssl.pem.PemContent;

/**
 * Self-signed mode with {@code tls.extender.*}: the webhook keeps the scheduler extender's serving certificate and
 * kube-scheduler's client certificate in two {@code kubernetes.io/tls} Secrets, issued from its own CA: a real
 * handshake between the two succeeds, renewal reissues them without a restart of anything that mounts them, and a
 * CA rotation reaches their {@code ca.crt} before any certificate of the new CA does.
 */
class ExtenderCertificatesTest {

    private static WebhookProperties properties(Path dir, String namespace) {
        Map<String, String> map = new HashMap<>();
        map.put("sysched.webhook.tls.mode", "self-signed");
        map.put("sysched.webhook.tls.dir", dir.toString());
        map.put("sysched.webhook.tls.namespace", namespace);
        map.put("sysched.webhook.tls.webhook-configurations", namespace);
        map.put("sysched.webhook.tls.validity", "30d");
        map.put("sysched.webhook.tls.ca-validity", "100d");
        map.put("sysched.webhook.tls.ca-renew-before", "25d");
        map.put("sysched.webhook.tls.bundle-propagation", "10m");
        map.put("sysched.webhook.tls.extender.server-secret", "extender-tls");
        map.put("sysched.webhook.tls.extender.client-secret", "kube-scheduler-client-tls");
        map.put("sysched.webhook.tls.extender.service-name", "sysched-scheduler");
        map.put("sysched.webhook.tls.extender.client-name", "sysched-kube-scheduler");
        return new Binder(new MapConfigurationPropertySource(map))
                .bindOrCreate("sysched.webhook", WebhookProperties.class);
    }

    private static Secret secret(String namespace, String name) {
        return MockKube.client().secrets().inNamespace(namespace).withName(name).get();
    }

    private static String text(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.US_ASCII);
    }

    private static X509Certificate leaf(Secret secret) {
        return certificates(text(secret, "tls.crt")).get(0);
    }

    private static List<X509Certificate> certificates(String pem) {
        try {
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                certificates.add((X509Certificate) c);
            }
            return certificates;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A TLS context from a mounted Secret as the extender (server) or kube-scheduler (client) would build it. */
    private static SSLContext context(Secret secret) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("key", PemContent.of(text(secret, "tls.key")).getPrivateKey(), new char[0], new Certificate[] {
            leaf(secret)
        });
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        List<X509Certificate> cas = certificates(text(secret, "ca.crt"));
        for (int i = 0; i < cas.size(); i++) {
            trust.setCertificateEntry("ca" + i, cas.get(i));
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    @Test
    void bothCertificatesAreIssuedFromTheWebhooksCaAndAcceptEachOther(@TempDir Path dir) throws Exception {
        String ns = "extender-tls-issue";
        WebhookConfigurations.create(ns);
        SelfSignedTlsBootstrap bootstrap = new SelfSignedTlsBootstrap(MockKube.client(), properties(dir, ns));

        Secret shared = bootstrap.materialize();
        Secret server = secret(ns, "extender-tls");
        Secret client = secret(ns, "kube-scheduler-client-tls");

        SelfSignedMaterial material = SelfSignedMaterial.read(shared).orElseThrow();
        for (Secret s : List.of(server, client)) {
            assertThat(s.getType()).isEqualTo("kubernetes.io/tls");
            assertThat(s.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
            assertThat(text(s, "ca.crt")).isEqualTo(material.trustedPem());
            assertThat(SelfSignedMaterial.signs(material.signer().certificate(), leaf(s)))
                    .isTrue();
            assertThat(s.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(o -> assertThat(o.getName()).isEqualTo(ns));
        }
        List<String> sans = leaf(server).getSubjectAlternativeNames().stream()
                .map(san -> String.valueOf(san.get(1)))
                .toList();
        assertThat(sans).contains("sysched-scheduler." + ns + ".svc");
        assertThat(leaf(server).getExtendedKeyUsage())
                .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(leaf(client).getSubjectX500Principal().getName()).isEqualTo("CN=sysched-kube-scheduler");
        assertThat(leaf(client).getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");

        assertThat(handshake(context(server), context(client))).isTrue();
        // the webhook's own serving certificate cannot stand in for kube-scheduler: it lacks clientAuth
        assertThat(handshake(context(server), context(shared))).isFalse();

        String version = server.getMetadata().getResourceVersion();
        bootstrap.check();
        assertThat(secret(ns, "extender-tls").getMetadata().getResourceVersion())
                .isEqualTo(version);
    }

    @Test
    void renewalAndCaRotationReachTheExtenderSecrets(@TempDir Path dir) {
        String ns = "extender-tls-renewal";
        WebhookConfigurations.create(ns);
        MutableClock clock = new MutableClock(Instant.now());
        SelfSignedTlsBootstrap bootstrap = new SelfSignedTlsBootstrap(MockKube.client(), properties(dir, ns), clock);
        bootstrap.materialize();
        BigInteger firstServer = leaf(secret(ns, "extender-tls")).getSerialNumber();
        BigInteger firstClient = leaf(secret(ns, "kube-scheduler-client-tls")).getSerialNumber();

        clock.advance(Duration.ofDays(21)); // past the renewal margin of a 30d certificate (a third)
        bootstrap.check();
        X509Certificate renewed = leaf(secret(ns, "extender-tls"));
        assertThat(renewed.getSerialNumber()).isNotEqualTo(firstServer);
        assertThat(leaf(secret(ns, "kube-scheduler-client-tls")).getSerialNumber())
                .isNotEqualTo(firstClient);
        X509Certificate firstCa = SelfSignedMaterial.read(secret(ns, "sysched-webhook-tls"))
                .orElseThrow()
                .signer()
                .certificate();
        assertThat(SelfSignedMaterial.signs(firstCa, renewed)).isTrue();

        clock.advance(Duration.ofDays(55)); // day 76: the CA (100d) is due (25d before its end): next CA published
        bootstrap.check();
        SelfSignedMaterial rotating =
                SelfSignedMaterial.read(secret(ns, "sysched-webhook-tls")).orElseThrow();
        assertThat(rotating.next()).isNotNull();
        for (String name : List.of("extender-tls", "kube-scheduler-client-tls")) {
            Secret s = secret(ns, name);
            assertThat(certificates(text(s, "ca.crt")))
                    .as(name + " trusts the next CA before it signs")
                    .contains(rotating.next().certificate(), firstCa);
            assertThat(SelfSignedMaterial.signs(firstCa, leaf(s)))
                    .as(name + " still signed by the first CA")
                    .isTrue();
        }

        clock.advance(Duration.ofMinutes(11)); // bundle-propagation over: the next CA signs now
        bootstrap.check();
        X509Certificate secondCa = SelfSignedMaterial.read(secret(ns, "sysched-webhook-tls"))
                .orElseThrow()
                .signer()
                .certificate();
        assertThat(secondCa).isNotEqualTo(firstCa);
        for (String name : List.of("extender-tls", "kube-scheduler-client-tls")) {
            assertThat(SelfSignedMaterial.signs(secondCa, leaf(secret(ns, name))))
                    .as(name)
                    .isTrue();
        }
    }

    @Test
    void aForeignSecretOfAnotherTypeIsLeftAloneAndTheOtherIsStillIssued(@TempDir Path dir) {
        String ns = "extender-tls-foreign";
        WebhookConfigurations.create(ns);
        MockKube.client()
                .secrets()
                .inNamespace(ns)
                .resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                        .withNewMetadata()
                        .withName("extender-tls")
                        .withNamespace(ns)
                        .endMetadata()
                        .withType("Opaque")
                        .addToData("password", "c29tZW9uZSBlbHNlJ3M=")
                        .build())
                .create();
        SelfSignedTlsBootstrap bootstrap = new SelfSignedTlsBootstrap(MockKube.client(), properties(dir, ns));

        bootstrap.materialize();

        Secret foreign = secret(ns, "extender-tls");
        assertThat(foreign.getType()).isEqualTo("Opaque");
        assertThat(foreign.getData()).containsOnlyKeys("password");
        assertThat(secret(ns, "kube-scheduler-client-tls").getData()).containsKeys("tls.crt", "tls.key", "ca.crt");
    }

    @Test
    void extenderSecretsThatCollideWithTheWebhooksOwnAreRejectedAtStartup(@TempDir Path dir) {
        Map<String, String> map = new HashMap<>();
        map.put("sysched.webhook.tls.mode", "self-signed");
        map.put("sysched.webhook.tls.extender.server-secret", "sysched-webhook-tls");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Binder(new MapConfigurationPropertySource(map))
                        .bindOrCreate("sysched.webhook", WebhookProperties.class))
                .rootCause()
                .hasMessageContaining("is the webhook's own secret-name");

        map.put("sysched.webhook.tls.extender.server-secret", "same");
        map.put("sysched.webhook.tls.extender.client-secret", "same");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Binder(new MapConfigurationPropertySource(map))
                        .bindOrCreate("sysched.webhook", WebhookProperties.class))
                .rootCause()
                .hasMessageContaining("must differ");
    }

    /** A mutual-TLS handshake on loopback: server requires a client certificate. */
    private static boolean handshake(SSLContext server, SSLContext client) throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket)
                server.getServerSocketFactory().createServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            CompletableFuture<Boolean> accepted = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.startHandshake();
                    socket.getOutputStream().write(1);
                    socket.getOutputStream().flush();
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
            try (SSLSocket socket = (SSLSocket) client.getSocketFactory()
                    .createSocket(java.net.InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                socket.setSoTimeout(5_000);
                socket.startHandshake();
                socket.getInputStream().read();
            } catch (IOException e) {
                // refused: the server side says why
            }
            return accepted.get(10, TimeUnit.SECONDS);
        }
    }
}
