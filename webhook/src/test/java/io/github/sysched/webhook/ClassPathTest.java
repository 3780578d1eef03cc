package io.github.sysched.webhook;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The webhook's class path (what its jar ships) holds neither the simulator nor the scheduler: the webhook depends
 * on common and kube only (architecture/ checks that no webhook class refers to them either).
 */
class ClassPathTest {

    @Test
    void theSimulatorAndTheSchedulerAreNotOnTheWebhooksClassPath() {
        for (String absent : new String[] {
            "io.github.sysched.simulation.PlacementSimulator",
            "io.github.sysched.simulation.cli.SimulateCommand",
            "io.github.sysched.scheduler.SchedulerApplication"
        }) {
            assertThatThrownBy(() -> Class.forName(absent)).as(absent).isInstanceOf(ClassNotFoundException.class);
        }
    }
}
