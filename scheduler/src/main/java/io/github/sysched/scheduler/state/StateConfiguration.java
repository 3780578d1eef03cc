package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.kube.boot.ReadinessContributor;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.github.sysched.scoring.ExsEngine;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.stream.Stream;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class StateConfiguration {

    @Bean
    SpoPodResolver spoPodResolver(SchedulerProperties properties) {
        return ExtenderState.profiles(properties);
    }

    @Bean
    PodSetResolver podSetResolver(UnannotatedPodResolver fallback, MeterRegistry registry) {
        return new PodSetResolver(fallback, registry);
    }

    @Bean
    ClusterState clusterState(ExsEngine engine, PodSetResolver resolver, UnannotatedPodResolver fallback,
                              SchedulerProperties properties, MeterRegistry registry) {
        return new ClusterState(engine, resolver, fallback, properties.ipp().classLabel(), registry);
    }

    /** {@link ExtenderState#view}: the state first, then the other listeners (the placement Events). */
    @Bean
    ClusterView clusterView(KubernetesClient client, SchedulerProperties properties, SpoPodResolver profiles,
                            ClusterState state, ObjectProvider<ClusterView.PodListener> listeners) {
        return ExtenderState.view(client, properties, profiles,
                Stream.concat(Stream.of(state), listeners.orderedStream().filter(l -> l != state))
                        .toArray(ClusterView.PodListener[]::new));
    }

    /** Readiness details: the pods the state counts. */
    @Bean
    ReadinessContributor stateReadiness(ClusterState state) {
        return new ReadinessContributor() {
            @Override
            public Map<String, Object> details() {
                return Map.of("trackedPods", state.trackedPods(), "fallbackPods", state.fallbackPods());
            }
        };
    }
}
