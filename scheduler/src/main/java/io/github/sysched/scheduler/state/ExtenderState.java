package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.github.sysched.scoring.ExsEngine;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.stream.Stream;

/**
 * How the extender's state is put together from {@link SchedulerProperties}: the service's beans
 * ({@link StateConfiguration}) and the {@code explain} command build it with these methods, so both count pods and
 * resolve pods without the annotation alike.
 *
 * @param profiles pods without a valid annotation: their own profiles, from the SeccompProfile informer
 * @param resolver a pod's syscall set: the annotation, else {@code profiles}
 * @param state    which pod counts where ({@link ClusterState}, its engine)
 * @param view     the informers feeding {@code state} and {@code profiles}
 */
public record ExtenderState(SpoPodResolver profiles, PodSetResolver resolver, ClusterState state, ClusterView view) {

    /** The whole state over {@code client}, not started; {@code view} calls {@code state}, then {@code more}. */
    public static ExtenderState create(KubernetesClient client, SchedulerProperties properties, MeterRegistry registry,
                                       ClusterView.PodListener... more) {
        SpoPodResolver profiles = profiles(properties);
        PodSetResolver resolver = new PodSetResolver(profiles, registry);
        ClusterState state = new ClusterState(new ExsEngine(properties.syscallWeights()), resolver, profiles,
                properties.ipp().classLabel(), registry);
        ClusterView view = view(client, properties, profiles,
                Stream.concat(Stream.of(state), Stream.of(more)).toArray(ClusterView.PodListener[]::new));
        return new ExtenderState(profiles, resolver, state, view);
    }

    /** The resolver of pods without a valid {@code exs.sysched.io/syscalls} annotation. */
    public static SpoPodResolver profiles(SchedulerProperties properties) {
        return new SpoPodResolver(properties.defaultProfile().namespace(), properties.defaultProfile().name(),
                properties.containers().policy());
    }

    /**
     * The extender's view of the cluster: SeccompProfiles (the {@link SpoPodResolver}'s profiles), then pods, whose
     * initial list rebuilds the whole state after a restart, told to {@code podListeners} in order.
     * {@code sysched.scheduler.spo.scope=auto} reads the scope from the CRD in the background, retrying until it is
     * readable.
     */
    public static ClusterView view(KubernetesClient client, SchedulerProperties properties, SpoPodResolver profiles,
                                   ClusterView.PodListener... podListeners) {
        ClusterView view = new ClusterView(ClusterView.settings(client)
                .watch(ClusterView.Resource.SECCOMP_PROFILES, ClusterView.Resource.PODS)
                .version(properties.spo().version())
                .scope(properties.spo().scope().configured())
                .podsWaitForProfiles(properties.informer().profileWait())
                .onScopeKnown(profiles::useScope)
                .onProfilesChanged(profiles::profilesChanged)
                .onPods(podListeners));
        profiles.attach(view::profiles, view.policies());
        return view;
    }
}
