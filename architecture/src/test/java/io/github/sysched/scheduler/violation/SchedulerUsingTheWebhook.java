package io.github.sysched.scheduler.violation;

import io.github.sysched.webhook.WebhookApplication;

/** A deliberate violation: scheduler code that reaches into the webhook. */
public final class SchedulerUsingTheWebhook {

    public static String name() {
        return WebhookApplication.class.getName();
    }
}
