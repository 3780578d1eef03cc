package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.kube.boot.ReadinessContributor;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.github.sysched.scoring.ExsEngine;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class StateConfiguration {

    @Bean
    SpoPodResolver spoPodResolver(SchedulerProperties properties) {
        return new SpoPodResolver(properties.defaultProfile().namespace(), properties.defaultProfile().name(),
                properties.containers().policy());
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

    /**
     * The extender's view of the cluster: SeccompProfiles (the {@link SpoPodResolver}'s profiles), then pods, whose
     * initial list rebuilds the whole state after a restart. {@code sysched.scheduler.spo.scope=auto} reads the
     * scope from the CRD in the background, retrying until it is readable.
     */
    @Bean
    ClusterView clusterView(KubernetesClient client, SchedulerProperties properties, SpoPodResolver profiles,
                            ClusterState state) {
        ClusterView view = new ClusterView(ClusterView.settings(client)
                .watch(ClusterView.Resource.SECCOMP_PROFILES, ClusterView.Resource.PODS)
                .version(properties.spo().version())
                .scope(properties.spo().scope().configured())
                .podsWaitForProfiles(properties.informer().profileWait())
                .onScopeKnown(profiles::useScope)
                .onProfilesChanged(profiles::profilesChanged)
                .onPods(state));
        profiles.attach(view::profiles, view.policies());
        return view;
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
