package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.kube.AnnotationKeyDirectory;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.kube.boot.ReadinessContributor;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.github.sysched.scoring.ExsEngine;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class StateConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StateConfiguration.class);

    @Bean
    SpoPodResolver spoPodResolver(SchedulerProperties properties) {
        return ExtenderState.profiles(properties);
    }

    @Bean
    PodSetResolver podSetResolver(UnannotatedPodResolver fallback, AnnotationTrust trust, MeterRegistry registry) {
        return new PodSetResolver(fallback, trust, registry);
    }

    /** The shared annotation keys ({@code sysched.scheduler.annotations.key-dir}), re-read every check interval. */
    @Bean(initMethod = "start", destroyMethod = "close")
    AnnotationKeyDirectory annotationKeys(SchedulerProperties properties) {
        return ExtenderState.keys(properties);
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
    ClusterState clusterState(
            ExsEngine engine,
            PodSetResolver resolver,
            UnannotatedPodResolver fallback,
            SchedulerProperties properties,
            MeterRegistry registry) {
        return new ClusterState(engine, resolver, fallback, properties.ipp().classLabel(), registry);
    }

    /** Pods kube-scheduler is deciding; their syscall set (from the request's pod) and class are resolved once. */
    @Bean
    InFlightPods inFlightPods(
            PodSetResolver resolver, ClusterState state, SchedulerProperties properties, MeterRegistry registry) {
        return ExtenderState.inFlight(resolver, state, properties, registry);
    }

    /**
     * {@link ExtenderState#view}: the state first (a request that waited for a pod must find it counted), which then
     * settles the pod's in-flight attempt, then the other listeners (the placement Events).
     */
    @Bean
    ClusterView clusterView(
            KubernetesClient client,
            SchedulerProperties properties,
            SpoPodResolver profiles,
            ClusterState state,
            InFlightPods inFlight,
            AnnotationTrust trust,
            ObjectProvider<ClusterView.PodListener> listeners) {
        ClusterView.PodListener stateThenInFlight = new ClusterView.PodListener() {
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
                inFlight.settle(
                        pod.getMetadata() == null ? null : pod.getMetadata().getUid());
            }
        };
        ClusterView view = ExtenderState.view(
                client,
                properties,
                profiles,
                Stream.concat(
                                Stream.of(stateThenInFlight),
                                listeners.orderedStream().filter(l -> l != state))
                        .toArray(ClusterView.PodListener[]::new));
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
