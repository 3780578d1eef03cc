package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.github.sysched.informer.WatchHealth;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SpoApiVersion;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.spo.SpoScopeDetector;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the informers the extender works from, without blocking startup, on a background thread:
 * <ol>
 *   <li>the SPO scope: configured, or read from the SeccompProfile CRD with common's {@link SpoScopeDetector}
 *       (never assumed: while the CRD is absent or unreadable this step retries with backoff and
 *       {@link #problem()} says why);</li>
 *   <li>SeccompProfiles (all namespaces, in the configured {@link SpoApiVersion}), whose store is the
 *       {@link SpoPodResolver}'s profile cache; a cluster without SPO objects is tolerated (the informer keeps
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
    private final SpoScopeDetector scopeDetector;
    private volatile SharedIndexInformer<? extends SeccompProfile> profileInformer;
    private volatile SharedIndexInformer<Pod> podInformer;
    private volatile String problem = "not started";
    private volatile boolean running;
    /** Replaced at each start, so a restarted lifecycle does not keep following stopped informers. */
    private volatile WatchHealth watches = new WatchHealth();
    private Thread starter;

    public Informers(KubernetesClient client, ClusterState state, SpoPodResolver profiles, SpoApiVersion version,
                     Duration profileWait, SpoScopeDetector scopeDetector) {
        this.client = client;
        this.state = state;
        this.profiles = profiles;
        this.version = version;
        this.profileWait = profileWait;
        this.scopeDetector = scopeDetector;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        problem = "SPO scope not known yet";
        starter = new Thread(this::startOnceTheScopeIsKnown, "sysched-informers-start");
        starter.setDaemon(true);
        starter.start();
    }

    private void startOnceTheScopeIsKnown() {
        SpoScope scope;
        try {
            scope = scopeDetector.await(() -> running, attempt -> {
                problem = "SPO scope unknown: " + attempt.problem();
                log.warn("{}; retrying in {} ms", problem, attempt.retryIn().toMillis());
            });
        } catch (InterruptedException e) {
            return; // stopping
        }
        if (scope == null) {
            return;
        }
        log.info("SPO scope: {}", scope);
        profiles.useScope(scope);
        startInformers();
    }

    private synchronized void startInformers() {
        if (!running) {
            return;
        }
        problem = "SeccompProfile informer not synced yet (the pod informer starts after it, or after " + profileWait
                + ")";
        SharedIndexInformer<? extends SeccompProfile> seccompProfiles = profileInformer(version.seccompProfileClass());
        profileInformer = seccompProfiles;

        SharedIndexInformer<Pod> pods = client.pods().inAnyNamespace().runnableInformer(0);
        pods.exceptionHandler((started, t) -> {
            log.warn("pod informer: {} (retrying)", t.toString());
            return true;
        });
        pods.addEventHandler(state);
        podInformer = pods;
        watches = new WatchHealth();
        watches.track("seccompprofiles", seccompProfiles);
        watches.track("pods", pods);
        watches.start();

        seccompProfiles.start().toCompletableFuture()
                .orTimeout(profileWait.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        log.warn("SeccompProfile informer not synced after {} ({}); starting the pod informer anyway",
                                profileWait, failure.toString());
                    }
                    startPodInformer(pods);
                });
    }

    private synchronized void startPodInformer(SharedIndexInformer<Pod> pods) {
        if (!running) {
            return;
        }
        problem = "pod informer not synced yet";
        pods.start().whenComplete((done, podFailure) -> {
            if (podFailure == null) {
                log.info("pod informer synced: {} pods counted on {} nodes",
                        state.trackedPods(), state.engine().nodes().size());
            }
        });
    }

    /**
     * Why the state is not ready (SPO scope, informers not synced, or a watch lost for longer than
     * {@link WatchHealth#GRACE}); empty while it follows the cluster.
     */
    public String problem() {
        return podsSynced() ? watches.problem() : problem;
    }

    /** The SPO scope in force; empty until configured or detected. */
    public Optional<SpoScope> scope() {
        return profiles.scope();
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
                profiles.profileDeleted(profile);
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
    public synchronized void stop() {
        running = false;
        watches.close();
        if (starter != null) {
            starter.interrupt();
        }
        SharedIndexInformer<Pod> pods = podInformer;
        if (pods != null) {
            pods.stop();
        }
        SharedIndexInformer<? extends SeccompProfile> seccompProfiles = profileInformer;
        if (seccompProfiles != null) {
            seccompProfiles.stop();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
