package io.github.sysched.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.kube.boot.ReadinessGauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code sysched.ready} follows {@code /actuator/health/readiness}: 0 while the SeccompProfile CRD is missing
 * (the extender cannot know SPO's scope), 1 once it appears. The chart's alerts read this gauge.
 */
class ReadinessGaugeTest {

    private final KubernetesMockServer server = Harness.newServer(new WatchControlDispatcher());
    private final KubernetesClient client = server.createClient();
    private Harness harness;

    @AfterEach
    void stop() {
        if (harness != null) {
            harness.close();
        }
        client.close();
        server.destroy();
    }

    @Test
    void gaugeIsZeroWhileNotReadyAndOneOnceReady() {
        harness = Harness.startWithoutWaiting(client, "sysched.scheduler.spo.scope=auto");
        MeterRegistry registry = harness.bean(MeterRegistry.class);
        assertThat(harness.getManagement("/actuator/health/readiness").statusCode())
                .isEqualTo(503);
        assertThat(registry.get(ReadinessGauge.METRIC).gauge().value()).isZero();

        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(InformerStateTest.seccompProfileCrd("Cluster"))
                .create();
        harness.await(
                "ready once the CRD is there",
                () -> harness.getManagement("/actuator/health/readiness").statusCode() == 200);
        assertThat(registry.get(ReadinessGauge.METRIC).gauge().value()).isEqualTo(1.0);
        assertThat(harness.getManagement("/actuator/prometheus").body()).containsPattern("(?m)^sysched_ready 1\\.0$");
    }
}
