package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.kube.AnnotationKeyDirectory;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.github.sysched.scoring.ExsEngine;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * How the extender's state is put together from {@link SchedulerProperties}: the service's beans
 * ({@link StateConfiguration}) and the {@code explain} command build it with these methods, so both count pods and
 * resolve pods without the annotation alike.
 *
 * @param profiles pods without a valid annotation: their own profiles, from the SeccompProfile informer
 * @param resolver a pod's syscall set: the annotation when trusted ({@code sysched.scheduler.annotations}), else
 *                 {@code profiles}
 * @param state    which pod counts where ({@link ClusterState}, its engine)
 * @param view     the informers feeding {@code state} and {@code profiles}
 */
public record ExtenderState(SpoPodResolver profiles, PodSetResolver resolver, ClusterState state, ClusterView view) {

    /** The whole state over {@code client}, not started; {@code view} calls {@code state}, then {@code more}. */
    public static ExtenderState create(
            KubernetesClient client,
            SchedulerProperties properties,
            MeterRegistry registry,
            ClusterView.PodListener... more) {
        SpoPodResolver profiles = profiles(properties);
        PodSetResolver resolver = new PodSetResolver(profiles, snapshotTrust(properties), registry);
        ClusterState state = new ClusterState(
                new ExsEngine(properties.syscallWeights()),
                resolver,
                profiles,
                properties.ipp().classLabel(),
                registry);
        ClusterView view = view(
                client,
                properties,
                profiles,
                Stream.concat(Stream.of(state), Stream.of(more)).toArray(ClusterView.PodListener[]::new));
        return new ExtenderState(profiles, resolver, state, view);
    }

    /** Pods kube-scheduler is deciding; their syscall set (from the request's pod) and class are resolved once. */
    public static InFlightPods inFlight(
            PodSetResolver resolver, ClusterState state, SchedulerProperties properties, MeterRegistry registry) {
        return new InFlightPods(
                pod -> {
                    PodSetResolver.Resolution resolution = resolver.resolve(pod.toPod(), PodSetResolver.Source.REQUEST);
                    return new InFlightPods.Resolved(
                            resolution.syscalls(),
                            resolution.fallback(),
                            state.ippClassOf(resolution.ippClassAnnotation(), pod.labels()));
                },
                properties.inFlight().maxWait(),
                properties.inFlight().ttl(),
                System::nanoTime,
                registry);
    }

    /**
     * The annotation trust of a short-lived reader of the cluster (the {@code explain} command), keys read once. Away
     * from the extender's pod there is usually no key: without {@code sysched.scheduler.annotations.key-dir} every
     * annotation is believed (as the extender believes the ones the webhook signed) and {@link #verifiesSignatures}
     * says so.
     */
    public static AnnotationTrust snapshotTrust(SchedulerProperties properties) {
        if (!verifiesSignatures(properties)) {
            return AnnotationTrust.ANY;
        }
        AnnotationKeyDirectory keys = keys(properties);
        keys.start();
        keys.close();
        return new AnnotationTrust(properties.annotations().trust(), keys);
    }

    /** Whether {@link #snapshotTrust} checks signatures (a key directory is configured and trust is {@code signed}). */
    public static boolean verifiesSignatures(SchedulerProperties properties) {
        return properties.annotations().trust() == AnnotationTrust.Mode.SIGNED
                && !properties.annotations().keyDir().isEmpty();
    }

    /** The shared annotation keys ({@code sysched.scheduler.annotations.key-dir}), not read yet. */
    public static AnnotationKeyDirectory keys(SchedulerProperties properties) {
        String dir = properties.annotations().keyDir();
        return new AnnotationKeyDirectory(
                dir.isEmpty() ? null : Path.of(dir), properties.annotations().keyCheckInterval());
    }

    /** The resolver of pods without a valid {@code exs.sysched.io/syscalls} annotation. */
    public static SpoPodResolver profiles(SchedulerProperties properties) {
        return new SpoPodResolver(
                properties.defaultProfile().namespace(),
                properties.defaultProfile().name(),
                properties.containers().policy());
    }

    /**
     * SeccompProfiles and Pods; with the rebalancer on also Nodes (pod slots, cordons, taints, zones) and Namespaces
     * (the replica-spread opt-out label), which it plans with; with the plan of the known demand on
     * ({@code sysched.scheduler.scoring.plan.enabled}) also those, the replica controllers (the demand) and
     * ProfileBindings (their templates resolve as the webhook resolves a pod).
     */
    static ClusterView.Resource[] watched(SchedulerProperties properties) {
        java.util.Set<ClusterView.Resource> watched =
                java.util.EnumSet.of(ClusterView.Resource.SECCOMP_PROFILES, ClusterView.Resource.PODS);
        if (properties.rebalancer().enabled() || properties.scoring().plan().enabled()) {
            watched.add(ClusterView.Resource.NODES);
            watched.add(ClusterView.Resource.NAMESPACES);
        }
        if (properties.scoring().plan().enabled()) {
            watched.add(ClusterView.Resource.PROFILE_BINDINGS);
            watched.add(ClusterView.Resource.REPLICA_SETS);
            watched.add(ClusterView.Resource.STATEFUL_SETS);
            watched.add(ClusterView.Resource.REPLICATION_CONTROLLERS);
        }
        return watched.toArray(ClusterView.Resource[]::new);
    }

    /**
     * The extender's view of the cluster: SeccompProfiles (the {@link SpoPodResolver}'s profiles), then pods, whose
     * initial list rebuilds the whole state after a restart, told to {@code podListeners} in order.
     * {@code sysched.scheduler.spo.scope=auto} reads the scope from the CRD in the background, retrying until it is
     * readable.
     */
    public static ClusterView view(
            KubernetesClient client,
            SchedulerProperties properties,
            SpoPodResolver profiles,
            ClusterView.PodListener... podListeners) {
        ClusterView view = new ClusterView(ClusterView.settings(client)
                .watch(watched(properties))
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
