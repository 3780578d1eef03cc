package io.github.sysched.charts;

import static io.github.sysched.charts.ChartRenderer.NAMESPACE;
import static io.github.sysched.charts.ChartRenderer.render;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The second kube-scheduler talks to the extender over mutual TLS in both TLS modes: its KubeSchedulerConfiguration
 * names files that are mounted from the client-certificate Secret, the extender serves from its own Secret and needs a
 * client certificate, and both Secrets are produced by something the release renders (cert-manager Certificates from
 * the release's CA Issuer, or the webhook's self-signed keeper, which RBAC lets write exactly those two names).
 * {@code filterVerb} is registered only when IPP fast mode gives the filter something to do.
 */
class ExtenderTlsWiringTest {

    /** The Secret a file path in a container resolves to (whole Secret mounted, no subPath: renewals reach the pod). */
    private static String secretBehind(Deployment d, String file) {
        VolumeMount mount = SecondScheduler.mountAt(d, file.substring(0, file.lastIndexOf('/')));
        assertThat(mount.getSubPath()).isNull();
        assertThat(mount.getReadOnly()).isTrue();
        Volume v = SecondScheduler.volume(d, mount.getName());
        assertThat(v.getSecret()).as(file + " comes from a Secret").isNotNull();
        assertThat(v.getSecret().getItems()).isNullOrEmpty();
        return v.getSecret().getSecretName();
    }

    private static String fileOf(String springResource) {
        assertThat(springResource).startsWith("file:");
        return springResource.substring("file:".length());
    }

    private record Wiring(String serverSecret, String clientSecret, String host) {}

    /** Follows the rendered objects from kube-scheduler's configuration to the two Secrets; asserts the mTLS shape. */
    private static Wiring mutualTls(Rendered r) {
        Map<String, Object> ext = SecondScheduler.extender(r);
        URI url = URI.create((String) ext.get("urlPrefix"));
        assertThat(url.getScheme()).as(r.valueSet).isEqualTo("https");
        assertThat(ext).containsEntry("enableHTTPS", true);
        Map<String, Object> tlsConfig = Rendered.at(ext, "tlsConfig");
        assertThat(tlsConfig)
                .as("a CA is given, so the extender's certificate is verified (STACK.md)")
                .containsOnlyKeys("insecure", "certFile", "keyFile", "caFile")
                .containsEntry("insecure", false);
        Deployment kube = SecondScheduler.deployment(r);
        String clientSecret = secretBehind(kube, (String) tlsConfig.get("certFile"));
        assertThat(secretBehind(kube, (String) tlsConfig.get("keyFile"))).isEqualTo(clientSecret);
        assertThat(secretBehind(kube, (String) tlsConfig.get("caFile"))).isEqualTo(clientSecret);
        assertThat(((String) tlsConfig.get("certFile"))).endsWith("/tls.crt");
        assertThat(((String) tlsConfig.get("keyFile"))).endsWith("/tls.key");
        assertThat(((String) tlsConfig.get("caFile"))).endsWith("/ca.crt");

        Deployment scheduler = AppConfigTest.scheduler(r);
        Map<String, Object> app = AppConfigTest.appConfig(r, scheduler);
        assertThat(Rendered.<Object>at(app, "server.ssl.client-auth")).isEqualTo("need");
        String bundle = Rendered.at(app, "server.ssl.bundle");
        Map<String, Object> pem = Rendered.at(app, "spring.ssl.bundle.pem." + bundle);
        assertThat(pem).containsEntry("reload-on-update", true);
        String serverSecret = secretBehind(scheduler, fileOf(Rendered.at(pem, "keystore.certificate")));
        assertThat(secretBehind(scheduler, fileOf(Rendered.at(pem, "keystore.private-key"))))
                .isEqualTo(serverSecret);
        assertThat(secretBehind(scheduler, fileOf(Rendered.at(pem, "truststore.certificate"))))
                .isEqualTo(serverSecret);
        assertThat(serverSecret).isNotEqualTo(clientSecret);
        return new Wiring(serverSecret, clientSecret, url.getHost());
    }

