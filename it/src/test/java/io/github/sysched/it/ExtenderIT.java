package io.github.sysched.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler's exec jar as kube-scheduler uses it: it turns ready once it follows the cluster's pods, then
 * answers {@code /filter} and {@code /prioritize} with {@code NodeNames} ({@code nodeCacheCapable: true}). node-a
 * runs a pod with the nginx profile, node-b one with the default full profile: a second nginx pod adds no
 * extraneous syscalls on node-a and many on node-b, so node-a must score higher (the SySched demo's step 3).
 */
class ExtenderIT {

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    @Test
    @SuppressWarnings("unchecked")
    void answersFilterAndPrioritize(@TempDir Path work) throws Exception {
        try (MockApiServer api = MockApiServer.start()) {
            api.client()
                    .pods()
                    .inNamespace("default")
                    .resource(pod("nginx1", "node-a", true))
                    .create();
            api.client()
                    .pods()
                    .inNamespace("default")
                    .resource(pod("unconfined", "node-b", false))
                    .create();
            int port = ServiceProcess.freePort();
            try (ServiceProcess extender = ServiceProcess.start(
                    "extender",
                    ServiceProcess.jar("sysched.it.scheduler-jar"),
                    api.writeKubeconfig(work.resolve("kubeconfig")),
                    work,
                    ServiceProcess.freePort(),
                    List.of("--server.port=" + port, "--server.address=127.0.0.1"))) {
                extender.awaitReady();
                Map<String, Object> args = new LinkedHashMap<>();
                args.put("Pod", pod("nginx2", null, true));
                args.put("NodeNames", MockApiServer.NODES);
                String body = JSON.asJson(args);

                HttpResponse<String> filter = post(port, "/filter", body);
                assertThat(filter.statusCode()).as(filter.body()).isEqualTo(200);
                Map<?, ?> filtered = JSON.unmarshal(filter.body(), Map.class);
                assertThat((List<Object>) filtered.get("NodeNames"))
                        .containsExactlyInAnyOrderElementsOf(MockApiServer.NODES);
                assertThat((String) filtered.get("Error")).isNullOrEmpty();

                HttpResponse<String> prioritize = post(port, "/prioritize", body);
                assertThat(prioritize.statusCode()).as(prioritize.body()).isEqualTo(200);
                Map<String, Integer> scores = new LinkedHashMap<>();
                for (Object entry : JSON.unmarshal(prioritize.body(), List.class)) {
                    Map<?, ?> host = (Map<?, ?>) entry;
                    scores.put((String) host.get("Host"), ((Number) host.get("Score")).intValue());
                }
                assertThat(scores).as(prioritize.body()).containsOnlyKeys(MockApiServer.NODES);
                assertThat(scores.values()).allSatisfy(s -> assertThat(s).isBetween(0, 10));
                assertThat(scores.get("node-a"))
                        .as(prioritize.body())
                        .isEqualTo(10)
                        .isGreaterThan(scores.get("node-b"));
                assertThat(extender.log()).doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
            }
        }
    }

    /** An unannotated pod; {@code nginx} gives it the cluster-scoped SPO profile nginx-seccomp as Localhost. */
    static Pod pod(String name, String node, boolean nginx) {
        PodBuilder pod = new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .withUid("uid-" + name)
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .addNewContainer()
                .withName(name)
                .withImage("nginx:1.16")
                .endContainer()
                .endSpec();
        if (nginx) {
            pod.editSpec()
                    .withNewSecurityContext()
                    .withNewSeccompProfile()
                    .withType("Localhost")
                    .withLocalhostProfile("operator/nginx-seccomp.json")
                    .endSeccompProfile()
                    .endSecurityContext()
                    .endSpec();
        }
        return pod.build();
    }

    static HttpResponse<String> post(int port, String path, String json) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
