package io.github.sysched.webhook.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.github.sysched.webhook.WebhookApplication;
import io.github.sysched.webhook.support.MockKube;
import io.github.sysched.webhook.support.Reviews;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Issue 7, one replica end to end: the application with {@code tls.mode=self-signed}, a clock the test moves, its
 * renewal schedule (every 100ms) and its SSL bundle's file reload, against the CRUD mock. Lifetimes: serving
 * certificate 30d (renewed 10d before its end), CA 100d (rotation starts 25d before its end), new CA 10min in
 * caBundle before it signs.
 *
 * <p>An API server verifies against the caBundle it last saw, which may lag behind what was patched. So right after
 * every caBundle change the served certificate must verify against the bundle published before <em>and</em> the
 * new one, and a certificate of a new CA is served only once that CA has been published for bundle-propagation.
 */
@SpringBootTest(
        classes = WebhookApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.server.port=0",
            "sysched.webhook.request-deadline=10s",
            "spring.ssl.bundle.watch.file.quiet-period=100ms",
            "sysched.webhook.tls.mode=self-signed",
            "sysched.webhook.tls.namespace=renewal",
            "sysched.webhook.tls.service-name=localhost",
            "sysched.webhook.tls.webhook-configurations=renewal",
            "sysched.webhook.tls.validity=30d",
            "sysched.webhook.tls.ca-validity=100d",
            "sysched.webhook.tls.ca-renew-before=25d",
            "sysched.webhook.tls.check-interval=100ms",
            "sysched.webhook.tls.bundle-propagation=10m"
        })
@Import(SelfSignedRenewalTest.TestClock.class)
@DirtiesContext // stops its 100ms schedule
class SelfSignedRenewalTest {

    private static final MutableClock CLOCK = new MutableClock(Instant.now());
    private static final Path DIR = tempDir();

    @TestConfiguration(proxyBeanMethods = false)
    static class TestClock {
        @Bean
        @Primary // wins over any other Clock bean: SelfSignedTlsBootstrap takes the unique or primary one
        Clock renewalTestClock() {
            return CLOCK;
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    SelfSignedTlsBootstrap bootstrap;

    private final List<String> published = new ArrayList<>();
    private int handshakesOk;
    private int handshakesRefused;

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("sysched-renewal");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        WebhookConfigurations.create("renewal");
        registry.add("sysched.webhook.tls.dir", DIR::toString);
    }

    private static Secret secret() {
        return MockKube.client()
                .secrets()
                .inNamespace("renewal")
                .withName("sysched-webhook-tls")
                .get();
    }

    private static SelfSignedMaterial material() {
        return SelfSignedMaterial.read(secret()).orElseThrow();
    }

