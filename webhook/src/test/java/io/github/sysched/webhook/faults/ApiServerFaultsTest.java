package io.github.sysched.webhook.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.webhook.config.WebhookProperties;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.WebhookTestBase;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 7: the webhook with WireMock as its API server, which turns slow (every request answered after longer
 * than the request deadline) and then fails (500 for every request) after the initial sync. Admissions, dry run
 * or not, keep being answered from the informer caches, with the right profiles, within the deadline; readiness
 * goes OUT_OF_SERVICE while the watches are lost and UP again when the API server recovers; the webhook never
 * writes to the API server and never reads it per admission.
 */
@Import(ApiServerFaultsTest.WireMockApiServer.class)
@TestPropertySource(properties = {"sysched.webhook.request-deadline=2s", "sysched.webhook.spo.scope=namespaced"})
@DirtiesContext // its informers watch a WireMock server that goes away with this class
class ApiServerFaultsTest extends WebhookTestBase {

    /** Longer than the 2s request deadline. */
    private static final Duration SLOW = Duration.ofSeconds(3);

    private static final Duration AT_MOST = Duration.ofSeconds(30);

    @TestConfiguration(proxyBeanMethods = false)
    static class WireMockApiServer {

        @Bean(destroyMethod = "close")
        FakeApiServer fakeApiServer() {
            return new FakeApiServer();
        }

        @Bean(destroyMethod = "close")
        @Primary
        KubernetesClient wireMockClient(FakeApiServer api) {
            return api.client();
        }
    }

    @Autowired
    private FakeApiServer api;

    @Autowired
    private WebhookProperties properties;

    /** What one admission answered, and how long it took. */
    private record Outcome(boolean answered, long millis, String problem) {}

    @Test
    void admissionsAreAnsweredFromTheCachesWhileTheApiServerIsSlowThenFailing() {
        assertThat(properties.requestDeadline()).isEqualTo(Duration.ofSeconds(2));
        List<Outcome> healthy = new ArrayList<>();
        int requestsBeforeBurst = api.requests().size();
        for (int i = 0; i < 200; i++) {
            healthy.add(admitOne(i));
        }
        int requestsDuringBurst = api.requests().size() - requestsBeforeBurst;

        List<Outcome> slow = new ArrayList<>();
        List<Outcome> failing = new ArrayList<>();
        long failingAt;
        long outAt;
        long healthyAt;
        long upAt;
        try (ReadinessRecorder readiness = new ReadinessRecorder(this::readiness)) {
            await().atMost(AT_MOST).until(() -> "UP".equals(readiness.last()));

            api.slow(SLOW);
            long slowAt = readiness.millis();
            admitUntil(
                    slow,
                    "slow list or watch for every informer",
                    () -> api.requestsServedSlowly() >= FakeApiServer.COLLECTIONS.size()
                            && readiness.millis() - slowAt > SLOW.toMillis() + 1000);

            api.failing();
            failingAt = readiness.millis();
            // slow answers requested before still arrive (and may restore a watch for a while): wait them out
            long inFlight = SLOW.plus(FakeApiServer.WATCH_LENGTH).toMillis();
            admitUntil(
                    failing,
                    "readiness OUT_OF_SERVICE once the slow answers are over",
                    () -> readiness.millis() - failingAt > inFlight && "OUT_OF_SERVICE".equals(readiness.last()));
            outAt = readiness.lastChange().atMillis();
            long seenOutAt = readiness.millis();
            admitUntil(failing, "one more second", () -> readiness.millis() - seenOutAt > 1000);
            assertThat(readiness.last())
                    .as("readiness while every request fails")
                    .isEqualTo("OUT_OF_SERVICE");

            api.healthy();
            healthyAt = readiness.millis();
            await().atMost(AT_MOST).until(() -> "UP".equals(readiness.last()));
            upAt = readiness.lastChange().atMillis();
            Outcome recovered = admitOne(0);
            assertThat(recovered.answered()).as(recovered.problem()).isTrue();
            assertThat(readiness.changes())
                    .extracting(ReadinessRecorder.Change::status)
                    .doesNotContain("UNREACHABLE");
            System.out.println("FAULTS readiness changes: " + readiness.changes() + " (slow from " + slowAt
                    + "ms, 500s from " + failingAt + "ms, healthy from " + healthyAt + "ms)");
        }

        List<ServeEvent> requests = api.requests();
        long writes = requests.stream()
                .filter(e -> !e.getRequest().getMethod().getName().equals("GET"))
                .count();
        long lists =
                requests.stream().filter(e -> isCollection(e) && !isWatch(e)).count();
        long watches =
                requests.stream().filter(e -> isCollection(e) && isWatch(e)).count();
        List<String> otherReads = requests.stream()
                .filter(e -> e.getRequest().getMethod().getName().equals("GET") && !isCollection(e))
                .map(e -> e.getRequest().getUrl())
                .toList();
        assertThat(writes).as("requests that write to the API server").isZero();
        assertThat(otherReads)
                .as("reads other than the informers' list and watch")
                .isEmpty();
        assertThat(requestsDuringBurst)
                .as("API requests during a burst of 200 admissions (watch reconnects only)")
                .isLessThan(healthy.size() / 4);

        List<Outcome> duringFaults = new ArrayList<>(slow);
        duringFaults.addAll(failing);
        List<String> problems = new ArrayList<>();
        healthy.stream().filter(o -> !o.answered()).forEach(o -> problems.add(o.problem()));
        duringFaults.stream().filter(o -> !o.answered()).forEach(o -> problems.add(o.problem()));
        assertThat(problems).as("admissions not answered from the caches").isEmpty();
        assertThat(slow).isNotEmpty();
        assertThat(failing).isNotEmpty();

        long maxMillis = duringFaults.stream().mapToLong(Outcome::millis).max().orElse(0);
        long withinDeadline = duringFaults.stream()
                .filter(o -> o.answered()
                        && o.millis() <= properties.requestDeadline().toMillis())
                .count();
        System.out.printf(
                "FAULTS webhook vs WireMock API server: %d admissions during faults (%d while every API request"
                        + " took %ds, %d while every request got 500), %d answered from the caches within the %ds"
                        + " deadline, max latency %d ms; readiness OUT_OF_SERVICE %.1fs after the 500s began, UP %.1fs"
                        + " after recovery; API requests %d (%d lists, %d watches, %d other reads), API writes %d;"
                        + " healthy burst of %d admissions: %d API requests%n",
                duringFaults.size(),
                slow.size(),
                SLOW.toSeconds(),
                failing.size(),
                withinDeadline,
                properties.requestDeadline().toSeconds(),
                maxMillis,
                (outAt - failingAt) / 1000.0,
                (upAt - healthyAt) / 1000.0,
                requests.size(),
                lists,
                watches,
                otherReads.size(),
                writes,
                healthy.size(),
                requestsDuringBurst);
    }

