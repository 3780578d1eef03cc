package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.kube.AnnotationKeyDirectory;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.kube.boot.ReadinessContributor;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.github.sysched.scoring.ExsEngine;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class StateConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StateConfiguration.class);

    @Bean
    SpoPodResolver spoPodResolver(SchedulerProperties properties) {
        return new SpoPodResolver(properties.defaultProfile().namespace(), properties.defaultProfile().name(),
                properties.containers().policy());
    }

    @Bean
    PodSetResolver podSetResolver(UnannotatedPodResolver fallback, AnnotationTrust trust, MeterRegistry registry) {
        return new PodSetResolver(fallback, trust, registry);
    }

    /** The shared annotation keys ({@code sysched.scheduler.annotations.key-dir}), re-read every check interval. */
    @Bean(initMethod = "start", destroyMethod = "close")
    AnnotationKeyDirectory annotationKeys(SchedulerProperties properties) {
        String dir = properties.annotations().keyDir();
        return new AnnotationKeyDirectory(dir.isEmpty() ? null : Path.of(dir), properties.annotations().keyCheckInterval());
    }

    @Bean
    AnnotationTrust annotationTrust(SchedulerProperties properties, AnnotationKeyDirectory keys) {
        if (properties.annotations().trust() == AnnotationTrust.Mode.ANY) {
            log.warn("sysched.scheduler.annotations.trust=any: every exs.sysched.io annotation is believed, signed or "
                    + "not (SECURITY.md)");
        }
        return new AnnotationTrust(properties.annotations().trust(), keys);
    }

    @Bean
    ClusterState clusterState(ExsEngine engine, PodSetResolver resolver, UnannotatedPodResolver fallback,
                              SchedulerProperties properties, MeterRegistry registry) {
        return new ClusterState(engine, resolver, fallback, properties.ipp().classLabel(), registry);
    }

    /** Pods kube-scheduler is deciding; their syscall set (from the request's pod) and class are resolved once. */
    @Bean
    InFlightPods inFlightPods(PodSetResolver resolver, ClusterState state, SchedulerProperties properties,
                              MeterRegistry registry) {
        return new InFlightPods(pod -> {
            PodSetResolver.Resolution resolution = resolver.resolve(pod.toPod(), PodSetResolver.Source.REQUEST);
            return new InFlightPods.Resolved(resolution.syscalls(), resolution.fallback(),
                    state.ippClassOf(resolution.ippClassAnnotation(), pod.labels()));
        }, properties.inFlight().maxWait(), properties.inFlight().ttl(), System::nanoTime, registry);
    }

    /**
     * The extender's view of the cluster: SeccompProfiles (the {@link SpoPodResolver}'s profiles), then pods, whose
     * initial list rebuilds the whole state after a restart. {@code sysched.scheduler.spo.scope=auto} reads the
     * scope from the CRD in the background, retrying until it is readable.
     */
    @Bean
    ClusterView clusterView(KubernetesClient client, SchedulerProperties properties, SpoPodResolver profiles,
                            ClusterState state, InFlightPods inFlight, AnnotationTrust trust) {
        ClusterView view = new ClusterView(ClusterView.settings(client)
                .watch(ClusterView.Resource.SECCOMP_PROFILES, ClusterView.Resource.PODS)
                .version(properties.spo().version())
                .scope(properties.spo().scope().configured())
                .podsWaitForProfiles(properties.informer().profileWait())
                .onScopeKnown(profiles::useScope)
                .onProfilesChanged(profiles::profilesChanged)
                .onPods(new ClusterView.PodListener() {
                    // the state first: a request that waited for this pod must find it counted
                    @Override
                    public void podChanged(Pod pod) {
                        state.podChanged(pod);
                        if (ClusterState.countedNode(pod) != null || ClusterState.terminatedPod(pod)) {
                            inFlight.settle(pod.getMetadata().getUid());
                        }
                    }

                    @Override
                    public void podDeleted(Pod pod, boolean finalStateUnknown) {
                        state.podDeleted(pod, finalStateUnknown);
                        inFlight.settle(pod.getMetadata() == null ? null : pod.getMetadata().getUid());
                    }
                }));
        profiles.attach(view::profiles, view.policies());
        // new keys can make any pod's annotations trusted or untrusted: every cached pod is evaluated again
        trust.onChange(() -> view.forEachPod(pod -> {
            if (ClusterState.countedNode(pod) != null) {
                state.podChanged(pod);
            }
        }));
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
