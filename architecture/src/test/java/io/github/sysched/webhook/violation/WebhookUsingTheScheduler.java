package io.github.sysched.webhook.violation;

import io.github.sysched.scheduler.SchedulerApplication;
import io.github.sysched.simulation.PlacementSimulator;

/** A deliberate violation: webhook code that reaches into the scheduler and the simulator. */
public final class WebhookUsingTheScheduler {

    public static String names() {
        return SchedulerApplication.class.getName() + PlacementSimulator.class.getName();
    }
}
