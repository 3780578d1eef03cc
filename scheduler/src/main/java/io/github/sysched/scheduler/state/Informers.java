package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the informers the extender works from, without blocking startup:
 * <ol>
 *   <li>SeccompProfiles (all namespaces), so the fallback resolver knows the default profile; a cluster
 *       without SPO is tolerated (the informer keeps retrying, the fallback set stays empty);</li>
 *   <li>then pods (all namespaces, every scheduler), whose initial list rebuilds the whole state after a
 *       restart. Readiness ({@link InformerHealthIndicator}) is UP once this list has been applied.</li>
 * </ol>
 * The pod informer starts once the profile informer has synced or after {@code profileWait}, whichever is
 * first; fallback pods are re-resolved whenever the default profile changes, so the order only saves work.
 */
public class Informers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Informers.class);

    private final KubernetesClient client;
    private final ClusterState state;
    private final DefaultProfileResolver defaultProfile;
    private final Duration profileWait;
    private volatile SharedIndexInformer<SeccompProfileV1Beta1> profileInformer;
    private volatile SharedIndexInformer<Pod> podInformer;
    private volatile boolean running;

    public Informers(KubernetesClient client, ClusterState state, DefaultProfileResolver defaultProfile,
                     Duration profileWait) {
        this.client = client;
        this.state = state;
        this.defaultProfile = defaultProfile;
        this.profileWait = profileWait;
    }

    @Override
    public void start() {
        running = true;
        profileInformer = client.resources(SeccompProfileV1Beta1.class).inAnyNamespace().runnableInformer(0);
        profileInformer.exceptionHandler((started, t) -> {
            log.debug("SeccompProfile informer: {}", t.toString());
            return true; // keep retrying (SPO may be installed later)
        });
        profileInformer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(SeccompProfileV1Beta1 profile) {
                defaultProfile.onProfile(profile);
            }

            @Override
            public void onUpdate(SeccompProfileV1Beta1 oldProfile, SeccompProfileV1Beta1 newProfile) {
                defaultProfile.onProfile(newProfile);
            }

            @Override
            public void onDelete(SeccompProfileV1Beta1 profile, boolean deletedFinalStateUnknown) {
                defaultProfile.onProfileDeleted(profile);
            }
        });

        podInformer = client.pods().inAnyNamespace().runnableInformer(0);
        podInformer.exceptionHandler((started, t) -> {
            log.warn("pod informer: {} (retrying)", t.toString());
            return true;
        });
        podInformer.addEventHandler(state);

        profileInformer.start().toCompletableFuture()
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
        SharedIndexInformer<SeccompProfileV1Beta1> informer = profileInformer;
        return informer != null && informer.hasSynced();
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
