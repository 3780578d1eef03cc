package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.github.sysched.scoring.ExsEngine;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class StateConfiguration {

    @Bean
    DefaultProfileResolver defaultProfileResolver(SchedulerProperties properties) {
        return new DefaultProfileResolver(properties);
    }

    @Bean
    @ConditionalOnMissingBean(UnannotatedPodResolver.class)
    UnannotatedPodResolver unannotatedPodResolver(DefaultProfileResolver defaultProfileResolver) {
        return defaultProfileResolver;
    }

    @Bean
    PodSyscallResolver podSyscallResolver(UnannotatedPodResolver fallback, MeterRegistry registry) {
        return new PodSyscallResolver(fallback, registry);
    }

    @Bean
    ClusterState clusterState(ExsEngine engine, PodSyscallResolver resolver, UnannotatedPodResolver fallback,
                              SchedulerProperties properties, MeterRegistry registry) {
        return new ClusterState(engine, resolver, fallback, properties.getIpp().getClassLabel(), registry);
    }

    @Bean
    Informers informers(KubernetesClient client, ClusterState state, DefaultProfileResolver defaultProfile,
                        @Value("${sysched.scheduler.informer.profile-wait:10s}") Duration profileWait) {
        return new Informers(client, state, defaultProfile, profileWait);
    }

    @Bean
    InformerHealthIndicator informersHealthIndicator(Informers informers, ClusterState state) {
        return new InformerHealthIndicator(informers, state);
    }
}
