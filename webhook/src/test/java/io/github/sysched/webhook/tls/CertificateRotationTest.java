package io.github.sysched.webhook.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sysched.webhook.WebhookApplication;
import io.github.sysched.webhook.support.MockKube;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.TestTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** P5: the served certificate follows a ..data symlink swap while requests keep flowing. */
@SpringBootTest(
        classes = WebhookApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.server.port=0",
            "spring.ssl.bundle.watch.file.quiet-period=100ms",
            "sysched.webhook.request-deadline=10s"
        })
class CertificateRotationTest {

    private static final TestTls TLS = TestTls.create();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        MockKube.client();
        registry.add("sysched.webhook.tls.dir", () -> TLS.dir().toString());
    }

    private HttpResponse<String> send(HttpClient client) throws Exception {
        String review = Reviews.review(
                        "",
                        "v1",
                        "ConfigMap",
                        "configmaps",
                        "CREATE",
                        "default",
                        Reviews.json("{\"metadata\":{\"name\":\"cm\"}}"),
                        null,
                        "alice")
                .toString();
        return client.send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/validate"))
                        .timeout(Duration.ofSeconds(20))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(review))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private X509Certificate served(X509Certificate... trusted) throws Exception {
        HttpResponse<String> response = send(TestTls.client(trusted)); // fresh client: fresh handshake
        assertThat(response.statusCode()).isEqualTo(200);
        return (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
    }

    @Test
    void swappedCertificateIsServedWithoutDroppingRequests() throws Exception {
        X509Certificate oldCa = TLS.ca().certificate();
        assertThat(served(oldCa).getIssuerX500Principal()).isEqualTo(oldCa.getSubjectX500Principal());

        io.github.sysched.webhook.tls.CertificateFactory.Issued newCa =
                io.github.sysched.webhook.tls.CertificateFactory.certificateAuthority("rotated CA", Duration.ofDays(1));
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread load = new Thread(() -> {
            while (running.get()) {
                try {
                    // trusts both CAs, as a caBundle does during a rotation
                    statuses.add(
                            send(TestTls.client(oldCa, newCa.certificate())).statusCode());
                } catch (Exception e) {
                    failures.add(e);
                }
            }
        });
        load.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> statuses.size() >= 3);
            X509Certificate newLeaf = TLS.issue(newCa).certificate();

            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() ->
                            served(oldCa, newCa.certificate()).getSerialNumber().equals(newLeaf.getSerialNumber()));
            int before = statuses.size();
            await().atMost(Duration.ofSeconds(10)).until(() -> statuses.size() >= before + 3);
        } finally {
            running.set(false);
            load.join(30_000);
        }
        assertThat(failures).isEmpty();
        assertThat(statuses).isNotEmpty().allMatch(s -> s == 200);
        // a client that trusts only the old CA is now refused: the new certificate really is in use
        org.junit.jupiter.api.Assertions.assertThrows(
                javax.net.ssl.SSLHandshakeException.class, () -> send(TestTls.client(oldCa)));
    }
}
