package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.spo.SpoApi;
import io.github.sysched.spo.SpoApiVersion;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.spo.SpoScopeDetector;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class StateConfiguration {

    /**
     * {@code sysched.scheduler.spo.scope}: {@code namespaced} / {@code cluster} as configured; {@code auto} reads
     * the CRD's {@code spec.scope} in the background ({@link Informers}), retrying until it is readable.
     */
    @Bean
    SpoScopeDetector spoScopeDetector(SchedulerProperties properties, KubernetesClient client) {
        String configured = properties.getSpo().getScope();
        if (configured != null && "auto".equals(configured.trim().toLowerCase(Locale.ROOT))) {
            return SpoScopeDetector.fromCrd(() -> client.apiextensions().v1().customResourceDefinitions()
                    .withName(SpoApi.SECCOMP_PROFILE_CRD).get());
        }
        return SpoScopeDetector.configured(SpoScope.parse(configured));
    }

    /** {@code sysched.scheduler.spo.version}: which SeccompProfile version the informer reads. */
    @Bean
    SpoApiVersion spoApiVersion(SchedulerProperties properties) {
        return SpoApiVersion.parse(properties.getSpo().getVersion());
    }

    @Bean
    SpoPodResolver spoPodResolver(SchedulerProperties properties) {
        return new SpoPodResolver(properties.getDefaultProfile().getNamespace(),
                properties.getDefaultProfile().getName(), properties.getContainers().policy());
    }

    @Bean
    PodSetResolver podSetResolver(UnannotatedPodResolver fallback, MeterRegistry registry) {
        return new PodSetResolver(fallback, registry);
    }

    @Bean
    ClusterState clusterState(ExsEngine engine, PodSetResolver resolver, UnannotatedPodResolver fallback,
                              SchedulerProperties properties, MeterRegistry registry) {
        return new ClusterState(engine, resolver, fallback, properties.getIpp().getClassLabel(), registry);
    }

    @Bean
    Informers informers(KubernetesClient client, ClusterState state, SpoPodResolver profiles, SpoApiVersion version,
                        @Value("${sysched.scheduler.informer.profile-wait:10s}") Duration profileWait,
                        SpoScopeDetector scopeDetector) {
        return new Informers(client, state, profiles, version, profileWait, scopeDetector);
    }

    @Bean
    InformerHealthIndicator informersHealthIndicator(Informers informers, ClusterState state) {
        return new InformerHealthIndicator(informers, state);
    }
}
