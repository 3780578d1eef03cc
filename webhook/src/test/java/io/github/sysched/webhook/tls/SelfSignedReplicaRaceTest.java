package io.github.sysched.webhook.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.webhook.config.WebhookProperties;
import io.github.sysched.webhook.support.MockKube;
import io.github.sysched.webhook.tls.SelfSignedTlsBootstrap.Check;
import io.github.sysched.webhook.tls.SelfSignedTlsBootstrap.SecretWrite;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Issue 7: two replicas (own clients, own TLS directories, own HTTPS port) against one CRUD mock API server,
 * released together by a barrier. Whoever wins the Secret, both must end up serving the same certificate, and a
 * rotation must happen once, not once per replica.
 *
 * <p>The barrier releases both threads at once but does not make them run at once: on a busy machine one replica may
 * read the Secret only after the other has written it. During a renewal that replica may then find a webhook
 * configuration the writer has not patched yet, patch it and restart the wait for API servers (a second write that
 * keeps the next CA and the certificate): correct, as the configuration did lack the CA until then. So the renewal
 * counts the CAs and certificates written, not the writers.
 */
class SelfSignedReplicaRaceTest {

    private static final int ROUNDS = 20;
    private static final int RENEWAL_ROUNDS = 10;
    private static final Duration PROPAGATION = Duration.ofMinutes(10);

    /** Each replica's own API client (kept across rounds: creating one costs more than a round). */
    private static final KubernetesClient CLIENT_A = MockKube.server().createClient();

    private static final KubernetesClient CLIENT_B = MockKube.server().createClient();

    /** A webhook pod: its bootstrap and the port serving its TLS directory. */
    private record Replica(SelfSignedTlsBootstrap bootstrap, LoopbackTlsServer server) implements AutoCloseable {

