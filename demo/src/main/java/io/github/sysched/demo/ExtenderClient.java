package io.github.sysched.demo;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** Calls the scheduler extender the way kube-scheduler does with {@code nodeCacheCapable: true}. */
final class ExtenderClient {

    private final URI base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = JsonMapper.builder().build();
    private final KubernetesSerialization serialization = new KubernetesSerialization();

    ExtenderClient(URI base) {
        this.base = base;
    }

    /** {@code http://host:port} of the extender. */
    URI base() {
        return base;
    }

    record FilterResult(List<String> nodeNames, Map<String, String> failedNodes, String error) {}

    FilterResult filter(Pod pod, List<String> nodeNames) throws IOException, InterruptedException {
        JsonNode result = post("filter", args(pod, nodeNames));
        List<String> passed = new ArrayList<>();
        JsonNode names = result.get("NodeNames");
        if (names != null && names.isArray()) {
            names.forEach(n -> passed.add(n.asString()));
        }
        Map<String, String> failed = new LinkedHashMap<>();
        JsonNode failedNodes = result.get("FailedNodes");
        if (failedNodes != null && failedNodes.isObject()) {
            failedNodes
                    .properties()
                    .forEach(e -> failed.put(e.getKey(), e.getValue().asString()));
        }
        JsonNode error = result.get("Error");
        return new FilterResult(passed, failed, error == null || error.isNull() ? "" : error.asString());
    }

    /** Host → score (0..10), in the order the extender answered. */
    Map<String, Integer> prioritize(Pod pod, List<String> nodeNames) throws IOException, InterruptedException {
        JsonNode result = post("prioritize", args(pod, nodeNames));
        Map<String, Integer> scores = new LinkedHashMap<>();
        result.forEach(entry ->
                scores.put(entry.get("Host").asString(), entry.get("Score").asInt()));
        return scores;
    }

    /** The {@code ExtenderArgs} JSON kube-scheduler sends to a {@code nodeCacheCapable} extender. */
    String args(Pod pod, List<String> nodeNames) {
        return "{\"Pod\":" + serialization.asJson(pod) + ",\"Nodes\":null,\"NodeNames\":"
                + json.writeValueAsString(nodeNames) + "}";
    }

    private JsonNode post(String verb, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(base.resolve("/" + verb))
                        .timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(
                    "extender /" + verb + " answered HTTP " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }
}