    @Test
    void certManagerModeIssuesBothCertificatesFromTheReleaseCa() {
        Rendered r = render("second-scheduler");
        Wiring w = mutualTls(r);
        List<GenericKubernetesResource> certificates = r.generic("Certificate");
        GenericKubernetesResource server = certificates.stream()
                .filter(c -> w.serverSecret().equals(Rendered.at(c.getAdditionalProperties(), "spec.secretName")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Certificate writes " + w.serverSecret()));
        GenericKubernetesResource client = certificates.stream()
                .filter(c -> w.clientSecret().equals(Rendered.at(c.getAdditionalProperties(), "spec.secretName")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Certificate writes " + w.clientSecret()));
        Map<String, Object> serverSpec = Rendered.at(server.getAdditionalProperties(), "spec");
        Map<String, Object> clientSpec = Rendered.at(client.getAdditionalProperties(), "spec");
        assertThat(Rendered.<List<String>>at(serverSpec, "dnsNames"))
                .as("the host kube-scheduler calls")
                .contains(w.host());
        assertThat(Rendered.<List<String>>at(serverSpec, "usages")).contains("server auth", "client auth");
        assertThat(Rendered.<List<String>>at(clientSpec, "usages"))
                .contains("client auth")
                .doesNotContain("server auth");
        // one CA for both sides: ca.crt of each Secret is the CA the other side's certificate chains to
        Object issuer = Rendered.at(serverSpec, "issuerRef.name");
        assertThat(Rendered.<Object>at(clientSpec, "issuerRef.name")).isEqualTo(issuer);
        GenericKubernetesResource caIssuer = r.generic("Issuer", (String) issuer);
        assertThat(Rendered.has(caIssuer.getAdditionalProperties(), "spec.ca.secretName"))
                .isTrue();
        // the webhook's own serving Certificate is server-only: it cannot stand in for kube-scheduler
        assertThat(certificates)
                .filteredOn(c -> c != server && c != client)
                .allSatisfy(c -> assertThat(Rendered.has(c.getAdditionalProperties(), "spec.usages")
                                && Rendered.<List<String>>at(c.getAdditionalProperties(), "spec.usages")
                                        .contains("client auth"))
                        .isFalse());
        assertThat(AppConfigTest.webhookConfig(r, AppConfigTest.webhook(r)).toString())
                .doesNotContain("extender");
    }

    @Test
    void selfSignedModeHasTheWebhookKeepBothSecrets() {
        Rendered r = render("second-scheduler", Map.of("tls.mode", "self-signed"));
        Wiring w = mutualTls(r);
        assertThat(r.generic("Certificate")).isEmpty();
        Map<String, Object> extenderCerts =
                Rendered.at(AppConfigTest.webhookConfig(r, AppConfigTest.webhook(r)), "sysched.webhook.tls.extender");
        assertThat(extenderCerts)
                .containsEntry("server-secret", w.serverSecret())
                .containsEntry("client-secret", w.clientSecret())
                // the webhook puts <service>.<namespace>.svc into the SANs: the host kube-scheduler calls
                .containsEntry("service-name", w.host().substring(0, w.host().indexOf('.')));
        assertThat(w.host()).isEqualTo(extenderCerts.get("service-name") + "." + NAMESPACE + ".svc");
        String sa = RbacTest.saOf(AppConfigTest.webhook(r));
        List<RbacTest.Grant> grants = RbacTest.grantsOf(r, sa);
        for (String secret : List.of(w.serverSecret(), w.clientSecret())) {
            assertThat(grants)
                    .as("the webhook may update " + secret)
                    .anyMatch(g -> g.covers("", "secrets", "update")
                            && NAMESPACE.equals(g.namespace())
                            && g.rule().getResourceNames().contains(secret));
        }
        assertThat(grants).anyMatch(g -> g.covers("", "secrets", "create") && NAMESPACE.equals(g.namespace()));
    }

    @Test
    void plainHttpOnlyWhenTurnedOff() {
        Rendered r = render("second-scheduler", Map.of("scheduler.tls.enabled", "false"));
        Map<String, Object> ext = SecondScheduler.extender(r);
        assertThat(URI.create((String) ext.get("urlPrefix")).getScheme()).isEqualTo("http");
        assertThat(ext).containsEntry("enableHTTPS", false).doesNotContainKey("tlsConfig");
        Map<String, Object> app = AppConfigTest.appConfig(r, AppConfigTest.scheduler(r));
        assertThat(app).doesNotContainKeys("server", "spring");
        // no TLS Secret (the annotation key Secret is another matter)
        assertThat(AppConfigTest.scheduler(r).getSpec().getTemplate().getSpec().getVolumes())
                .noneMatch(v -> v.getSecret() != null && !v.getName().equals("annotation-keys"));
        assertThat(SecondScheduler.deployment(r)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getVolumes())
                .noneMatch(v -> v.getSecret() != null);
        assertThat(AppConfigTest.webhookConfig(r, AppConfigTest.webhook(r)).toString())
                .doesNotContain("extender");
        Rendered certManager = render("cert-manager", Map.of("scheduler.tls.enabled", "false"));
        assertThat(certManager.generic("Certificate"))
                .as("only the webhook's serving Certificate and the CA")
                .hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"off", "compat", "fast"})
    void filterVerbOnlyWithIppFastMode(String mode) {
        Rendered r = render("second-scheduler", Map.of("ipp.mode", mode));
        Map<String, Object> ext = SecondScheduler.extender(r);
        assertThat(ext).containsEntry("prioritizeVerb", "prioritize");
        if (mode.equals("fast")) {
            assertThat(ext).containsEntry("filterVerb", "filter");
        } else {
            assertThat(ext)
                    .as("IPP %s: no filter rule, no /filter round trip", mode)
                    .doesNotContainKey("filterVerb");
        }
    }
}