        static Replica start(KubernetesClient client, String namespace, Path dir, Clock clock) {
            return new Replica(
                    new SelfSignedTlsBootstrap(client, properties(namespace, dir), clock), new LoopbackTlsServer(dir));
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    static WebhookProperties properties(String namespace, Path dir) {
        Map<String, String> map = new HashMap<>();
        map.put("sysched.webhook.tls.mode", "self-signed");
        map.put("sysched.webhook.tls.dir", dir.toString());
        map.put("sysched.webhook.tls.namespace", namespace);
        map.put("sysched.webhook.tls.service-name", "localhost");
        map.put("sysched.webhook.tls.webhook-configurations", namespace);
        map.put("sysched.webhook.tls.validity", "80d");
        map.put("sysched.webhook.tls.ca-validity", "90d");
        map.put("sysched.webhook.tls.bundle-propagation", PROPAGATION.toMinutes() + "m");
        return new Binder(new MapConfigurationPropertySource(map))
                .bindOrCreate("sysched.webhook", WebhookProperties.class);
    }

    /** Runs {@code check()} on both replicas at the same instant. */
    static List<Check> together(Replica a, Replica b) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(2);
        ExecutorService threads = Executors.newFixedThreadPool(2); // one thread per replica, whatever the cores
        try {
            List<Future<Check>> checks = new ArrayList<>();
            for (Replica replica : List.of(a, b)) {
                checks.add(threads.submit(() -> {
                    barrier.await(30, TimeUnit.SECONDS);
                    return replica.bootstrap().check();
                }));
            }
            List<Check> results = new ArrayList<>();
            for (Future<Check> check : checks) {
                results.add(check.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * Both replicas serve the Secret's certificate (seen through real handshakes, trusting only the published
     * caBundle) and every webhook carries the Secret's bundle.
     */
    static void assertOneServedCertificate(String namespace, Replica a, Replica b, Clock clock) {
        List<Secret> secrets =
                MockKube.client().secrets().inNamespace(namespace).list().getItems();
        assertThat(secrets).as("Secrets in " + namespace).hasSize(1);
        Secret secret = secrets.get(0);
        X509Certificate leaf =
                SelfSignedMaterial.read(secret).orElseThrow().leaf().certificate();
        String caBundle = secret.getData().get("ca.crt");
        assertThat(WebhookConfigurations.caBundles(namespace))
                .as("caBundle of every webhook")
                .hasSize(2)
                .containsOnly(caBundle);
        List<X509Certificate> published = TlsProbe.bundle(caBundle);
        TlsProbe.Result first = TlsProbe.handshake(a.server().port(), clock, published);
        TlsProbe.Result second = TlsProbe.handshake(b.server().port(), clock, published);
        assertThat(first.failure()).as("replica A handshake").isNull();
        assertThat(second.failure()).as("replica B handshake").isNull();
        assertThat(TlsProbe.fingerprint(first.served()))
                .as("replica A serves the Secret's certificate")
                .isEqualTo(TlsProbe.fingerprint(leaf));
        assertThat(TlsProbe.fingerprint(second.served()))
                .as("replica B serves the Secret's certificate")
                .isEqualTo(TlsProbe.fingerprint(leaf));
    }

    /**
     * What the replicas that won a write put into the Secret: the serving certificate and the next CA, as
     * fingerprints. One entry: every writer wrote the same (a second writer only restarted the wait).
     */
    static Set<List<String>> written(List<Check> checks) {
        Set<List<String>> written = new HashSet<>();
        for (Check check : checks) {
            if (check.write() == SecretWrite.WON) {
                SelfSignedMaterial material =
                        SelfSignedMaterial.read(check.secret()).orElseThrow();
                written.add(List.of(
                        TlsProbe.fingerprint(material.leaf().certificate()),
                        material.next() == null
                                ? ""
                                : TlsProbe.fingerprint(material.next().certificate())));
            }
        }
        return written;
    }

    @Test
    void replicasStartingTogetherServeOneCertificate(@TempDir Path tmp) throws Exception {
        Map<SecretWrite, Integer> writes = new EnumMap<>(SecretWrite.class);
        List<String> mismatches = new ArrayList<>();
        int singleWinnerRounds = 0;
        Clock clock = Clock.systemUTC();
        for (int round = 0; round < ROUNDS; round++) {
            String namespace = "race-create-" + round;
            WebhookConfigurations.create(namespace);
            try (Replica a = Replica.start(CLIENT_A, namespace, tmp.resolve(round + "a"), clock);
                    Replica b = Replica.start(CLIENT_B, namespace, tmp.resolve(round + "b"), clock)) {
                List<Check> checks = together(a, b);
                checks.forEach(c -> writes.merge(c.write(), 1, Integer::sum));
                if (checks.stream().filter(c -> c.write() == SecretWrite.WON).count() == 1) {
                    singleWinnerRounds++;
                }
                try {
                    assertOneServedCertificate(namespace, a, b, clock);
                } catch (AssertionError e) {
                    mismatches.add("round " + round + ": " + e.getMessage());
                }
            }
        }
        System.out.printf(
                "RACE create: %d races, %d with exactly one winner (%d created, %d lost with 409 and "
                        + "served the winner's, %d found it created), %d mismatches%n",
                ROUNDS,
                singleWinnerRounds,
                writes.getOrDefault(SecretWrite.WON, 0),
                writes.getOrDefault(SecretWrite.LOST, 0),
                writes.getOrDefault(SecretWrite.NONE, 0),
                mismatches.size());
        assertThat(mismatches).isEmpty();
        assertThat(singleWinnerRounds)
                .as("rounds where exactly one replica created the Secret")
                .isEqualTo(ROUNDS);
        assertThat(writes.getOrDefault(SecretWrite.LOST, 0))
                .as("the race really happened (409s)")
                .isPositive();
    }

    @Test
    void replicasRenewingTogetherPublishAndPromoteOneNewCa(@TempDir Path tmp) throws Exception {
        Map<SecretWrite, Integer> staging = new EnumMap<>(SecretWrite.class);
        Map<SecretWrite, Integer> promoting = new EnumMap<>(SecretWrite.class);
        List<String> mismatches = new ArrayList<>();
        int oneRotationRounds = 0;
        int restartedWaits = 0;
        for (int round = 0; round < RENEWAL_ROUNDS; round++) {
            String namespace = "race-renew-" + round;
            WebhookConfigurations.create(namespace);
            MutableClock clock = new MutableClock(Instant.now());
            try (Replica a = Replica.start(CLIENT_A, namespace, tmp.resolve(round + "a"), clock);
                    Replica b = Replica.start(CLIENT_B, namespace, tmp.resolve(round + "b"), clock)) {
                X509Certificate oldCa = SelfSignedMaterial.read(
                                a.bootstrap().check().secret())
                        .orElseThrow()
                        .signer()
                        .certificate();
                b.bootstrap().check();

                clock.advance(Duration.ofDays(61)); // CA: 90d, its renewal is due a third before its end
                List<Check> staged = together(a, b);
                staged.forEach(c -> staging.merge(c.write(), 1, Integer::sum));
                try {
                    assertOneServedCertificate(namespace, a, b, clock); // the winner's bundle, the old CA's leaf
                } catch (AssertionError e) {
                    mismatches.add("round " + round + ", next CA published: " + e.getMessage());
                }
                clock.advance(PROPAGATION);
                List<Check> promoted = together(a, b);
                promoted.forEach(c -> promoting.merge(c.write(), 1, Integer::sum));
                long stagingWriters = staged.stream()
                        .filter(c -> c.write() == SecretWrite.WON)
                        .count();
                restartedWaits += (int) Math.max(0, stagingWriters - 1);
                if (written(staged).size() == 1
                        && promoted.stream()
                                        .filter(c -> c.write() == SecretWrite.WON)
                                        .count()
                                == 1) {
                    oneRotationRounds++;
                }
                try {
                    assertOneServedCertificate(namespace, a, b, clock);
                    SelfSignedMaterial after = SelfSignedMaterial.read(MockKube.client()
                                    .secrets()
                                    .inNamespace(namespace)
                                    .withName("sysched-webhook-tls")
                                    .get())
                            .orElseThrow();
                    assertThat(after.trusted())
                            .as("caBundle after the rotation: old and one new CA")
                            .hasSize(2)
                            .contains(oldCa);
                    assertThat(after.signer().certificate())
                            .as("the new CA signs")
                            .isNotEqualTo(oldCa);
                    assertThat(after.next()).isNull();
                } catch (AssertionError e) {
                    mismatches.add("round " + round + ": " + e.getMessage());
                }
            }
        }
        System.out.printf(
                "RACE renew: %d rounds, %d with one next CA published and one promotion; publishing the next CA: %s "
                        + "(%d late replicas restarted the wait); promoting it: %s; %d mismatches%n",
                RENEWAL_ROUNDS, oneRotationRounds, staging, restartedWaits, promoting, mismatches.size());
        assertThat(mismatches).isEmpty();
        assertThat(oneRotationRounds)
                .as("rounds where the replicas published one next CA and one replica promoted it")
                .isEqualTo(RENEWAL_ROUNDS);
        assertThat(staging.getOrDefault(SecretWrite.LOST, 0) + promoting.getOrDefault(SecretWrite.LOST, 0))
                .as("the renewal race really happened (409s)")
                .isPositive();
    }
}
