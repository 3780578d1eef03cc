package io.github.sysched.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The events.k8s.io/v1 recorder against the CRUD mock API server: queue, token bucket, series, failures. */
class EventRecorderTest {

    private static final ObjectReference POD = new ObjectReferenceBuilder()
            .withApiVersion("v1")
            .withKind("Pod")
            .withNamespace("shop")
            .withName("redis1-846ca16-163z")
            .withUid("uid-1")
            .build();
    private static final ObjectReference NODE = new ObjectReferenceBuilder()
            .withApiVersion("v1")
            .withKind("Node")
            .withName("worker-b")
            .build();

    private KubernetesMockServer server;
    private KubernetesClient client;
    private EventRecorder recorder;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        if (recorder != null) {
            recorder.close();
        }
        client.close();
        server.destroy();
    }

    private EventRecorder recorder(KubernetesClient with, EventRecorder.Settings settings) {
        recorder =
                new EventRecorder(with, "sysched-extender", "sysched-extender-7d9f-abcde", settings, Clock.systemUTC());
        recorder.start();
        return recorder;
    }

    private static EventRecorder.Occurrence placement(String note) {
        return new EventRecorder.Occurrence(POD, NODE, "Normal", "SyschedPlacement", "Binding", note);
    }

    private List<Event> events() {
        return client.events().v1().events().inNamespace("shop").list().getItems();
    }

    @Test
    void createsAnEventsV1EventAsTheApiServerValidatesIt() {
        EventRecorder events = recorder(client, EventRecorder.Settings.DEFAULT);

        assertThat(events.post(placement("placed on worker-b"))).isTrue();

        await().atMost(Duration.ofSeconds(30)).until(() -> events.sent() == 1);
        Event event = events().get(0);
        assertThat(event.getMetadata().getName()).startsWith("redis1-846ca16-163z.");
        assertThat(event.getRegarding()).isEqualTo(POD);
        assertThat(event.getRelated()).isEqualTo(NODE);
        assertThat(event.getReason()).isEqualTo("SyschedPlacement");
        assertThat(event.getAction()).isEqualTo("Binding");
        assertThat(event.getType()).isEqualTo("Normal");
        assertThat(event.getNote()).isEqualTo("placed on worker-b");
        assertThat(event.getReportingController()).isEqualTo("sysched-extender");
        assertThat(event.getReportingInstance()).isEqualTo("sysched-extender-7d9f-abcde");
        // events.k8s.io/v1 validation: eventTime set (micro-seconds), the deprecated core fields unset
        assertThat(event.getEventTime().getTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        assertThat(event.getDeprecatedCount()).isNull();
        assertThat(event.getDeprecatedSource()).isNull();
        assertThat(event.getSeries()).isNull();
    }

    @Test
    void repeatsJoinTheSeriesOfTheFirstEventInsteadOfCreatingMore() {
        EventRecorder events =
                recorder(client, new EventRecorder.Settings(10, 100, 100, Duration.ofMinutes(6), Duration.ZERO));

        events.post(placement("first"));
        events.post(placement("second: the note is not part of the key, as in client-go"));
        events.post(placement("third"));

        await().atMost(Duration.ofSeconds(30)).until(() -> events.sent() == 1 && events.aggregated() == 2);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(events())
                        .singleElement()
                        .satisfies(e -> assertThat(e.getSeries().getCount()).isEqualTo(3)));
        Event event = events().get(0);
        assertThat(event.getNote()).isEqualTo("first");
        assertThat(Instant.parse(event.getSeries().getLastObservedTime().getTime()))
                .isAfterOrEqualTo(Instant.parse(event.getEventTime().getTime()));

        // another object (or another related node) is another Event
        events.post(new EventRecorder.Occurrence(
                POD,
                new ObjectReferenceBuilder(NODE).withName("worker-a").build(),
                "Normal",
                "SyschedPlacement",
                "Binding",
                "elsewhere"));
        await().atMost(Duration.ofSeconds(30)).until(() -> events.sent() == 2);
        assertThat(events()).hasSize(2);
        assertThat(events.failed()).isZero();
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfWaiting() {
        // two tokens, then (practically) none: the sender sends two and waits; the queue holds three
        EventRecorder events = recorder(
                client, new EventRecorder.Settings(0.0001, 2, 3, Duration.ofMinutes(6), Duration.ofSeconds(30)));
        int accepted = 0;
        for (int i = 0; i < 10; i++) {
            ObjectReference pod = new ObjectReferenceBuilder(POD)
                    .withName("pod-" + i)
                    .withUid("uid-" + i)
                    .build();
            if (events.post(new EventRecorder.Occurrence(pod, null, "Normal", "SyschedPlacement", "Binding", "n"))) {
                accepted++;
            }
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> events.sent() == 2);
        assertThat(events.dropped()).isEqualTo(10 - accepted);
        // every accepted occurrence was sent, is queued, or is the one the sender holds while it waits for a token
        assertThat(events.queued()).isLessThanOrEqualTo(3);
        assertThat(accepted - events.sent() - events.queued()).isBetween(0L, 1L);
        assertThat(events.dropped()).isGreaterThanOrEqualTo(10 - 2 - 3 - 1);
        assertThat(events()).hasSize(2);
    }

    @Test
    void anUnreachableApiServerIsCountedAsFailedNotThrown() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl("http://127.0.0.1:" + closedPort)
                .withRequestRetryBackoffLimit(0)
                .build();
        try (KubernetesClient unreachable =
                new KubernetesClientBuilder().withConfig(config).build()) {
            EventRecorder events = recorder(unreachable, EventRecorder.Settings.DEFAULT);

            assertThat(events.post(placement("lost"))).isTrue();

            await().atMost(Duration.ofSeconds(30)).until(() -> events.failed() == 1);
            assertThat(events.sent()).isZero();
            recorder.close();
            recorder = null;
        }
    }

    @Test
    void aClosedRecorderDropsWhatIsPosted() {
        EventRecorder events = recorder(client, EventRecorder.Settings.DEFAULT);
        events.close();

        assertThat(events.post(placement("too late"))).isFalse();

        assertThat(events.dropped()).isEqualTo(1);
    }

    @Test
    void longNamesAndNotesAreCutToWhatTheApiAccepts() {
        String name = "p".repeat(253);
        assertThat(EventRecorder.eventName(name, Instant.parse("2026-12-01T10:00:00.123456789Z")))
                .hasSize(253)
                .endsWith("." + Long.toHexString(1_796_119_200_123_456_789L));
        assertThat(placement("x".repeat(5000)).note()).hasSize(EventRecorder.MAX_NOTE);
    }
}
