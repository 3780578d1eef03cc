package io.github.sysched.webhook.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.zjsonpatch.JsonPatch;
import io.github.sysched.webhook.WebhookApplication;
import io.github.sysched.webhook.cache.ClusterCache;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The application on a random HTTPS port (test certificate from {@link TestTls}) against {@link MockKube};
 * management on a random plain-HTTP port. Subclasses add properties with {@code @TestPropertySource}.
 */
@SpringBootTest(
        classes = WebhookApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.server.port=0",
            "spring.ssl.bundle.watch.file.quiet-period=100ms",
            // the 2s production default is about a warm JVM; these tests share two cores with other builds
            "sysched.webhook.request-deadline=10s",
            "logging.structured.format.console=",
            "sysched.webhook.annotation-writers=system:serviceaccount:sysched-system:rewriter"
        })
public abstract class WebhookTestBase {

    @LocalServerPort
    protected int port;

    @LocalManagementPort
    protected int managementPort;

    @Autowired
    protected ClusterCache cache;

    protected final HttpClient https = TestTls.client(TestTls.shared().ca().certificate());
    protected final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        MockKube.client(); // sets the kubernetes.* system properties before the context starts
        registry.add("sysched.webhook.tls.dir", () -> TestTls.shared().dir().toString());
    }

    protected static KubernetesClient kube() {
        return MockKube.client();
    }

    private volatile String lastReadiness = "none";

    @BeforeEach
    void awaitReady() {
        await().atMost(Duration.ofSeconds(30)).until(cache::synced);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                HttpResponse<String> readiness = management("/actuator/health/readiness");
                lastReadiness = readiness.statusCode() + " " + readiness.body();
                return readiness.statusCode() == 200;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    "readiness not UP within 30s; last answer: " + lastReadiness + "; cache: " + cache.problem(), e);
        }
    }

    protected HttpResponse<String> post(String path, String body) {
        return post(https, path, body);
    }

    protected HttpResponse<String> post(HttpClient client, String path, String body) {
        try {
            return client.send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                            .timeout(Duration.ofSeconds(20))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected HttpResponse<String> management(String path) {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + path))
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POSTs the review and returns its {@code response}, checking the envelope the API server insists on. */
    protected JsonNode admit(String path, JsonNode review) {
        HttpResponse<String> response = post(path, review.toString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = Reviews.JSON.readTree(response.body());
        assertThat(body.path("apiVersion").asString()).isEqualTo("admission.k8s.io/v1");
        assertThat(body.path("kind").asString()).isEqualTo("AdmissionReview");
        JsonNode result = body.path("response");
        assertThat(result.path("uid").asString())
                .isEqualTo(review.path("request").path("uid").asString());
        if (result.has("patch")) {
            assertThat(result.path("patchType").asString()).isEqualTo("JSONPatch");
        } else {
            assertThat(result.has("patchType")).isFalse();
        }
        return result;
    }

    /** The decoded JSON Patch of a response (an empty array when there is none). */
    protected static JsonNode patchOf(JsonNode response) {
        if (!response.has("patch")) {
            return Reviews.JSON.createArrayNode();
        }
        return Reviews.JSON.readTree(
                Base64.getDecoder().decode(response.path("patch").asString()));
    }

    /** The review's object with the response's patch applied by zjsonpatch. */
    protected static JsonNode patched(JsonNode review, JsonNode response) {
        return JsonPatch.apply(patchOf(response), review.path("request").path("object"));
    }
}
