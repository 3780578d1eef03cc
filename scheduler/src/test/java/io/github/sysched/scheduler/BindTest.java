package io.github.sysched.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.github.sysched.syscall.SyscallSet;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** POST /bind with sysched.scheduler.bind.enabled=true. */
class BindTest {

    @Test
    void bindCreatesTheBindingSubresourceAndCountsThePodAtOnce() throws Exception {
        // CRUD mode plus one expectation: the CRUD dispatcher cannot handle the pods/binding subresource
        // (it answers 409 "Binding 'web' already exists"), so the first binding is answered like the API server.
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        server.expect().post().withPath("/api/v1/namespaces/default/pods/web/binding")
                .andReturn(201, Map.of("kind", "Status", "apiVersion", "v1", "status", "Success", "code", 201)).once();
        KubernetesClient client = server.createClient();
        try (Harness harness = Harness.start(client, "sysched.scheduler.bind.enabled=true")) {
            Pod pod = harness.create(Harness.pod("web", SyscallSet.of("read", "write")));
            String uid = pod.getMetadata().getUid();
            harness.await("pod cached", () -> harness.view().pod("default", "web") != null);

            JsonNode result = harness.postJson("/bind",
                    "{\"PodName\":\"web\",\"PodNamespace\":\"default\",\"PodUID\":\"" + uid + "\",\"Node\":\"n7\"}");
            assertThat(result.toString()).isEqualTo("{\"Error\":\"\"}");
            // counted immediately: the mock never sets spec.nodeName, so only /bind can have done it
            assertThat(harness.engine().nodeOf(uid)).contains("n7");
            assertThat(harness.engine().node("n7").orElseThrow().attackSurface()).isEqualTo(2);

            List<RecordedRequest> requests = new ArrayList<>();
            RecordedRequest request;
            while ((request = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
                requests.add(request);
            }
            RecordedRequest binding = requests.stream()
                    .filter(r -> r.getPath().equals("/api/v1/namespaces/default/pods/web/binding"))
                    .findFirst().orElseThrow(() -> new AssertionError("no binding request among " + requests.size()));
            assertThat(binding.getMethod()).isEqualTo("POST");
            JsonNode body = Harness.JSON.readTree(binding.getBody().readUtf8());
            assertThat(body.get("kind").asString()).isEqualTo("Binding");
            assertThat(body.get("target").get("name").asString()).isEqualTo("n7");
            assertThat(body.get("metadata").get("uid").asString()).isEqualTo(uid);

            // a failed binding (here: the mock's 409) is reported in Error and changes no state
            Pod other = harness.create(Harness.pod("other", SyscallSet.of("ptrace")));
            harness.await("other cached", () -> harness.view().pod("default", "other") != null);
            JsonNode failed = harness.postJson("/bind", "{\"PodName\":\"other\",\"PodNamespace\":\"default\",\"PodUID\":\""
                    + other.getMetadata().getUid() + "\",\"Node\":\"n7\"}");
            assertThat(failed.get("Error").asString()).startsWith("binding failed");
            assertThat(harness.engine().nodeOf(other.getMetadata().getUid())).isEmpty();

            // lower-case keys; a missing node is an error in the result, not an HTTP failure
            JsonNode missing = harness.postJson("/bind", "{\"podname\":\"web\",\"podnamespace\":\"default\"}");
            assertThat(missing.get("Error").asString()).contains("required");
        } finally {
            client.close();
            server.destroy();
        }
    }
}
