package io.github.sysched.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.github.sysched.kube.NotReadyEvents.PodRef;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The not-ready reason as an Event on the service's own pod, against the CRUD mock API server. */
class NotReadyEventsTest {

    private static final PodRef POD = new PodRef("sysched-system", "sysched-scheduler-7d9f-abcde", "uid-1234");
    private static final String MISSING_CRD =
            "SPO scope unknown: CRD seccompprofiles.security-profiles-operator.x-k8s.io not found (is SPO installed?)";

    private KubernetesMockServer server;
    private KubernetesClient client;
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:00Z"));
    private final AtomicReference<String> problem = new AtomicReference<>(MISSING_CRD);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    private void advance(Duration by) {
        now.set(now.get().plus(by));
    }

    private List<Event> events() {
        return client.v1().events().inNamespace(POD.namespace()).list().getItems();
    }

    @Test
    void afterTheGracePeriodThenAtMostEveryRepeatWhileNotReady() {
        NotReadyEvents events = new NotReadyEvents(
                client, POD, "sysched-scheduler", problem::get, clock, Duration.ofMinutes(1), Duration.ofMinutes(5));

        assertThat(events.check()).isEmpty();
        advance(Duration.ofSeconds(59));
        assertThat(events.check())
                .as("a start-up shorter than the grace period stays quiet")
                .isEmpty();
        advance(Duration.ofSeconds(2));
        assertThat(events.check()).isPresent();
        assertThat(events()).singleElement().satisfies(event -> {
            assertThat(event.getInvolvedObject().getKind()).isEqualTo("Pod");
            assertThat(event.getInvolvedObject().getApiVersion()).isEqualTo("v1");
            assertThat(event.getInvolvedObject().getNamespace()).isEqualTo(POD.namespace());
            assertThat(event.getInvolvedObject().getName()).isEqualTo(POD.name());
            assertThat(event.getInvolvedObject().getUid())
                    .as("kubectl describe matches on it")
                    .isEqualTo(POD.uid());
            assertThat(event.getType()).isEqualTo("Warning");
            assertThat(event.getReason()).isEqualTo("NotReady");
            assertThat(event.getMessage()).isEqualTo("not ready for 1m: " + MISSING_CRD);
            assertThat(event.getSource().getComponent()).isEqualTo("sysched-scheduler");
            assertThat(event.getFirstTimestamp()).isEqualTo("2026-12-01T10:01:01Z");
            assertThat(event.getMetadata().getName()).startsWith(POD.name() + ".");
        });

        advance(Duration.ofMinutes(4));
        assertThat(events.check()).as("rate-limited").isEmpty();
        advance(Duration.ofMinutes(1));
        assertThat(events.check()).isPresent();
        assertThat(events())
                .hasSize(2)
                .extracting(Event::getMessage)
                .last()
                .asString()
                .startsWith("not ready for 6m: ");

        problem.set("");
        advance(Duration.ofSeconds(10));
        assertThat(events.check()).as("ready").isEmpty();
        problem.set("watch lost, answering from the last state seen: pods for 12s");
        advance(Duration.ofSeconds(10));
        assertThat(events.check()).as("a new outage starts a new grace period").isEmpty();
        advance(Duration.ofSeconds(61));
        assertThat(events.check()).isPresent();
        assertThat(events()).hasSize(3);
    }

    @Test
    void outsideAPodNothingIsPostedAndLongReasonsAreCut() {
        NotReadyEvents outside = new NotReadyEvents(
                client, null, "sysched-scheduler", problem::get, clock, Duration.ZERO, Duration.ZERO);
        assertThat(outside.check()).isEmpty();
        outside.start();
        outside.close();
        assertThat(events()).isEmpty();

        problem.set("x".repeat(5000));
        NotReadyEvents inPod =
                new NotReadyEvents(client, POD, "sysched-scheduler", problem::get, clock, Duration.ZERO, Duration.ZERO);
        assertThat(inPod.check()).isPresent();
        assertThat(events())
                .singleElement()
                .satisfies(e -> assertThat(e.getMessage()).hasSize(1024));
    }

    @Test
    void thePodComesFromTheDownwardApiEnvironment() {
        assertThat(PodRef.fromEnvironment(Map.of("POD_NAME", "p", "POD_NAMESPACE", "ns", "POD_UID", "u")))
                .contains(new PodRef("ns", "p", "u"));
        assertThat(PodRef.fromEnvironment(Map.of("POD_NAME", "p", "POD_NAMESPACE", "ns")))
                .contains(new PodRef("ns", "p", null));
        assertThat(PodRef.fromEnvironment(Map.of("POD_NAME", "p"))).isEmpty();
        assertThat(PodRef.fromEnvironment(Map.of())).isEmpty();
    }
}
