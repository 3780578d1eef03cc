package io.github.sysched.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.kube.EventRecorder;
import io.github.sysched.scheduler.decisions.DecisionLog;
import io.github.sysched.scheduler.decisions.PlacementEvents;
import io.github.sysched.syscall.SyscallSet;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The SyschedPlacement Event and the per-call debug line, through the real extender against the CRUD mock API server:
 * a pod the extender scored gets one Event once bound, whether it learns of the binding from its own /bind or from the
 * pod informer (or both); a pod it did not score gets none.
 */
class PlacementEventsTest {

    private static final List<String> NODES = List.of("worker-a", "worker-b");

    private static List<Event> events(KubernetesClient client) {
        return client.events().v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> PlacementEvents.REASON.equals(e.getReason()))
                .toList();
    }

    /** nginx1 on worker-a, counted (no prioritize for it: kube-scheduler's one-node case, or another scheduler). */
    private static void nginxOnWorkerA(Harness harness) {
        Pod nginx1 = harness.create(Harness.pod("nginx1", Harness.profileSet("nginx")));
        harness.bindInMock(nginx1, "worker-a");
    }

    /**
     * Every informer notification before a new pod's has been handled once that pod is counted: after this, whatever
     * the informer path of the placement Events would post has been posted.
     */
    private static void informerCaughtUp(Harness harness, String name) {
        Pod sentinel = harness.create(Harness.pod(name, SyscallSet.of("read")));
        harness.bindInMock(sentinel, "worker-c");
    }

    @Test
    void theInformerSeeingTheBindingPostsOneEventWithTheDecision() {
        KubernetesMockServer server = Harness.newServer();
        KubernetesClient client = server.createClient();
        try (Harness harness = Harness.start(client)) {
            nginxOnWorkerA(harness);
            Pod redis1 = harness.create(Harness.pod("redis1", Harness.profileSet("redis")));
            JsonNode priorities = harness.postJson("/prioritize", Harness.argsWithNodeNames(redis1, NODES));
            assertThat(priorities.toString()).contains("\"worker-b\",\"Score\":10");

            harness.bindInMock(redis1, "worker-b");

            harness.await("one SyschedPlacement Event", () -> events(client).size() == 1);
            Event event = events(client).get(0);
            assertThat(event.getNote())
                    .isEqualTo("Bound to worker-b: adds ExS 0 there, rank 1 of 2 candidates "
                            + "(sysched score 10 of 10); best worker-b (ExS 0), worst worker-a (ExS 26)");
            assertThat(event.getType()).isEqualTo("Normal");
            assertThat(event.getAction()).isEqualTo("Binding");
            assertThat(event.getReportingController()).isEqualTo("sysched-extender");
            assertThat(event.getReportingInstance()).startsWith("sysched-extender-");
            assertThat(event.getRegarding().getKind()).isEqualTo("Pod");
            assertThat(event.getRegarding().getName()).isEqualTo("redis1");
            assertThat(event.getRegarding().getUid())
                    .isEqualTo(redis1.getMetadata().getUid());
            assertThat(event.getRelated().getKind()).isEqualTo("Node");
            assertThat(event.getRelated().getName()).isEqualTo("worker-b");

            // the pod kube-scheduler placed against sysched's preference says so: rank 2, best elsewhere
            Pod nginx2 = harness.create(Harness.pod("nginx2", Harness.profileSet("nginx")));
            harness.postJson("/prioritize", Harness.argsWithNodeNames(nginx2, NODES));
            harness.bindInMock(nginx2, "worker-b");
            harness.await("the second Event", () -> events(client).size() == 2);
            assertThat(events(client))
                    .extracting(Event::getNote)
                    .contains(
                            "Bound to worker-b: adds ExS 26 there, "
                                    + "rank 2 of 2 candidates (sysched score 9 of 10); best worker-a (ExS 0), worst worker-b (ExS 26)");

            // nginx1 and the sentinel were never prioritized: no Event for them
            informerCaughtUp(harness, "sentinel");
            PlacementEvents placementEvents = harness.bean(PlacementEvents.class);
            assertThat(placementEvents.posted()).isEqualTo(2);
            assertThat(placementEvents.remembered()).isZero();
            assertThat(events(client))
                    .extracting(e -> e.getRegarding().getName())
                    .containsExactlyInAnyOrder("redis1", "nginx2");
            String prometheus = harness.getManagement("/actuator/prometheus").body();
            assertThat(prometheus)
                    .contains("sysched_events_total{outcome=\"sent\"} 2.0")
                    .contains("sysched_events_total{outcome=\"dropped\"} 0.0")
                    .contains("sysched_events_total{outcome=\"failed\"} 0.0")
                    .contains("sysched_events_queued 0.0");
        } finally {
            client.close();
            server.destroy();
        }
    }

    @Test
    void bindAndTheInformerBothSeeingTheBindingStillMakeOneEvent() {
        // CRUD mode plus the pods/binding subresource, which the CRUD dispatcher cannot serve
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        server.expect()
                .post()
                .withPath("/api/v1/namespaces/default/pods/memcached1/binding")
                .andReturn(201, Map.of("kind", "Status", "apiVersion", "v1", "status", "Success", "code", 201))
                .once();
        KubernetesClient client = server.createClient();
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        try (Harness harness = Harness.start(client, "sysched.scheduler.bind.enabled=true")) {
            // after the start: Spring Boot's logging set-up resets logback
            Logger decisions = (Logger) LoggerFactory.getLogger(DecisionLog.LOGGER);
            lines.start();
            decisions.addAppender(lines);
            nginxOnWorkerA(harness);
            Pod nginx2 = harness.create(Harness.pod("nginx2", Harness.profileSet("nginx")));
            harness.bindInMock(nginx2, "worker-a");
            Pod redis1 = harness.create(Harness.pod("redis1", Harness.profileSet("redis")));
            harness.bindInMock(redis1, "worker-b");
            Pod memcached1 = harness.create(Harness.pod("memcached1", Harness.profileSet("memcached")));
            harness.await("memcached1 cached", () -> harness.view().pod("default", "memcached1") != null);

            decisions.setLevel(Level.DEBUG); // as logging.level.io.github.sysched.scheduler.decisions=debug does
            String args = Harness.argsWithNodeNames(memcached1, NODES);
            harness.postJson("/filter", args);
            harness.postJson("/prioritize", args);
            String uid = memcached1.getMetadata().getUid();
            JsonNode bound = harness.postJson(
                    "/bind",
                    "{\"PodName\":\"memcached1\",\"PodNamespace\":\"default\"," + "\"PodUID\":\"" + uid
                            + "\",\"Node\":\"worker-b\"}");
            assertThat(bound.get("Error").asString()).isEmpty();
            decisions.setLevel(null);
            decisions.detachAppender(lines);

            harness.await("the Event from /bind", () -> events(client).size() == 1);
            assertThat(events(client).get(0).getNote())
                    .isEqualTo("Bound to worker-b: adds ExS 47 there, rank 1 of 2 "
                            + "candidates (sysched score 10 of 10); best worker-b (ExS 47), worst worker-a (ExS 66)");

            // the API server sets spec.nodeName (the mock does not): the informer now sees the binding too
            client.pods()
                    .inNamespace("default")
                    .withName("memcached1")
                    .edit(p -> new PodBuilder(p)
                            .editSpec()
                            .withNodeName("worker-b")
                            .endSpec()
                            .build());
            informerCaughtUp(harness, "sentinel");
            assertThat(harness.bean(PlacementEvents.class).posted()).isEqualTo(1);
            assertThat(harness.bean(EventRecorder.class).aggregated()).isZero();
            assertThat(events(client)).hasSize(1);

            assertThat(lines.list)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .satisfiesExactly(
                            filter -> assertThat(filter)
                                    .matches("verb=filter pod=default/memcached1 uid=" + uid
                                            + " candidates=2 failed=0 took=\\d+\\.\\d{3}ms"),
                            prioritize -> assertThat(prioritize)
                                    .matches(
                                            "verb=prioritize pod=default/memcached1 uid=" + uid
                                                    + " candidates=2 top=worker-b:exs=47:score=10,worker-a:exs=66:score=9 took=\\d+\\.\\d{3}ms"),
                            bind -> assertThat(bind)
                                    .matches("verb=bind pod=default/memcached1 uid=" + uid
                                            + " node=worker-b took=\\d+\\.\\d{3}ms"));
            assertThat(lines.list)
                    .allSatisfy(line -> assertThat(line.getLevel()).isEqualTo(Level.DEBUG));
        } finally {
            client.close();
            server.destroy();
        }
    }

    @Test
    void withEventsDisabledNothingIsRememberedOrPosted() {
        KubernetesMockServer server = Harness.newServer();
        KubernetesClient client = server.createClient();
        try (Harness harness = Harness.start(client, "sysched.scheduler.events.enabled=false")) {
            assertThat(harness.context().getBeansOfType(PlacementEvents.class)).isEmpty();
            assertThat(harness.context().getBeansOfType(EventRecorder.class)).isEmpty();
            Pod redis1 = harness.create(Harness.pod(
                    "redis1", Harness.profileSet("redis"), Map.of(), Map.of(PlacementAnnotations.IPP_CLASS, "gold")));
            harness.postJson("/prioritize", Harness.argsWithNodeNames(redis1, NODES));
            harness.bindInMock(redis1, "worker-b");
            informerCaughtUp(harness, "sentinel");
            assertThat(events(client)).isEmpty();
        } finally {
            client.close();
            server.destroy();
        }
    }
}
