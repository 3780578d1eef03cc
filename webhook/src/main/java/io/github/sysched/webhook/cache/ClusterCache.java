package io.github.sysched.webhook.cache;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.github.sysched.informer.WatchHealth;
import io.github.sysched.profile.PolicyMemo;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.profile.ProfileLookup;
import io.github.sysched.spo.ProfileBinding;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SpoApi;
import io.github.sysched.spo.SpoApiVersion;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.spo.SpoScopeDetector;
import io.github.sysched.webhook.config.WebhookProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The webhook's view of the cluster: SeccompProfile, ProfileBinding (all namespaces) and Namespace informers.
 * Nothing on the request path calls the API server; requests read these caches.
 *
 * <p>Start-up (in the background, so the HTTPS port opens at once and readiness reports the wait): detect the
 * SPO scope from the seccompprofiles CRD unless configured, then start the informers and keep checking that
 * they watch. They retry forever (fabric8's default gives up when the first list fails, e.g. on a 403 before
 * RBAC is bound or a 5xx).
 *
 * <p>{@link #synced()}: every informer has listed once, so requests can be answered (from the last state seen
 * if the API server is gone since). {@link #current()}: synced and watching, which readiness reports.
 */
@Component
public class ClusterCache implements ClusterView, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClusterCache.class);

    private final KubernetesClient client;
    private final WebhookProperties properties;
    private final SpoApiVersion version;
    private final SpoScopeDetector scopeDetector;
    private volatile SpoScope scope;
    private volatile SharedIndexInformer<? extends SeccompProfile> profiles;
    private volatile SharedIndexInformer<? extends ProfileBinding> bindings;
    private volatile SharedIndexInformer<Namespace> namespaces;
    /** Replaced at each start: Spring may stop and restart the cache (e.g. a paused test context). */
    private volatile WatchHealth watches = new WatchHealth();
    private final PolicyMemo policies = new PolicyMemo();
    private volatile String startupProblem = "not started";
    private volatile boolean running;
    private Thread worker;

    public ClusterCache(KubernetesClient client, WebhookProperties properties, MeterRegistry registry) {
        this.client = client;
        this.properties = properties;
        this.version = SpoApiVersion.parse(properties.spo().version());
        this.scopeDetector = switch (properties.spo().scope()) {
            case NAMESPACED -> SpoScopeDetector.configured(SpoScope.NAMESPACED);
            case CLUSTER -> SpoScopeDetector.configured(SpoScope.CLUSTER);
            case AUTO -> SpoScopeDetector.fromCrd(() -> client.apiextensions().v1().customResourceDefinitions()
                    .withName(SpoApi.SECCOMP_PROFILE_CRD).get());
        };
        Gauge.builder("sysched.cache.size", this, c -> size(c.profiles)).tag("resource", "seccompprofiles")
                .description("Objects in the webhook's informer caches").register(registry);
        Gauge.builder("sysched.cache.size", this, c -> size(c.bindings)).tag("resource", "profilebindings")
                .register(registry);
        Gauge.builder("sysched.cache.size", this, c -> size(c.namespaces)).tag("resource", "namespaces")
                .register(registry);
    }

    private static double size(SharedIndexInformer<?> informer) {
        return informer == null ? Double.NaN : informer.getStore().list().size();
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        worker = new Thread(this::run, "cluster-cache");
        worker.setDaemon(true);
        worker.start();
    }

    private void run() {
        if (startInformers()) {
            watches.start();
        }
    }

    /** False when stopped before the informers could start. */
    private boolean startInformers() {
        if (scope == null) {
            try {
                scope = scopeDetector.await(() -> running, attempt -> {
                    startupProblem = attempt.problem();
                    log.warn("{}; retrying in {} ms", attempt.problem(), attempt.retryIn().toMillis());
                });
            } catch (InterruptedException e) {
                return false;
            }
            if (scope == null) {
                return false;
            }
            log.info("SPO scope: {} ({})", scope, properties.spo().scope());
        }
        if (!running) {
            return false;
        }
        startupProblem = "informers not synced yet";
        synchronized (this) {
            if (!running) {
                return false;
            }
            profiles = retrying("seccompprofiles",
                    client.resources(version.seccompProfileClass()).inAnyNamespace().runnableInformer(0));
            profiles.addEventHandler(new ForgetDeletedPolicies());
            bindings = retrying("profilebindings",
                    client.resources(version.profileBindingClass()).inAnyNamespace().runnableInformer(0));
            namespaces = retrying("namespaces", client.namespaces().runnableInformer(0));
            watches = new WatchHealth();
            watches.track("seccompprofiles", profiles);
            watches.track("profilebindings", bindings);
            watches.track("namespaces", namespaces);
            profiles.start();
            bindings.start();
            namespaces.start();
        }
        log.info("informers started: SeccompProfile {} ({} scope), ProfileBinding {}, Namespace",
                version.seccompProfileVersion(), scope, version.profileBindingVersion());
        return true;
    }

    private <T> SharedIndexInformer<T> retrying(String resource, SharedIndexInformer<T> informer) {
        return informer.exceptionHandler((started, failure) -> {
            if (running) {
                log.warn("{} informer: {} (retrying)", resource, failure.toString());
            }
            return true; // a stopped informer does not retry anyway
        });
    }

    @Override
    public synchronized void stop() {
        running = false;
        watches.close();
        if (worker != null) {
            worker.interrupt();
        }
        for (SharedIndexInformer<?> informer : informers()) {
            informer.stop();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private List<SharedIndexInformer<?>> informers() {
        List<SharedIndexInformer<?>> all = new ArrayList<>();
        for (SharedIndexInformer<?> informer : new SharedIndexInformer<?>[] {profiles, bindings, namespaces}) {
            if (informer != null) {
                all.add(informer);
            }
        }
        return all;
    }

    /** True once every informer has listed its resources: requests can be answered from the caches. */
    @Override
    public boolean synced() {
        List<SharedIndexInformer<?>> all = informers();
        return all.size() == 3 && all.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    /**
     * True while the caches follow the cluster (readiness): synced, and no informer has been without its watch
     * for longer than {@link WatchHealth#GRACE} (API server unreachable, failing or too slow to relist).
     */
    public boolean current() {
        return problem().isEmpty();
    }

    /** Why the cache is not {@link #current()} (empty when it is). */
    @Override
    public String problem() {
        return synced() ? watches.problem() : startupProblem;
    }

    /** The SPO scope in force (configured or detected); null until the cache has started and knows it. */
    @Override
    public SpoScope scope() {
        return scope;
    }

    public SpoApiVersion version() {
        return version;
    }

    @Override
    public Optional<SeccompProfile> profile(ProfileKey key) {
        var informer = profiles;
        return informer == null ? Optional.empty()
                : Optional.ofNullable(informer.getStore().getByKey(key.toString()));
    }

    /**
     * Profile lookup over the informer (errors in a profile surface when it is looked up). Each profile is
     * converted once per resourceVersion, not once per request.
     */
    @Override
    public ProfileLookup profileLookup() {
        return policies.lookup(key -> profile(key).orElse(null));
    }

    public Collection<? extends SeccompProfile> profiles() {
        var informer = profiles;
        return informer == null ? List.of() : informer.getStore().list();
    }

    /** The ProfileBindings of {@code namespace}. */
    @Override
    public List<ProfileBinding> bindings(String namespace) {
        var informer = bindings;
        if (informer == null) {
            return List.of();
        }
        return List.copyOf(informer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace));
    }

    @Override
    public Optional<Namespace> namespace(String name) {
        var informer = namespaces;
        return informer == null ? Optional.empty() : Optional.ofNullable(informer.getStore().getByKey(name));
    }

    @Override
    public int getPhase() {
        return 0; // before the web server (which starts in a later phase) so informers start first
    }

    /** A deleted SeccompProfile's memoized policy is dropped at once (updates are caught by resourceVersion). */
    private final class ForgetDeletedPolicies implements ResourceEventHandler<SeccompProfile> {

        @Override
        public void onAdd(SeccompProfile profile) {
        }

        @Override
        public void onUpdate(SeccompProfile oldProfile, SeccompProfile newProfile) {
        }

        @Override
        public void onDelete(SeccompProfile profile, boolean deletedFinalStateUnknown) {
            try {
                policies.forget(ProfileKey.parse(Cache.metaNamespaceKeyFunc(profile)));
            } catch (IllegalArgumentException e) {
                log.debug("deleted SeccompProfile with an unusable key: {}", e.getMessage());
            }
        }
    }
}