    private void admitUntil(List<Outcome> outcomes, String waitingFor, BooleanSupplier done) {
        long giveUp = System.nanoTime() + AT_MOST.toNanos();
        int i = outcomes.size();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime())
                    .as("no " + waitingFor + " within " + AT_MOST)
                    .isLessThan(giveUp);
            outcomes.add(admitOne(i++));
            sleep(20);
        }
    }

    /**
     * One of four admissions that each need the caches, dry run every other time: a pod bound to the nginx
     * profile by the nginx binding, a pod that gets the default profile, a SeccompProfile whose base must exist,
     * and a ProfileBinding that duplicates the nginx binding. Answered means the handlers' answer came back, not
     * the failure-mode answer of a timeout.
     */
    private Outcome admitOne(int i) {
        boolean dryRun = i % 2 == 1;
        ObjectNode review;
        String expected;
        switch (i % 4) {
            case 0 -> {
                review = Reviews.podCreate("default", Reviews.pod("web-", "default", "nginx:1.16"));
                expected = "c0=default/nginx-seccomp (binding default/nginx-binding)";
            }
            case 1 -> {
                review = Reviews.podCreate("default", Reviews.pod("tool-", "default", "busybox:1.36"));
                expected = "c0=default/full-seccomp (default)";
            }
            case 2 -> {
                review = Reviews.review(
                        "security-profiles-operator.x-k8s.io",
                        "v1beta1",
                        "SeccompProfile",
                        "seccompprofiles",
                        "CREATE",
                        "default",
                        Reviews.json("""
                                {"apiVersion": "security-profiles-operator.x-k8s.io/v1beta1",
                                 "kind": "SeccompProfile", "metadata": {"name": "derived", "namespace": "default"},
                                 "spec": {"defaultAction": "SCMP_ACT_ERRNO", "baseProfileName": "full-seccomp",
                                          "syscalls": [{"action": "SCMP_ACT_ALLOW", "names": ["ptrace"]}]}}
                                """),
                        null,
                        "kubernetes-admin");
                expected = "allowed without warnings";
            }
            default -> {
                review = Reviews.review(
                        "security-profiles-operator.x-k8s.io",
                        "v1alpha1",
                        "ProfileBinding",
                        "profilebindings",
                        "CREATE",
                        "default",
                        Reviews.json("""
                                {"apiVersion": "security-profiles-operator.x-k8s.io/v1alpha1",
                                 "kind": "ProfileBinding", "metadata": {"name": "again", "namespace": "default"},
                                 "spec": {"profileRef": {"kind": "SeccompProfile", "name": "nginx-seccomp"},
                                          "image": "nginx:1.16"}}
                                """),
                        null,
                        "kubernetes-admin");
                expected = "denied as ambiguous with nginx-binding";
            }
        }
        ((ObjectNode) review.path("request")).put("dryRun", dryRun);
        String path = i % 4 < 2 ? "/mutate" : "/validate";
        long start = System.nanoTime();
        JsonNode response = admit(path, review);
        long millis = (System.nanoTime() - start) / 1_000_000;
        String got = switch (i % 4) {
            case 0, 1 ->
                patched(review, response)
                        .path("metadata")
                        .path("annotations")
                        .path(PlacementAnnotations.PROFILES)
                        .asString("no profiles annotation: " + response);
            case 2 ->
                response.path("allowed").asBoolean() && !response.has("warnings")
                        ? "allowed without warnings"
                        : response.toString();
            default ->
                !response.path("allowed").asBoolean()
                                && response.path("status")
                                        .path("message")
                                        .asString()
                                        .contains("nginx-binding")
                        ? "denied as ambiguous with nginx-binding"
                        : response.toString();
        };
        boolean answered = expected.equals(got);
        return new Outcome(
                answered, millis, answered ? "" : path + " #" + i + ": expected " + expected + ", got " + got);
    }

    private String readiness() {
        return Reviews.JSON
                .readTree(management("/actuator/health/readiness").body())
                .path("status")
                .asString();
    }

    private static boolean isCollection(ServeEvent event) {
        return FakeApiServer.COLLECTIONS.contains(
                URI.create(event.getRequest().getUrl()).getPath());
    }

    private static boolean isWatch(ServeEvent event) {
        return event.getRequest().getUrl().contains("watch=true");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
