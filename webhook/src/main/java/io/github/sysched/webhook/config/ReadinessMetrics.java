package io.github.sysched.webhook.config;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code sysched.ready}: 1 while {@code /actuator/health/readiness} is UP, else 0. Prometheus keeps scraping a
 * replica that is out of the Service's ready endpoints, so the chart's alerts can tell "not ready" (and why it
 * matters) from "down"; Spring Boot exposes health only over HTTP, never as a metric. The same gauge is in the
 * extender (scheduler {@code config.ReadinessMetrics}).
 */
@Configuration(proxyBeanMethods = false)
public class ReadinessMetrics {

    public static final String METRIC = "sysched.ready";

    @Bean
    MeterBinder readinessGauge(ObjectProvider<HealthEndpoint> health) {
        return registry -> Gauge.builder(METRIC, health, ReadinessMetrics::ready)
                .description("1 while the readiness health group is UP, else 0")
                .register(registry);
    }

    private static double ready(ObjectProvider<HealthEndpoint> health) {
        HealthEndpoint endpoint = health.getIfAvailable();
        HealthDescriptor readiness = endpoint == null ? null : endpoint.healthForPath("readiness");
        return readiness != null && Status.UP.equals(readiness.getStatus()) ? 1 : 0;
    }
}
