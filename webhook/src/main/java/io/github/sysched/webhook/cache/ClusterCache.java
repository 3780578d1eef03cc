package io.github.sysched.webhook.cache;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.profile.ProfileLookup;
import io.github.sysched.profile.SpoProfiles;
import io.github.sysched.spo.ProfileBinding;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SpoApi;
import io.github.sysched.spo.SpoApiVersion;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.webhook.config.WebhookProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The webhook's view of the cluster: SeccompProfile, ProfileBinding (all namespaces) and Namespace informers.
 * Nothing on the request path calls the API server; requests read these caches.
 *
 * <p>Start-up (in the background, so the HTTPS port opens at once and readiness reports the wait): detect the
 * SPO scope from the seccompprofiles CRD unless configured, then start the informers.
 * {@link #synced()} is what the readiness probe reports.
 */
@Component
public class ClusterCache implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClusterCache.class);

    private final KubernetesClient client;
    private final WebhookProperties properties;
    private final SpoApiVersion version;
    private volatile SpoScope scope;
    private volatile SharedIndexInformer<? extends SeccompProfile> profiles;
    private volatile SharedIndexInformer<? extends ProfileBinding> bindings;
    private volatile SharedIndexInformer<Namespace> namespaces;
    private volatile String startupProblem = "not started";
    private volatile boolean running;
    private Thread starter;

    public ClusterCache(KubernetesClient client, WebhookProperties properties, MeterRegistry registry) {
        this.client = client;
        this.properties = properties;
        this.version = SpoApiVersion.parse(properties.spo().version());
        this.scope = switch (properties.spo().scope()) {
            case NAMESPACED -> SpoScope.NAMESPACED;
            case CLUSTER -> SpoScope.CLUSTER;
            case AUTO -> null;
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
        starter = new Thread(this::startInformers, "cluster-cache-start");
        starter.setDaemon(true);
        starter.start();
    }

    private void startInformers() {
        long backoffMillis = 500;
        while (running && scope == null) {
            try {
                CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                        .withName(SpoApi.SECCOMP_PROFILE_CRD).get();
                if (crd == null) {
                    startupProblem = "CRD " + SpoApi.SECCOMP_PROFILE_CRD + " not found (is SPO installed?)";
                } else {
                    scope = SpoScope.of(crd);
                    log.info("SPO scope detected from CRD {}: {}", SpoApi.SECCOMP_PROFILE_CRD, scope);
                }
            } catch (RuntimeException e) {
                startupProblem = "cannot read CRD " + SpoApi.SECCOMP_PROFILE_CRD + ": " + e.getMessage();
            }
            if (scope == null) {
                log.warn("{}; retrying in {} ms", startupProblem, backoffMillis);
                try {
                    TimeUnit.MILLISECONDS.sleep(backoffMillis);
                } catch (InterruptedException e) {
                    return;
                }
                backoffMillis = Math.min(backoffMillis * 2, 30_000);
            }
        }
        if (!running) {
            return;
        }
        startupProblem = "informers not synced yet";
        synchronized (this) {
            if (!running) {
                return;
            }
            profiles = client.resources(version.seccompProfileClass()).inAnyNamespace().runnableInformer(0);
            bindings = client.resources(version.profileBindingClass()).inAnyNamespace().runnableInformer(0);
            namespaces = client.namespaces().runnableInformer(0);
            profiles.start();
            bindings.start();
            namespaces.start();
        }
        log.info("informers started: SeccompProfile {} ({} scope), ProfileBinding {}, Namespace",
                version.seccompProfileVersion(), scope, version.profileBindingVersion());
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (starter != null) {
            starter.interrupt();
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

    /** True once every informer has listed its resources (readiness). */
    public boolean synced() {
        List<SharedIndexInformer<?>> all = informers();
        return all.size() == 3 && all.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    /** Why the cache is not ready yet (empty when it is). */
    public String problem() {
        return synced() ? "" : startupProblem;
    }

    /** The SPO scope in force (detected or configured); null until detected. */
    public SpoScope scope() {
        return scope;
    }

    public SpoApiVersion version() {
        return version;
    }

    public Optional<SeccompProfile> profile(ProfileKey key) {
        var informer = profiles;
        return informer == null ? Optional.empty()
                : Optional.ofNullable(informer.getStore().getByKey(key.toString()));
    }

    /** Profile lookup over the informer (errors in a profile surface when it is looked up). */
    public ProfileLookup profileLookup() {
        return key -> profile(key).map(p -> SpoProfiles.policyOrFail(key, p));
    }

    public Collection<? extends SeccompProfile> profiles() {
        var informer = profiles;
        return informer == null ? List.of() : informer.getStore().list();
    }

    /** The ProfileBindings of {@code namespace}. */
    public List<ProfileBinding> bindings(String namespace) {
        var informer = bindings;
        if (informer == null) {
            return List.of();
        }
        return List.copyOf(informer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace));
    }

    public Optional<Namespace> namespace(String name) {
        var informer = namespaces;
        return informer == null ? Optional.empty() : Optional.ofNullable(informer.getStore().getByKey(name));
    }

    @Override
    public int getPhase() {
        return 0; // before the web server (which starts in a later phase) so informers start first
    }
}
