package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SpoApiVersion;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the informers the extender works from, without blocking startup:
 * <ol>
 *   <li>SeccompProfiles (all namespaces, in the configured {@link SpoApiVersion}), whose store is the
 *       {@link SpoPodResolver}'s profile cache; a cluster without SPO is tolerated (the informer keeps
 *       retrying, unannotated pods without an explicit profile count with common's fallback);</li>
 *   <li>then pods (all namespaces, every scheduler), whose initial list rebuilds the whole state after a
 *       restart. Readiness ({@link InformerHealthIndicator}) is UP once this list has been applied.</li>
 * </ol>
 * The pod informer starts once the profile informer has synced or after {@code profileWait}, whichever is
 * first; fallback pods are re-resolved whenever a SeccompProfile changes, so the order only saves work.
 */
public class Informers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Informers.class);

    private final KubernetesClient client;
    private final ClusterState state;
    private final SpoPodResolver profiles;
    private final SpoApiVersion version;
    private final Duration profileWait;
    private volatile SharedIndexInformer<? extends SeccompProfile> profileInformer;
    private volatile SharedIndexInformer<Pod> podInformer;
    private volatile boolean running;

    public Informers(KubernetesClient client, ClusterState state, SpoPodResolver profiles, SpoApiVersion version,
                     Duration profileWait) {
        this.client = client;
        this.state = state;
        this.profiles = profiles;
        this.version = version;
        this.profileWait = profileWait;
    }

    @Override
    public void start() {
        running = true;
        SharedIndexInformer<? extends SeccompProfile> seccompProfiles = profileInformer(version.seccompProfileClass());
        profileInformer = seccompProfiles;

        podInformer = client.pods().inAnyNamespace().runnableInformer(0);
        podInformer.exceptionHandler((started, t) -> {
            log.warn("pod informer: {} (retrying)", t.toString());
            return true;
        });
        podInformer.addEventHandler(state);

        seccompProfiles.start().toCompletableFuture()
                .orTimeout(profileWait.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        log.warn("SeccompProfile informer not synced after {} ({}); starting the pod informer anyway",
                                profileWait, failure.toString());
                    }
                    if (running) {
                        podInformer.start().whenComplete((done, podFailure) -> {
                            if (podFailure == null) {
                                log.info("pod informer synced: {} pods counted on {} nodes",
                                        state.trackedPods(), state.engine().nodes().size());
                            }
                        });
                    }
                });
    }

    /** True once the pod informer's initial list has been delivered to the state. */
    public boolean podsSynced() {
        SharedIndexInformer<Pod> informer = podInformer;
        return informer != null && informer.hasSynced();
    }

    public boolean profilesSynced() {
        SharedIndexInformer<? extends SeccompProfile> informer = profileInformer;
        return informer != null && informer.hasSynced();
    }

    private <T extends SeccompProfile> SharedIndexInformer<T> profileInformer(Class<T> type) {
        SharedIndexInformer<T> informer = client.resources(type).inAnyNamespace().runnableInformer(0);
        informer.exceptionHandler((started, t) -> {
            log.debug("SeccompProfile {} informer: {}", version.seccompProfileVersion(), t.toString());
            return true; // keep retrying (SPO may be installed later)
        });
        profiles.attach(informer.getStore()::list);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T profile) {
                profiles.profilesChanged();
            }

            @Override
            public void onUpdate(T oldProfile, T newProfile) {
                if (!sameContent(oldProfile, newProfile)) {
                    profiles.profilesChanged();
                }
            }

            @Override
            public void onDelete(T profile, boolean deletedFinalStateUnknown) {
                profiles.profilesChanged();
            }
        });
        return informer;
    }

    /** Status-only updates (SPO writes status often) change no syscall set. */
    private boolean sameContent(SeccompProfile a, SeccompProfile b) {
        if (a == null || b == null || a.getMetadata() == null || b.getMetadata() == null
                || !Objects.equals(a.getMetadata().getNamespace(), b.getMetadata().getNamespace())
                || !Objects.equals(a.getMetadata().getName(), b.getMetadata().getName())) {
            return false;
        }
        KubernetesSerialization serialization = client.getKubernetesSerialization();
        return serialization.asJson(a.getSpec()).equals(serialization.asJson(b.getSpec()));
    }

    /** The cached pod {@code namespace/name}, or null. */
    public Pod cachedPod(String namespace, String name) {
        SharedIndexInformer<Pod> informer = podInformer;
        return informer == null ? null : informer.getStore().getByKey(namespace + "/" + name);
    }

    @Override
    public void stop() {
        running = false;
        SharedIndexInformer<Pod> pods = podInformer;
        if (pods != null) {
            pods.stop();
        }
        SharedIndexInformer<? extends SeccompProfile> profiles = profileInformer;
        if (profiles != null) {
            profiles.stop();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
