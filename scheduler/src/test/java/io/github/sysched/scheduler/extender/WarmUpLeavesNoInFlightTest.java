package io.github.sysched.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.scheduler.Harness;
import io.github.sysched.scheduler.state.InFlightPods;
import io.github.sysched.syscall.SyscallSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The warm-up sends made-up pods (one of them classed) through the real verbs on the nodes the state knows. They must
 * leave nothing in flight: as in-flight attempts they would make real pods wait and, once overdue, have real pods of
 * another class refused on every node they might land on, for the whole in-flight ttl.
 */
class WarmUpLeavesNoInFlightTest {

    @Test
    void afterTheWarmUpARealPodOfAnyClassPassesEveryNode() {
        KubernetesMockServer server = Harness.newServer();
        KubernetesClient client = server.createClient();
        try (Harness harness = Harness.start(client)) {
            // the warm-up runs when readiness is first evaluated after the informers synced (as the kubelet's probe
            // does)
            harness.await("warm-up done", () -> {
                harness.getManagement("/actuator/health/readiness");
                return harness.bean(ExtenderWarmUp.class).warm();
            });
            assertThat(harness.bean(InFlightPods.class).size())
                    .as("attempts left by the warm-up")
                    .isZero();

            Pod gold = Harness.pod(
                    "gold",
                    SyscallSet.of("read"),
                    Map.of("ipp-class", "gold"),
                    Map.of(PlacementAnnotations.IPP_CLASS, "gold"));
            List<String> nodes = List.of("node-a", "node-b");
            long started = System.nanoTime();
            JsonNode filtered = harness.postJson("/filter", Harness.argsWithNodeNames(gold, nodes));
            assertThat(filtered.get("NodeNames")).hasSize(2);
            assertThat(harness.bean(io.micrometer.core.instrument.MeterRegistry.class)
                            .find("sysched.inflight.waits")
                            .timers())
                    .as("nothing to wait for")
                    .isEmpty();
            System.out.printf(
                    "warm-up: first real /filter after it took %.1f ms%n", (System.nanoTime() - started) / 1e6);
        } finally {
            client.close();
            server.destroy();
        }
    }
}
