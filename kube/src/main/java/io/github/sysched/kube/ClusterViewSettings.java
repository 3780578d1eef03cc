package io.github.sysched.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.spo.SpoApiVersion;
import io.github.sysched.spo.SpoScope;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/** How to build a {@link ClusterView}: the client, the resources, the SPO scope and version, the service's listeners. */
public final class ClusterViewSettings {

    private final KubernetesClient client;
    private final Set<ClusterView.Resource> resources = EnumSet.noneOf(ClusterView.Resource.class);
    private SpoApiVersion version = SpoApiVersion.V1BETA1;
    private SpoScopeDetector scopeDetector;
    private Duration podsWaitForProfiles = Duration.ZERO;
    private ClusterView.PodListener podListener;
    private Consumer<SpoScope> onScopeKnown = scope -> {};
    private Runnable onProfilesChanged = () -> {};

    ClusterViewSettings(KubernetesClient client) {
        this.client = client;
    }

    public ClusterViewSettings watch(ClusterView.Resource... watched) {
        resources.addAll(List.of(watched));
        return this;
    }

    /** The SPO API version of SeccompProfiles and ProfileBindings ({@code v1beta1} by default). */
    public ClusterViewSettings version(SpoApiVersion spoVersion) {
        this.version = Objects.requireNonNull(spoVersion, "version");
        return this;
    }

    /** A configured scope, never detected; {@code null} reads it from the CRD (the default). */
    public ClusterViewSettings scope(SpoScope configured) {
        this.scopeDetector = configured == null ? null : SpoScopeDetector.configured(configured);
        return this;
    }

    /** For tests: another way to find the scope. */
    public ClusterViewSettings scopeDetector(SpoScopeDetector detector) {
        this.scopeDetector = Objects.requireNonNull(detector, "detector");
        return this;
    }

    /** How long the pod informer waits for SeccompProfiles to sync before it starts anyway (0: no wait). */
    public ClusterViewSettings podsWaitForProfiles(Duration wait) {
        this.podsWaitForProfiles = Objects.requireNonNull(wait, "wait");
        return this;
    }

    /** What the view tells of each pod event: {@code listeners}, each in turn, in this order. */
    public ClusterViewSettings onPods(ClusterView.PodListener... listeners) {
        List<ClusterView.PodListener> all = List.of(listeners); // no nulls
        if (all.isEmpty()) {
            throw new IllegalArgumentException("onPods needs a listener");
        }
        this.podListener = all.size() == 1
                ? all.get(0)
                : new ClusterView.PodListener() {
                    @Override
                    public void podChanged(Pod pod) {
                        all.forEach(listener -> listener.podChanged(pod));
                    }

                    @Override
                    public void podDeleted(Pod pod, boolean finalStateUnknown) {
                        all.forEach(listener -> listener.podDeleted(pod, finalStateUnknown));
                    }
                };
        return this;
    }

    /** Called once, on the starter thread, when the scope is known and before any informer starts. */
    public ClusterViewSettings onScopeKnown(Consumer<SpoScope> listener) {
        this.onScopeKnown = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** Called whenever a SeccompProfile is added, deleted, or changed in more than its status. */
    public ClusterViewSettings onProfilesChanged(Runnable listener) {
        this.onProfilesChanged = Objects.requireNonNull(listener, "listener");
        return this;
    }

    KubernetesClient client() {
        return client;
    }

    Set<ClusterView.Resource> resources() {
        return resources;
    }

    SpoApiVersion version() {
        return version;
    }

    SpoScopeDetector scopeDetector() {
        return scopeDetector;
    }

    Duration podsWaitForProfiles() {
        return podsWaitForProfiles;
    }

    ClusterView.PodListener podListener() {
        return podListener;
    }

    Consumer<SpoScope> onScopeKnown() {
        return onScopeKnown;
    }

    Runnable onProfilesChanged() {
        return onProfilesChanged;
    }
}
