package io.github.sysched.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.syscall.SyscallSet;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The API server goes away after the informers synced: readiness reports the lost watch (so the Service stops
 * routing to a replica whose state no longer follows the cluster), while the extender keeps answering from the
 * state it has.
 */
class WatchLossReadinessTest {

    @Test
    void readinessReportsALostWatchAndTheExtenderStillAnswersFromItsState() throws Exception {
        KubernetesMockServer server = Harness.newServer();
        KubernetesClient client = server.createClient();
        try (Harness harness = Harness.start(client)) {
            harness.bindInMock(harness.create(Harness.pod("web", SyscallSet.of("read", "write"))), "n1");
            harness.await("pod counted", () -> harness.state().trackedPods() == 1);
            harness.await(
                    "ready",
                    () -> harness.getManagement("/actuator/health/readiness").statusCode() == 200);

            long lostAt = System.nanoTime();
            server.destroy();
            harness.await(
                    "readiness OUT_OF_SERVICE after the API server went away",
                    () -> harness.getManagement("/actuator/health/readiness").statusCode() == 503);
            double secondsToNotReady = (System.nanoTime() - lostAt) / 1e9;
            HttpResponse<String> health = harness.getManagement("/actuator/health/readiness");
            assertThat(health.body()).contains("watch lost");

            var scores = harness.postJson(
                    "/prioritize",
                    Harness.argsWithNodeNames(Harness.pod("next", SyscallSet.of("read")), List.of("n1", "n2")));
            assertThat(scores.size()).isEqualTo(2);
            System.out.printf(
                    "WATCHLOSS scheduler: API server gone, readiness 503 after %.1fs (%s); /prioritize still"
                            + " answered %s%n",
                    secondsToNotReady, health.body().replaceAll(".*\"reason\":\"([^\"]*)\".*", "$1"), scores);
        } finally {
            client.close();
        }
    }
}
