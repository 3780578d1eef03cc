package io.github.sysched.scheduler.decisions;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.kube.EventRecorder;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The extender's observers: the per-call debug log line ({@link DecisionLog}) and, unless
 * {@code sysched.scheduler.events.enabled=false}, the {@code SyschedPlacement} Events ({@link PlacementEvents}) with
 * their recorder and its metrics {@code sysched_events_total{outcome=sent|aggregated|dropped|failed}} and
 * {@code sysched_events_queued}.
 */
@Configuration(proxyBeanMethods = false)
public class DecisionsConfiguration {

    /** The Events' {@code reportingController}. */
    public static final String REPORTING_CONTROLLER = "sysched-extender";

    @Bean
    DecisionLog decisionLog() {
        return new DecisionLog();
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnProperty(
            prefix = "sysched.scheduler.events",
            name = "enabled",
            havingValue = "true",
            matchIfMissing = true)
    EventRecorder placementEventRecorder(
            KubernetesClient client, SchedulerProperties properties, MeterRegistry registry) {
        SchedulerProperties.Events events = properties.events();
        EventRecorder recorder = new EventRecorder(
                client,
                REPORTING_CONTROLLER,
                reportingInstance(System.getenv()),
                new EventRecorder.Settings(
                        events.perSecond(),
                        events.burst(),
                        events.queueCapacity(),
                        EventRecorder.Settings.DEFAULT.seriesWindow(),
                        EventRecorder.Settings.DEFAULT.seriesFlush()),
                Clock.systemUTC());
        Map<String, ToDoubleFunction<EventRecorder>> outcomes = Map.of(
                "sent",
                EventRecorder::sent,
                "aggregated",
                EventRecorder::aggregated,
                "dropped",
                EventRecorder::dropped,
                "failed",
                EventRecorder::failed);
        outcomes.forEach((outcome, count) -> FunctionCounter.builder("sysched.events", recorder, count)
                .description("SyschedPlacement Events: created (sent), counted into an existing Event's series "
                        + "(aggregated), dropped with the queue full, failed API calls")
                .tag("outcome", outcome)
                .register(registry));
        Gauge.builder("sysched.events.queued", recorder, EventRecorder::queued)
                .description("Events waiting to be sent")
                .register(registry);
        return recorder;
    }

    @Bean
    @ConditionalOnProperty(
            prefix = "sysched.scheduler.events",
            name = "enabled",
            havingValue = "true",
            matchIfMissing = true)
    PlacementEvents placementEvents(EventRecorder placementEventRecorder, SchedulerProperties properties) {
        return new PlacementEvents(placementEventRecorder, properties.events().scoresKeptFor());
    }

    /** {@code sysched-extender-<pod name>} in a pod (the chart sets POD_NAME), else the host name. */
    static String reportingInstance(Map<String, String> environment) {
        String pod = environment.getOrDefault("POD_NAME", "");
        String host = environment.getOrDefault("HOSTNAME", "");
        return REPORTING_CONTROLLER + "-" + (!pod.isBlank() ? pod : !host.isBlank() ? host : "local");
    }
}
