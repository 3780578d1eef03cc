package io.github.sysched.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.scheduler.callpattern.BindingCrudDispatcher;
import io.github.sysched.syscall.SyscallSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** POST /bind with sysched.scheduler.bind.enabled=true, against a mock API that serves pods/binding. */
class BindTest {

    /** Holds each binding request until the test releases it. */
    static final class HeldBindings extends BindingCrudDispatcher {
        final CountDownLatch arrived = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean hold;
        volatile String lastBindingBody;

        @Override
        public MockResponse handleCreate(RecordedRequest request) {
            if (request.getPath().endsWith("/binding")) {
                lastBindingBody = request.getBody().readUtf8();
                request = new RecordedRequest(
                        request.getHttpVersion(),
                        request.method(),
                        request.getPath(),
                        request.getHeaders(),
                        new io.fabric8.mockwebserver.http.Buffer().writeUtf8(lastBindingBody));
                if (hold) {
                    arrived.countDown();
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            return super.handleCreate(request);
        }
    }

    static String bindArgs(Pod pod, String node) {
        return "{\"PodName\":\"" + pod.getMetadata().getName() + "\",\"PodNamespace\":\"default\",\"PodUID\":\""
                + pod.getMetadata().getUid() + "\",\"Node\":\"" + node + "\"}";
    }

    @Test
    void bindCountsThePodBeforeTheApiCallWithOneApiCall() throws Exception {
        HeldBindings dispatcher = new HeldBindings();
        KubernetesMockServer server = Harness.newServer(dispatcher);
        KubernetesClient client = server.createClient();
        try (Harness harness = Harness.start(client, "sysched.scheduler.bind.enabled=true")) {
            Pod pod = harness.create(Harness.pod("web", SyscallSet.of("read", "write")));
            String uid = pod.getMetadata().getUid();
            harness.await("pod cached", () -> harness.view().pod("default", "web") != null);

            dispatcher.hold = true;
            CompletableFuture<JsonNode> bind =
                    CompletableFuture.supplyAsync(() -> harness.postJson("/bind", bindArgs(pod, "n7")));
            assertThat(dispatcher.arrived.await(20, TimeUnit.SECONDS)).isTrue();
            // the API call is in progress: the pod already counts on n7
            assertThat(harness.engine().nodeOf(uid)).contains("n7");
            long requestsBefore = server.getRequestCount();
            dispatcher.release.countDown();
            assertThat(bind.get(20, TimeUnit.SECONDS).toString()).isEqualTo("{\"Error\":\"\"}");
            dispatcher.hold = false;
            assertThat(server.getRequestCount()).as("nothing but the binding").isEqualTo(requestsBefore);

            JsonNode body = Harness.JSON.readTree(dispatcher.lastBindingBody);
            assertThat(body.get("kind").asString()).isEqualTo("Binding");
            assertThat(body.get("metadata").get("name").asString()).isEqualTo("web");
            assertThat(body.get("metadata").get("uid").asString()).isEqualTo(uid);
            assertThat(body.get("target").get("name").asString()).isEqualTo("n7");
            // the API server set the node; the informer confirms the assumption
            assertThat(client.pods()
                            .inNamespace("default")
                            .withName("web")
                            .get()
                            .getSpec()
                            .getNodeName())
                    .isEqualTo("n7");
            harness.await("confirmed by the informer", () -> !harness.state().assumed(uid));
            assertThat(harness.engine().node("n7").orElseThrow().attackSurface())
                    .isEqualTo(2);

            // a failed binding (already bound: 409) is reported in Error and leaves the pod where it is
            JsonNode failed = harness.postJson("/bind", bindArgs(pod, "n8"));
            assertThat(failed.get("Error").asString())
                    .startsWith("binding failed")
                    .contains("409");
            assertThat(harness.engine().nodeOf(uid)).contains("n7");

            // lower-case keys; a missing node is an error in the result, not an HTTP failure
            JsonNode missing = harness.postJson("/bind", "{\"podname\":\"web\",\"podnamespace\":\"default\"}");
            assertThat(missing.get("Error").asString()).contains("required");
            JsonNode badUid = harness.postJson(
                    "/bind",
                    "{\"PodName\":\"web\",\"PodNamespace\":\"default\",\"PodUID\":\"a\\\"b\",\"Node\":\"n1\"}");
            assertThat(badUid.get("Error").asString()).contains("not a valid UID");
        } finally {
            client.close();
            server.destroy();
        }
    }

    @Test
    void aFailedApiCallForgetsThePod() {
        BindingCrudDispatcher dispatcher = new BindingCrudDispatcher();
        KubernetesMockServer server = Harness.newServer(dispatcher);
        KubernetesClient client = server.createClient();
        try (Harness harness = Harness.start(client, "sysched.scheduler.bind.enabled=true")) {
            Pod pod = harness.create(Harness.pod("gone", SyscallSet.of("ptrace")));
            harness.await("pod cached", () -> harness.view().pod("default", "gone") != null);
            // the UID does not match the pod's any more (deleted and re-created): 409 from the API server
            Pod stale = new io.fabric8.kubernetes.api.model.PodBuilder(pod)
                    .editMetadata()
                    .withUid("00000000-0000-0000-0000-000000000000")
                    .endMetadata()
                    .build();
            JsonNode failed = harness.postJson("/bind", bindArgs(stale, "n1"));
            assertThat(failed.get("Error").asString()).startsWith("binding failed");
            assertThat(harness.engine().podCount()).isZero();
        } finally {
            client.close();
            server.destroy();
        }
    }

    @Test
    void bindRefusesASecondIsolationClassOnANodeWithoutCallingTheApi() {
        BindingCrudDispatcher dispatcher = new BindingCrudDispatcher();
        KubernetesMockServer server = Harness.newServer(dispatcher);
        KubernetesClient client = server.createClient();
        try (Harness harness = Harness.start(client, "sysched.scheduler.bind.enabled=true")) {
            Pod a = harness.create(Harness.pod(
                    "a", SyscallSet.of("read"), Map.of(), Map.of(PlacementAnnotations.IPP_CLASS, "tenant-a")));
            Pod b = harness.create(Harness.pod(
                    "b", SyscallSet.of("read"), Map.of(), Map.of(PlacementAnnotations.IPP_CLASS, "tenant-b")));
            harness.await("pods cached", () -> harness.view().pod("default", "b") != null);
            // b was filtered while a was still in flight (here: before a existed on any node)
            assertThat(harness.postJson("/filter", Harness.argsWithNodeNames(b, List.of("n1")))
                            .get("NodeNames"))
                    .hasSize(1);
            assertThat(harness.postJson("/bind", bindArgs(a, "n1")).get("Error").asString())
                    .isEmpty();
            long bindingsBefore = dispatcher.bindingRequests();

            JsonNode refused = harness.postJson("/bind", bindArgs(b, "n1"));
            assertThat(refused.get("Error").asString())
                    .contains("IPP")
                    .contains("tenant-a")
                    .contains("tenant-b");
            assertThat(dispatcher.bindingRequests()).isEqualTo(bindingsBefore);
            assertThat(harness.engine().nodeOf(b.getMetadata().getUid())).isEmpty();
            assertThat(client.pods()
                            .inNamespace("default")
                            .withName("b")
                            .get()
                            .getSpec()
                            .getNodeName())
                    .isNull();
            assertThat(harness.postJson("/bind", bindArgs(b, "n2")).get("Error").asString())
                    .isEmpty();
        } finally {
            client.close();
            server.destroy();
        }
    }
}
