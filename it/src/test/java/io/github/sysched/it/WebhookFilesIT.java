package io.github.sysched.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook's exec jar in {@code tls.mode=files} (the chart's cert-manager mode): it serves the certificate of a
 * cert-manager-layout directory, answers an AdmissionReview over TLS to a client trusting only that CA, and turns
 * ready. It writes no Secret: the certificate is cert-manager's business.
 */
class WebhookFilesIT {

    @Test
    void servesTheMountedCertificate(@TempDir Path work) throws Exception {
        Path tls = Files.createDirectories(work.resolve("tls"));
        String ca = CertManagerFiles.write(tls, WebhookChecks.SERVICE_DNS_NAME);
        try (MockApiServer api = MockApiServer.start()) {
            int httpsPort = ServiceProcess.freePort();
            try (ServiceProcess webhook = ServiceProcess.start(
                    "webhook-files",
                    ServiceProcess.jar("sysched.it.webhook-jar"),
                    api.writeKubeconfig(work.resolve("kubeconfig")),
                    work,
                    ServiceProcess.freePort(),
                    List.of(
                            "--server.port=" + httpsPort,
                            "--server.address=127.0.0.1",
                            "--sysched.webhook.tls.mode=files",
                            "--sysched.webhook.tls.dir=" + tls))) {
                webhook.awaitReady();
                ServiceTls.Response response = ServiceTls.post(
                        ca, WebhookChecks.SERVICE_DNS_NAME, httpsPort, "/mutate", WebhookChecks.nginxPodCreate());
                WebhookChecks.assertStampsNginxProfile(response);
                assertThat(api.client().secrets().inAnyNamespace().list().getItems())
                        .isEmpty();
                assertThat(webhook.log()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
            }
        }
    }
}
