package io.github.sysched.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.WebhookTestBase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The replica-spread guard end to end: the application watches Nodes (zones {@code auto}), a ReplicaSet's pod sent
 * to {@code /mutate} over HTTPS comes back with the constraints and the annotation, and an UPDATE that changes the
 * annotation is denied by {@code /validate}.
 */
class ReplicaSpreadTest extends WebhookTestBase {

    private static final List<String> NODES = List.of("spread-n1", "spread-n2");

    @AfterEach
    void removeNodes() {
        NODES.forEach(name -> kube().nodes().withName(name).delete());
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.nodeZones().isEmpty());
    }

    private static void node(String name, String zone) {
        kube().nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .addToLabels("kubernetes.io/hostname", name)
                        .addToLabels("topology.kubernetes.io/zone", zone)
                        .endMetadata()
                        .build())
                .create();
    }

    private JsonNode admitted(ObjectNode review) {
        JsonNode response = admit("/mutate", review);
        assertThat(response.path("allowed").asBoolean()).isTrue();
        return patched(review, response);
    }

    @Test
    void aReplicaSetPodIsSpreadOverHostnamesAndOverZonesOnceTheNodesSpanTwo() {
        assertThat(cache.resources()).contains(ClusterView.Resource.NODES);
        assertThat(cache.synced(ClusterView.Resource.NODES)).isTrue();

        JsonNode pod = admitted(Reviews.fixture("/admission/pod-create-nginx-generatename.json"));
        JsonNode selector = Reviews.json("{\"matchLabels\":{\"app\":\"nginx1\",\"pod-template-hash\":\"7f8d9c6b5d\"}}");
        JsonNode hostname = pod.at("/spec/topologySpreadConstraints/0");
        assertThat(pod.at("/spec/topologySpreadConstraints")).hasSize(1);
        assertThat(hostname.path("topologyKey").asString()).isEqualTo("kubernetes.io/hostname");
        assertThat(hostname.path("maxSkew").asInt()).isEqualTo(1);
        assertThat(hostname.path("whenUnsatisfiable").asString()).isEqualTo("DoNotSchedule");
        assertThat(hostname.path("nodeTaintsPolicy").asString()).isEqualTo("Honor");
        assertThat(hostname.path("labelSelector")).isEqualTo(selector);
        assertThat(pod.at("/metadata/annotations")
                        .path(PlacementAnnotations.REPLICA_SPREAD)
                        .asString())
                .isEqualTo("kubernetes.io/hostname");

        node("spread-n1", "zone-a");
        node("spread-n2", "zone-b");
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.nodeZones().size() == 2);

        JsonNode zoned = admitted(Reviews.fixture("/admission/pod-create-nginx-generatename.json"));
        assertThat(zoned.at("/spec/topologySpreadConstraints")).hasSize(2);
        assertThat(zoned.at("/spec/topologySpreadConstraints/1/topologyKey").asString())
                .isEqualTo("topology.kubernetes.io/zone");
        assertThat(zoned.at("/spec/topologySpreadConstraints/1/labelSelector")).isEqualTo(selector);
        assertThat(zoned.at("/metadata/annotations")
                        .path(PlacementAnnotations.REPLICA_SPREAD)
                        .asString())
                .isEqualTo("kubernetes.io/hostname,topology.kubernetes.io/zone");
    }

    @Test
    void anUpdateThatChangesTheReportIsDenied() {
        JsonNode pod = admitted(Reviews.fixture("/admission/pod-create-nginx-generatename.json"));
        ObjectNode stored = (ObjectNode) pod.deepCopy();
        stored.withObject("/metadata").put("name", "nginx1-7f8d9c6b5d-abcde");
        ObjectNode changed = stored.deepCopy();
        changed.withObject("/metadata/annotations").put(PlacementAnnotations.REPLICA_SPREAD, "none");

        JsonNode response = admit("/validate", Reviews.podUpdate("default", changed, stored, "alice"));

        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.at("/status/message").asString()).contains(PlacementAnnotations.REPLICA_SPREAD);
        assertThat(admit("/validate", Reviews.podUpdate("default", stored.deepCopy(), stored, "alice"))
                        .path("allowed")
                        .asBoolean())
                .as("an UPDATE that leaves it alone")
                .isTrue();
    }
}
