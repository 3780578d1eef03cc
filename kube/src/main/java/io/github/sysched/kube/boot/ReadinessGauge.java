package io.github.sysched.kube.boot;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;

/**
 * {@code sysched.ready}: 1 while the readiness health group ({@code /actuator/health/readiness}) is UP, else 0.
 * Spring Boot exposes health only over HTTP, never as a metric; Prometheus keeps scraping a replica that is out of
 * its Service's ready endpoints, so the chart's alerts can tell "not ready" from "down" without kube-state-metrics.
 */
public class ReadinessGauge implements MeterBinder {

    public static final String METRIC = "sysched.ready";

    private final ObjectProvider<HealthEndpoint> health;

    public ReadinessGauge(ObjectProvider<HealthEndpoint> health) {
        this.health = health;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(METRIC, this, ReadinessGauge::value)
                .description("1 while the readiness health group is UP, else 0")
                .register(registry);
    }

    double value() {
        HealthEndpoint endpoint = health.getIfAvailable();
        HealthDescriptor readiness = endpoint == null ? null : endpoint.healthForPath("readiness");
        return readiness != null && Status.UP.equals(readiness.getStatus()) ? 1 : 0;
    }
}