    /** Waits until the webhook serves the Secret's certificate, then returns it. */
    private X509Certificate awaitServedMatchesSecret() {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    TlsProbe.Result result =
                            TlsProbe.handshake(port, CLOCK, material().trusted());
                    return result.ok()
                            && result.served().equals(material().leaf().certificate());
                });
        return material().leaf().certificate();
    }

    /** The bundle every webhook carries, once it is the Secret's. */
    private List<X509Certificate> awaitPublishedBundle() {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> WebhookConfigurations.caBundles("renewal").stream()
                        .allMatch(b -> b.equals(secret().getData().get("ca.crt"))));
        String bundle = secret().getData().get("ca.crt");
        if (published.isEmpty() || !published.get(published.size() - 1).equals(bundle)) {
            published.add(bundle);
        }
        return TlsProbe.bundle(bundle);
    }

    /** Clients standing in for API servers that hold each of {@code bundles} all accept the served certificate. */
    @SafeVarargs
    private void assertVerifiesUnder(X509Certificate served, List<X509Certificate>... bundles) {
        for (List<X509Certificate> bundle : bundles) {
            TlsProbe.Result result = TlsProbe.handshake(port, CLOCK, bundle);
            assertThat(result.failure())
                    .as("handshake trusting %s at %s", names(bundle), CLOCK.instant())
                    .isNull();
            assertThat(result.served()).isEqualTo(served);
            handshakesOk++;
        }
    }

    private static List<String> names(List<X509Certificate> bundle) {
        return bundle.stream().map(c -> c.getSubjectX500Principal().getName()).toList();
    }

    private void assertRefused(X509Certificate... trusted) {
        TlsProbe.Result result = TlsProbe.handshake(port, CLOCK, List.of(trusted));
        assertThat(result.ok())
                .as("a client trusting only %s is refused", names(List.of(trusted)))
                .isFalse();
        handshakesRefused++;
    }

    @Test
    void rotatesTheCaWithBothCasPublishedAroundTheSwitch() throws Exception {
        Instant start = CLOCK.instant();
        Set<X509Certificate> leaves = new LinkedHashSet<>();
        List<Integer> bundleSizes = new ArrayList<>();

        // start: one CA, one certificate
        List<X509Certificate> first = awaitPublishedBundle();
        bundleSizes.add(first.size());
        X509Certificate oldCa = material().signer().certificate();
        X509Certificate served = awaitServedMatchesSecret();
        leaves.add(served);
        assertVerifiesUnder(served, first);

        // the serving certificate is renewed by the same CA, without a bundle change, three times
        for (int days : List.of(21, 41, 61)) {
            X509Certificate previous = served;
            CLOCK.set(start.plus(Duration.ofDays(days)));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !material().leaf().certificate().equals(previous));
            served = awaitServedMatchesSecret();
            leaves.add(served);
            assertThat(served.getIssuerX500Principal()).isEqualTo(oldCa.getSubjectX500Principal());
            assertThat(awaitPublishedBundle()).containsExactly(oldCa);
            assertVerifiesUnder(served, first);
        }

        // day 76: the CA is within 25d of its end: the next CA enters caBundle but signs nothing yet
        CLOCK.set(start.plus(Duration.ofDays(76)));
        await().atMost(Duration.ofSeconds(30)).until(() -> material().next() != null);
        X509Certificate newCa = material().next().certificate();
        List<X509Certificate> overlap = awaitPublishedBundle();
        bundleSizes.add(overlap.size());
        assertThat(overlap).containsExactlyInAnyOrder(oldCa, newCa);
        served = awaitServedMatchesSecret();
        assertThat(served.getIssuerX500Principal())
                .as("still the old CA's certificate")
                .isEqualTo(oldCa.getSubjectX500Principal());
        // API servers that have not seen the change yet, and those that have
        assertVerifiesUnder(served, first, overlap);
        assertRefused(newCa); // what serving a new CA's certificate now would need: nobody has it alone

        // the next CA stays unused for bundle-propagation, however often the replica checks
        CLOCK.advance(Duration.ofMinutes(9));
        bootstrap.check();
        bootstrap.check();
        assertThat(material().next()).as("promoted before bundle-propagation").isNotNull();
        assertThat(awaitServedMatchesSecret()).isEqualTo(served);
        assertVerifiesUnder(served, first, overlap);

        // after bundle-propagation: the replica switches to a certificate of the new CA, without a restart
        CLOCK.advance(Duration.ofMinutes(2));
        await().atMost(Duration.ofSeconds(30)).until(() -> material().next() == null);
        served = awaitServedMatchesSecret();
        leaves.add(served);
        assertThat(served.getIssuerX500Principal()).isEqualTo(newCa.getSubjectX500Principal());
        served.verify(newCa.getPublicKey());
        List<X509Certificate> afterSwitch = awaitPublishedBundle();
        assertThat(afterSwitch).as("old CA kept until it expires").containsExactlyInAnyOrder(oldCa, newCa);
        assertVerifiesUnder(served, overlap, List.of(newCa));
        assertRefused(oldCa); // an API server still on the first bundle: bundle-propagation gave it 10 minutes

        // one minute before the old CA expires it is still published (the certificate was renewed meanwhile)
        CLOCK.set(oldCa.getNotAfter().toInstant().minus(Duration.ofMinutes(1)));
        bootstrap.check();
        bootstrap.check();
        assertThat(material().trusted()).containsExactlyInAnyOrder(oldCa, newCa);
        served = awaitServedMatchesSecret();
        leaves.add(served);
        assertVerifiesUnder(served, overlap);

        // once it has expired it is dropped; the certificate chains to the new CA
        CLOCK.set(oldCa.getNotAfter().toInstant().plusSeconds(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> material().trusted().size() == 1);
        List<X509Certificate> pruned = awaitPublishedBundle();
        bundleSizes.add(pruned.size());
        assertThat(pruned).containsExactly(newCa);
        served = awaitServedMatchesSecret();
        leaves.add(served);
        served.verify(newCa.getPublicKey());
        assertVerifiesUnder(served, overlap, pruned);

        // and the webhook still answers admission requests over it
        HttpClient client = HttpClient.newBuilder()
                .sslContext(TlsProbe.context(CLOCK, pruned))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/validate"))
                        .timeout(Duration.ofSeconds(20))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Reviews.review(
                                        "",
                                        "v1",
                                        "ConfigMap",
                                        "configmaps",
                                        "CREATE",
                                        "renewal",
                                        Reviews.json("{\"metadata\":{\"name\":\"cm\"}}"),
                                        null,
                                        "alice")
                                .toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);

        System.out.printf(
                "ROTATION self-signed: %d serving certificates served (%d switches), 1 CA rotation, "
                        + "caBundle sizes %s (%d distinct bundles published), handshakes %d ok, %d refused as "
                        + "expected, 0 unexpected%n",
                leaves.size(), leaves.size() - 1, bundleSizes, published.size(), handshakesOk, handshakesRefused);
    }
}
