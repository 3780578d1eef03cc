package io.github.sysched.kube.boot;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.kube.NotReadyEvents;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The Kubernetes layer in a Spring Boot service: the fabric8 client (in-cluster service account, else kubeconfig,
 * else the {@code kubernetes.*} system properties / {@code KUBERNETES_*} environment variables; tests point
 * {@code kubernetes.master} at the mock API server), and for the service's {@link ClusterView} bean its lifecycle,
 * the {@code informers} health indicator, the {@code sysched.cache.size{resource}} gauges, the {@code sysched.ready}
 * gauge ({@link ReadinessGauge}) and the NotReady Events
 * on the service's own pod.
 */
@AutoConfiguration
public class KubeAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    KubernetesClient kubernetesClient() {
        return new KubernetesClientBuilder().build();
    }

    @Bean
    @ConditionalOnBean(ClusterView.class)
    ClusterViewLifecycle clusterViewLifecycle(ClusterView view) {
        return new ClusterViewLifecycle(view);
    }

    /**
     * In a pod (POD_NAME / POD_NAMESPACE set by the chart), the view's not-ready reason (e.g. the SeccompProfile
     * CRD is missing) becomes a Warning Event on the service's own pod, reported as {@code spring.application.name}.
     */
    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnBean(ClusterView.class)
    NotReadyEvents notReadyEvents(KubernetesClient client, ClusterView view, Environment environment) {
        return NotReadyEvents.forThisPod(
                client, environment.getProperty("spring.application.name", "sysched"), view::problem);
    }

    @Bean("informers")
    @ConditionalOnBean(ClusterView.class)
    InformersHealthIndicator informersHealthIndicator(
            ClusterView view, ObjectProvider<ReadinessContributor> contributors) {
        return new InformersHealthIndicator(view, contributors.orderedStream().toList());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    static class Metrics {

        @Bean
        @ConditionalOnBean(ClusterView.class)
        MeterBinder clusterViewMetrics(ClusterView view) {
            return registry -> {
                for (ClusterView.Resource resource : view.resources()) {
                    Gauge.builder("sysched.cache.size", view, v -> v.size(resource))
                            .tag("resource", resource.apiName())
                            .description("Objects in the informer caches")
                            .register(registry);
                }
            };
        }
    }

    /** {@code sysched.ready}, what the chart's availability alerts read. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({MeterBinder.class, HealthEndpoint.class})
    static class ReadinessMetrics {

        @Bean
        ReadinessGauge readinessGauge(ObjectProvider<HealthEndpoint> health) {
            return new ReadinessGauge(health);
        }
    }
}
