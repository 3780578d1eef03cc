package io.github.sysched.charts;

import static io.github.sysched.charts.ChartRenderer.NAMESPACE;
import static io.github.sysched.charts.ChartRenderer.render;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TlsTest {

    private static Webhooks anyWebhookOf(Rendered r, String kind) {
        return Webhooks.of(r).stream()
                .filter(w -> w.configKind().equals(kind))
                .findFirst()
                .orElseThrow();
    }

    /** The webhook Service the configurations call (followed from clientConfig, not hard-coded). */
    private static String webhookServiceName(Rendered r) {
        return anyWebhookOf(r, "MutatingWebhookConfiguration")
                .clientConfig()
                .getService()
                .getName();
    }

    private static Deployment webhookDeployment(Rendered r) {
        return r.deployment(webhookServiceName(r));
    }

    @Test
    void certManagerChainIsWiredIssuerToCaToServingCertificate() {
        Rendered r = render("cert-manager");
        String svc = webhookServiceName(r);

        // self-signed Issuer -> CA Certificate
        GenericKubernetesResource selfSigned = r.generic("Issuer").stream()
                .filter(i -> ((Map<?, ?>) i.get("spec")).containsKey("selfSigned"))
                .findFirst()
                .orElseThrow();
        GenericKubernetesResource caCert = r.generic("Certificate").stream()
                .filter(c -> Boolean.TRUE.equals(c.get("spec", "isCA")))
                .findFirst()
                .orElseThrow();
        assertThat((String) caCert.get("spec", "issuerRef", "name"))
                .isEqualTo(selfSigned.getMetadata().getName());

        // CA Certificate's Secret -> CA Issuer
        GenericKubernetesResource caIssuer = r.generic("Issuer").stream()
                .filter(i -> ((Map<?, ?>) i.get("spec")).containsKey("ca"))
                .findFirst()
                .orElseThrow();
        assertThat((String) caIssuer.get("spec", "ca", "secretName")).isEqualTo(caCert.get("spec", "secretName"));

        // CA Issuer -> serving Certificate with the Service's DNS names
        GenericKubernetesResource serving = r.generic("Certificate").stream()
                .filter(c -> !Boolean.TRUE.equals(c.get("spec", "isCA")))
                .findFirst()
                .orElseThrow();
        assertThat((String) serving.get("spec", "issuerRef", "name"))
                .isEqualTo(caIssuer.getMetadata().getName());
        assertThat(serving.<List<String>>get("spec", "dnsNames"))
                .containsExactlyInAnyOrder(
                        svc,
                        svc + "." + NAMESPACE,
                        svc + "." + NAMESPACE + ".svc",
                        svc + "." + NAMESPACE + ".svc.cluster.local");
        assertThat(serving.<List<String>>get("spec", "usages")).contains("server auth");

        // serving Secret -> webhook pod volume mounted whole at /tls
        String secretName = serving.get("spec", "secretName");
        PodSpec pod = webhookDeployment(r).getSpec().getTemplate().getSpec();
        Volume tls = pod.getVolumes().stream()
                .filter(v ->
                        v.getSecret() != null && secretName.equals(v.getSecret().getSecretName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("serving Secret not mounted"));
        List<VolumeMount> mounts = pod.getContainers().get(0).getVolumeMounts().stream()
                .filter(m -> m.getName().equals(tls.getName()))
                .toList();
        assertThat(mounts).singleElement().satisfies(m -> {
            assertThat(m.getMountPath()).isEqualTo("/tls");
            assertThat(m.getSubPath())
                    .as("subPath never receives Secret updates")
                    .isNull();
            assertThat(m.getSubPathExpr()).isNull();
            assertThat(m.getReadOnly()).isTrue();
        });

        // both configurations get the CA injected from the serving Certificate
        for (Webhooks w : Webhooks.of(r)) {
            assertThat(w.configAnnotations())
                    .as(w.configName())
                    .containsEntry(
                            "cert-manager.io/inject-ca-from",
                            NAMESPACE + "/" + serving.getMetadata().getName());
            assertThat(w.clientConfig().getCaBundle()).isNull();
        }
        assertThat(r.all(Role.class))
                .flatExtracting(Role::getRules)
                .as("no Secret RBAC with cert-manager")
                .noneMatch(rule -> rule.getResources().contains("secrets"));
    }

    @Test
    void selfSignedModeRendersNoCertManagerObjectsAndConfiguresTheApp() {
        Rendered r = render("self-signed");
        assertThat(r.objects).noneMatch(ChartRenderer::isCertManager);
        assertThat(r.all(GenericKubernetesResource.class)).isEmpty();
        for (Webhooks w : Webhooks.of(r)) {
            Map<String, String> ann = w.configAnnotations() == null ? Map.of() : w.configAnnotations();
            assertThat(ann).as(w.configName()).doesNotContainKey("cert-manager.io/inject-ca-from");
        }
        Deployment d = webhookDeployment(r);
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        // the TLS material is never mounted from a Secret here (the annotation key Secret is another matter)
        assertThat(pod.getVolumes())
                .noneMatch(v -> v.getSecret() != null && !v.getName().equals("annotation-keys"));
        // the app writes its generated certificate to tls.dir: a writable in-memory emptyDir (root FS is read-only)
        Map<String, Object> appCfg = AppConfigTest.webhookConfig(r, d);
        String dir = Rendered.at(appCfg, "sysched.webhook.tls.dir");
        VolumeMount tlsMount = pod.getContainers().get(0).getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(dir))
                .findFirst()
                .orElseThrow(() -> new AssertionError("tls.dir " + dir + " not mounted"));
        assertThat(tlsMount.getReadOnly()).isNotEqualTo(Boolean.TRUE);
        assertThat(tlsMount.getSubPath()).isNull();
        Volume tlsVolume = pod.getVolumes().stream()
                .filter(v -> v.getName().equals(tlsMount.getName()))
                .findFirst()
                .orElseThrow();
        assertThat(tlsVolume.getEmptyDir()).isNotNull();
        assertThat(tlsVolume.getEmptyDir().getMedium()).isEqualTo("Memory");

        Map<String, Object> app = AppConfigTest.webhookConfig(r, d);
        assertThat((String) Rendered.at(app, "sysched.webhook.tls.mode")).isEqualTo("self-signed");
        String secret = Rendered.at(app, "sysched.webhook.tls.secret-name");
        assertThat((String) Rendered.at(app, "sysched.webhook.tls.service-name"))
                .isEqualTo(webhookServiceName(r));
        assertThat((String) Rendered.at(app, "sysched.webhook.tls.namespace")).isEqualTo(NAMESPACE);
        assertThat(Rendered.<List<String>>at(app, "sysched.webhook.tls.webhook-configurations"))
                .containsExactlyInAnyOrderElementsOf(Webhooks.of(r).stream()
                        .map(Webhooks::configName)
                        .distinct()
                        .toList());
        // renewal settings (WebhookProperties.Tls), margins left to the app's default (a third of the lifetime)
        assertThat((String) Rendered.at(app, "sysched.webhook.tls.validity")).isEqualTo("8760h");
        assertThat((String) Rendered.at(app, "sysched.webhook.tls.ca-validity")).isEqualTo("87600h");
        assertThat((String) Rendered.at(app, "sysched.webhook.tls.check-interval"))
                .isEqualTo("5m");
        assertThat((String) Rendered.at(app, "sysched.webhook.tls.bundle-propagation"))
                .isEqualTo("5m");
        assertThat(Rendered.<Map<String, Object>>at(app, "sysched.webhook.tls"))
                .doesNotContainKeys("renew-before", "ca-renew-before");

        // the Secrets the app writes (its own; the extender's mutual-TLS pair) are the ones its Role may get/update
        Role role = r.all(Role.class).stream()
                .filter(ro -> ro.getRules().stream()
                        .anyMatch(rule -> rule.getResources().contains("secrets")))
                .findFirst()
                .orElseThrow();
        assertThat(role.getRules())
                .filteredOn(rule -> rule.getVerbs().contains("update"))
                .singleElement()
                .satisfies(rule -> assertThat(rule.getResourceNames())
                        .containsExactly(
                                secret,
                                Rendered.at(app, "sysched.webhook.tls.extender.server-secret"),
                                Rendered.at(app, "sysched.webhook.tls.extender.client-secret")));
    }

    @Test
    void selfSignedRenewalMarginsReachTheApp() {
        Rendered r = render(
                "self-signed",
                Map.of(
                        "tls.selfSigned.renewBefore",
                        "720h",
                        "tls.selfSigned.caRenewBefore",
                        "8760h",
                        "tls.selfSigned.bundlePropagation",
                        "10m"));
        Map<String, Object> app = AppConfigTest.webhookConfig(r, webhookDeployment(r));
        assertThat((String) Rendered.at(app, "sysched.webhook.tls.renew-before"))
                .isEqualTo("720h");
        assertThat((String) Rendered.at(app, "sysched.webhook.tls.ca-renew-before"))
                .isEqualTo("8760h");
        assertThat((String) Rendered.at(app, "sysched.webhook.tls.bundle-propagation"))
                .isEqualTo("10m");
    }

    @Test
    void certManagerModeTellsTheAppToReadFilesFromTheMount() {
        Rendered r = render("cert-manager");
        Map<String, Object> app = AppConfigTest.webhookConfig(r, webhookDeployment(r));
        assertThat((String) Rendered.at(app, "sysched.webhook.tls.mode")).isEqualTo("files");
        assertThat((String) Rendered.at(app, "sysched.webhook.tls.dir")).isEqualTo("/tls");
    }

    @Test
    void noSecretIsEverMountedWithSubPath() {
        for (String vs : ChartRenderer.VALUE_SETS) {
            for (Deployment d : render(vs).all(Deployment.class)) {
                d.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .forEach(c -> assertThat(c.getVolumeMounts())
                                .as("%s %s", vs, d.getMetadata().getName())
                                .allSatisfy(m -> assertThat(m.getSubPath()).isNull()));
            }
        }
    }
}
