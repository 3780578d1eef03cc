package io.github.sysched.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.github.sysched.profile.PolicyMemo;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.profile.ProfileLookup;
import io.github.sysched.profile.SpoProfiles;
import io.github.sysched.spo.ProfileBinding;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SpoApi;
import io.github.sysched.spo.SpoApiVersion;
import io.github.sysched.spo.SpoScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one view of the cluster both services answer from: informers for the resources a service needs (the
 * webhook: SeccompProfiles, ProfileBindings, Namespaces, and Nodes' labels when its replica-spread guard decides
 * zones by itself; the scheduler extender: SeccompProfiles, Pods). Nothing on a request path calls the API server;
 * requests read these caches.
 *
 * <p>{@link #start()} returns at once (so the service's ports open and readiness can report the wait); a starter
 * thread then
 * <ol>
 *   <li>finds the SPO scope with {@link SpoScopeDetector}: configured, or read from the SeccompProfile CRD and never
 *       assumed (while it is absent or unreadable, {@link #problem()} says why and the read is retried with
 *       backoff);</li>
 *   <li>starts the informers, each retrying forever (fabric8's default gives up when the first list fails, e.g. on
 *       a 403 before RBAC is bound or a 5xx); pods start once SeccompProfiles have synced or after
 *       {@link ClusterViewSettings#podsWaitForProfiles}, whichever is first, so pods without our annotation are resolved
 *       against the profiles from the start (they are re-resolved on every profile change anyway);</li>
 *   <li>follows their watches ({@link WatchHealth}).</li>
 * </ol>
 *
 * <p>{@link #synced()}: every informer has listed once, so requests can be answered (from the last state seen if
 * the API server is gone since). {@link #current()}: synced and watching, which readiness reports; {@link #problem()}
 * says why not. SeccompProfiles are converted to policies once per resourceVersion ({@link #policies()}); a deleted
 * profile leaves the memo at once. The pod cache holds {@link ScoringPodStore reduced pods}.
 *
 * <p>Plain Java with a start/stop lifecycle; {@code io.github.sysched.kube.boot} runs it as a Spring
 * {@code SmartLifecycle} and reports it as the {@code informers} health indicator.
 */
public class ClusterView {

    private static final Logger log = LoggerFactory.getLogger(ClusterView.class);

    /** The resources a view can watch, named as in the API (and in readiness and metrics). */
    public enum Resource {
        SECCOMP_PROFILES("seccompprofiles"),
        PROFILE_BINDINGS("profilebindings"),
        NAMESPACES("namespaces"),
        /**
         * Nodes, of which the cache keeps names, labels, {@code spec.unschedulable}, {@code spec.taints} and
         * {@code status.allocatable.pods} only ({@link #nodeZones()}, {@link #nodes()}). fabric8 cannot yet ask the
         * API server for metadata only ({@code PartialObjectMetadata}, fabric8io/kubernetes-client#5716), so whole
         * Nodes cross the wire and are reduced as they arrive.
         */
        NODES("nodes"),
        PODS("pods"),
        /** apps/v1 ReplicaSets: with StatefulSets and ReplicationControllers, the demand the extender plans for. */
        REPLICA_SETS("replicasets"),
        STATEFUL_SETS("statefulsets"),
        REPLICATION_CONTROLLERS("replicationcontrollers");

        private final String apiName;

        Resource(String apiName) {
            this.apiName = apiName;
        }

        public String apiName() {
            return apiName;
        }
    }

    /** What a service does with the pods the view watches (the scheduler's cluster state). */
    public interface PodListener {

        /** {@code pod} was added or changed; this is its current state. */
        void podChanged(Pod pod);

        /**
         * {@code pod} is gone. With {@code finalStateUnknown} its deletion was missed while the watch was down
         * (learned from a relist) and {@code pod} is the last (reduced) state the view held.
         */
        void podDeleted(Pod pod, boolean finalStateUnknown);
    }

    /** The settings of a new view over {@code client}. */
    public static ClusterViewSettings settings(KubernetesClient client) {
        return new ClusterViewSettings(client);
    }

    private final KubernetesClient client;
    private final Set<Resource> resources;
    private final SpoApiVersion version;
    private final SpoScopeDetector scopeDetector;
    private final Duration podsWaitForProfiles;
    private final PodListener podListener;
    private final Consumer<SpoScope> onScopeKnown;
    private final Runnable onProfilesChanged;
    private final PolicyMemo policies = new PolicyMemo();
    private volatile SpoScope scope;
    private volatile SharedIndexInformer<? extends SeccompProfile> profileInformer;
    private volatile SharedIndexInformer<? extends ProfileBinding> bindingInformer;
    private volatile SharedIndexInformer<Namespace> namespaceInformer;
    private volatile SharedIndexInformer<Node> nodeInformer;
    private final NodeZones nodeZones = new NodeZones();
    private volatile SharedIndexInformer<Pod> podInformer;
    private volatile SharedIndexInformer<ReplicaSet> replicaSetInformer;
    private volatile SharedIndexInformer<StatefulSet> statefulSetInformer;
    private volatile SharedIndexInformer<ReplicationController> replicationControllerInformer;
    /**
     * Counts the events of Nodes, replica controllers and pods (a pod's once the {@link PodListener} has been told):
     * what a planner re-plans on.
     */
    private final AtomicLong changes = new AtomicLong();

    private final ResourceEventHandler<Object> changeCounter = new ResourceEventHandler<>() {
        @Override
        public void onAdd(Object added) {
            changes.incrementAndGet();
        }

        @Override
        public void onUpdate(Object before, Object after) {
            changes.incrementAndGet();
        }

        @Override
        public void onDelete(Object deleted, boolean finalStateUnknown) {
            changes.incrementAndGet();
        }
    };
    private volatile ScoringPodStore podStore;
    private volatile PodEvents podEvents;
    /** Replaced at each start: a restarted view must not keep following the stopped informers. */
    private volatile WatchHealth watches = new WatchHealth();

    private volatile String startupProblem = "not started";
    private volatile boolean informersCreated;
    private volatile boolean running;
    private Thread starter;

    public ClusterView(ClusterViewSettings settings) {
        if (settings.resources().isEmpty()) {
            throw new IllegalArgumentException("a cluster view watches at least one resource");
        }
        if (settings.resources().contains(Resource.PODS) && settings.podListener() == null) {
            throw new IllegalArgumentException("a view that watches pods needs a PodListener");
        }
        this.client = settings.client();
        this.resources = Collections.unmodifiableSet(EnumSet.copyOf(settings.resources()));
        this.version = settings.version();
        this.scopeDetector = settings.scopeDetector() != null
                ? settings.scopeDetector()
                : SpoScopeDetector.fromCrd(() -> client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .withName(SpoApi.SECCOMP_PROFILE_CRD)
                        .get());
        this.podsWaitForProfiles = settings.podsWaitForProfiles();
        this.podListener = settings.podListener();
        this.onScopeKnown = settings.onScopeKnown();
        this.onProfilesChanged = settings.onProfilesChanged();
    }

    // ---- lifecycle ------------------------------------------------------------------------------------------

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        informersCreated = false;
        startupProblem = scope == null ? "SPO scope not known yet" : "informers not started yet";
        starter = new Thread(this::startInBackground, "cluster-view-start");
        starter.setDaemon(true);
        starter.start();
    }

    private void startInBackground() {
        if (scope == null) {
            SpoScope detected;
            try {
                detected = scopeDetector.await(() -> running, attempt -> {
                    startupProblem = "SPO scope unknown: " + attempt.problem();
                    log.warn(
                            "{}; retrying in {} ms",
                            startupProblem,
                            attempt.retryIn().toMillis());
                });
            } catch (InterruptedException e) {
                return; // stopping
            }
            if (detected == null) {
                return;
            }
            log.info("SPO scope: {}", detected);
            onScopeKnown.accept(detected);
            scope = detected;
        }
        startInformers();
    }

    private synchronized void startInformers() {
        if (!running) {
            return;
        }
        WatchHealth health = new WatchHealth();
        if (resources.contains(Resource.SECCOMP_PROFILES)) {
            profileInformer = track(health, Resource.SECCOMP_PROFILES, profileInformer(version.seccompProfileClass()));
        }
        if (resources.contains(Resource.PROFILE_BINDINGS)) {
            bindingInformer = track(
                    health,
                    Resource.PROFILE_BINDINGS,
                    client.resources(version.profileBindingClass())
                            .inAnyNamespace()
                            .runnableInformer(0));
        }
        if (resources.contains(Resource.NAMESPACES)) {
            namespaceInformer =
                    track(health, Resource.NAMESPACES, client.namespaces().runnableInformer(0));
        }
        if (resources.contains(Resource.NODES)) {
            SharedIndexInformer<Node> nodes = client.nodes().runnableInformer(0);
            nodes.itemStore(new ReducedStateItemStore<>(
                    ReducedStateItemStore.NAME_KEY_STATE,
                    Node.class,
                    client.getKubernetesSerialization(),
                    "metadata.labels",
                    "spec.unschedulable",
                    "spec.taints",
                    "status.allocatable.pods"));
            nodeZones.clear();
            nodes.addEventHandler(nodeZones);
            nodes.addEventHandler(changeCounter);
            nodeInformer = track(health, Resource.NODES, nodes);
        }
        if (resources.contains(Resource.PODS)) {
            SharedIndexInformer<Pod> pods = client.pods().inAnyNamespace().runnableInformer(0);
            ScoringPodStore store = new ScoringPodStore();
            pods.itemStore(store);
            pods.getIndexer().removeIndexer(Cache.NAMESPACE_INDEX); // nothing looks pods up by namespace
            podEvents = new PodEvents(podListener, changes);
            pods.addEventHandler(podEvents);
            podStore = store;
            podInformer = track(health, Resource.PODS, pods);
        }
        if (resources.contains(Resource.REPLICA_SETS)) {
            replicaSetInformer = track(
                    health,
                    Resource.REPLICA_SETS,
                    counted(client.apps().replicaSets().inAnyNamespace().runnableInformer(0)));
        }
        if (resources.contains(Resource.STATEFUL_SETS)) {
            statefulSetInformer = track(
                    health,
                    Resource.STATEFUL_SETS,
                    counted(client.apps().statefulSets().inAnyNamespace().runnableInformer(0)));
        }
        if (resources.contains(Resource.REPLICATION_CONTROLLERS)) {
            replicationControllerInformer = track(
                    health,
                    Resource.REPLICATION_CONTROLLERS,
                    counted(client.replicationControllers().inAnyNamespace().runnableInformer(0)));
        }
        watches = health;
        informersCreated = true;
        CompletableFuture<Void> profilesSynced = CompletableFuture.completedFuture(null);
        for (Resource resource : List.of(
                Resource.SECCOMP_PROFILES,
                Resource.PROFILE_BINDINGS,
                Resource.NAMESPACES,
                Resource.NODES,
                Resource.REPLICA_SETS,
                Resource.STATEFUL_SETS,
                Resource.REPLICATION_CONTROLLERS)) {
            SharedIndexInformer<?> informer = informer(resource);
            if (informer != null) {
                CompletableFuture<Void> synced = informer.start().toCompletableFuture();
                if (resource == Resource.SECCOMP_PROFILES) {
                    profilesSynced = synced;
                }
            }
        }
        if (podInformer != null) {
            startPodsAfter(profilesSynced, podInformer);
        }
        health.start();
        log.info(
                "informers started: {} (SeccompProfile {}, ProfileBinding {}, SPO scope {})",
                names(resources),
                version.seccompProfileVersion(),
                version.profileBindingVersion(),
                scope);
    }

    /** The pod informer starts once SeccompProfiles have synced, or after {@code podsWaitForProfiles}. */
    private void startPodsAfter(CompletableFuture<Void> profilesSynced, SharedIndexInformer<Pod> pods) {
        if (podsWaitForProfiles.isZero() || profilesSynced.isDone()) {
            startPods(pods);
            return;
        }
        profilesSynced
                .copy()
                .orTimeout(podsWaitForProfiles.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((synced, failure) -> {
                    if (failure != null) {
                        log.warn(
                                "SeccompProfile informer not synced after {} ({}); starting the pod informer anyway",
                                podsWaitForProfiles,
                                failure.toString());
                    }
                    startPods(pods);
                });
    }

    private synchronized void startPods(SharedIndexInformer<Pod> pods) {
        if (running && pods == podInformer) {
            pods.start().whenComplete((done, failure) -> {
                if (failure == null) {
                    log.info("pod informer synced: {} pods", podStore.size());
                }
            });
        }
    }

    /** A new informer that retries forever and whose watch {@code health} follows. */
    private <T> SharedIndexInformer<T> track(WatchHealth health, Resource resource, SharedIndexInformer<T> informer) {
        informer.exceptionHandler((started, failure) -> {
            if (running) {
                log.warn("{} informer: {} (retrying)", resource.apiName(), failure.toString());
            }
            return true; // a stopped informer does not retry anyway
        });
        health.track(resource.apiName(), informer);
        return informer;
    }

    private <T> SharedIndexInformer<T> counted(SharedIndexInformer<T> informer) {
        informer.addEventHandler(changeCounter);
        return informer;
    }

    private <T extends SeccompProfile> SharedIndexInformer<T> profileInformer(Class<T> type) {
        SharedIndexInformer<T> informer =
                client.resources(type).inAnyNamespace().runnableInformer(0);
        informer.addEventHandler(new ProfileEvents<>());
        return informer;
    }

    public synchronized void stop() {
        running = false;
        watches.close();
        if (starter != null) {
            starter.interrupt();
        }
        for (SharedIndexInformer<?> informer : informers()) {
            informer.stop();
        }
    }

    /**
     * {@link #stop()}, then waits up to {@code timeout} until every informer has stopped (its watch closed), for a
     * process that closes its client next: closed at once, the client would drop the watches' close handshakes.
     */
    public void stopAndWait(Duration timeout) throws InterruptedException {
        stop();
        List<CompletableFuture<Void>> stopped = informers().stream()
                .map(informer -> informer.stopped().toCompletableFuture())
                .toList();
        try {
            CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.debug("informers not all stopped after {}: {}", timeout, e.toString());
        }
    }

    public boolean isRunning() {
        return running;
    }

    // ---- readiness ------------------------------------------------------------------------------------------

    /** The resources this view watches, in {@link Resource} order. */
    public Set<Resource> resources() {
        return resources;
    }

    /** True once every informer has listed its resources: requests can be answered from the caches. */
    public boolean synced() {
        for (Resource resource : resources) {
            if (!synced(resource)) {
                return false;
            }
        }
        return true;
    }

    public boolean synced(Resource resource) {
        SharedIndexInformer<?> informer = informer(resource);
        return informer != null && informer.hasSynced();
    }

    /**
     * True once the pods the pod informer has listed have all reached the {@link PodListener}. The informer calls the
     * listener on a thread of its own, after {@link #synced()} may already be true: a caller that reads what the
     * listener built (the extender's state, {@code explain}) right after the sync could miss pods. False for a view
     * without pods.
     */
    public boolean podsDelivered() {
        PodEvents events = podEvents;
        return synced(Resource.PODS) && events != null && events.delivered.get() == podStore.size();
    }

    /** True while every informer of the view has its watch open (not only listed: {@link #synced()}). */
    public boolean watching() {
        for (Resource resource : resources) {
            SharedIndexInformer<?> informer = informer(resource);
            if (informer == null || !informer.isWatching()) {
                return false;
            }
        }
        return true;
    }

    /**
     * True while the caches follow the cluster (readiness): synced, the initially listed pods all handed to the
     * {@link PodListener} (once; later events are not waited for), and no informer has been without its watch for
     * longer than {@link WatchHealth#GRACE} (API server unreachable, failing or too slow to relist).
     */
    public boolean current() {
        return problem().isEmpty();
    }

    /** Why the view is not {@link #current()} (empty when it is). */
    public String problem() {
        if (synced()) {
            PodEvents events = podEvents;
            if (events != null && !events.caughtUp) {
                if (!podsDelivered()) {
                    return "pods listed, " + events.delivered.get() + " of " + podStore.size()
                            + " handed to the state so far";
                }
                events.caughtUp = true;
            }
            return watches.problem();
        }
        if (!informersCreated) {
            return startupProblem;
        }
        List<String> pending = new ArrayList<>();
        for (Resource resource : resources) {
            if (!synced(resource)) {
                pending.add(resource.apiName());
            }
        }
        String problem = "informers not synced yet: " + String.join(", ", pending);
        if (pending.contains(Resource.PODS.apiName())
                && !podsWaitForProfiles.isZero()
                && !synced(Resource.SECCOMP_PROFILES)) {
            problem += " (pods start once seccompprofiles have synced, or after " + podsWaitForProfiles + ")";
        }
        return problem;
    }

    /** The SPO scope in force (configured or detected); null until the view has started and knows it. */
    public SpoScope scope() {
        return scope;
    }

    public SpoApiVersion version() {
        return version;
    }

    /** Objects in the cache of {@code resource}; 0 before its informer exists. */
    public int size(Resource resource) {
        if (resource == Resource.PODS) {
            ScoringPodStore store = podStore;
            return store == null ? 0 : store.size();
        }
        SharedIndexInformer<?> informer = informer(resource);
        return informer == null ? 0 : informer.getStore().listKeys().size();
    }

    // ---- reads (caches only) --------------------------------------------------------------------------------

    public Optional<SeccompProfile> profile(ProfileKey key) {
        var informer = profileInformer;
        return informer == null
                ? Optional.empty()
                : Optional.ofNullable(informer.getStore().getByKey(key.toString()));
    }

    /**
     * Profile lookup over the informer (errors in a profile surface when it is looked up). Each profile is
     * converted once per resourceVersion, not once per request.
     */
    public ProfileLookup profileLookup() {
        return policies.lookup(key -> profile(key).orElse(null));
    }

    /** The converted-policy memo that lookups over this view's profiles share. */
    public PolicyMemo policies() {
        return policies;
    }

    public Collection<? extends SeccompProfile> profiles() {
        var informer = profileInformer;
        return informer == null ? List.of() : informer.getStore().list();
    }

    /** The ProfileBindings of {@code namespace}. */
    public List<ProfileBinding> bindings(String namespace) {
        var informer = bindingInformer;
        if (informer == null) {
            return List.of();
        }
        return List.copyOf(informer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace));
    }

    public Optional<Namespace> namespace(String name) {
        var informer = namespaceInformer;
        return informer == null
                ? Optional.empty()
                : Optional.ofNullable(informer.getStore().getByKey(name));
    }

    /**
     * The distinct values of the {@code topology.kubernetes.io/zone} label on the cached Nodes (empty before the Node
     * informer has listed, or when the view does not watch {@link Resource#NODES}). Read in O(1): the set is kept
     * up to date as Nodes come, go and change zone.
     */
    public Set<String> nodeZones() {
        return nodeZones.zones();
    }

    /** True when every cached Node carries the zone label (also when there are none). */
    public boolean everyNodeHasZone() {
        return nodeZones.everyNodeHasZone();
    }

    /**
     * The cached Nodes, reduced to name, labels, {@code spec.unschedulable}, {@code spec.taints} and
     * {@code status.allocatable.pods} (empty when the view does not watch {@link Resource#NODES}).
     */
    public List<Node> nodes() {
        SharedIndexInformer<Node> informer = nodeInformer;
        return informer == null ? List.of() : informer.getStore().list();
    }

    /**
     * The cached ReplicaSets, StatefulSets and ReplicationControllers (empty for the kinds the view does not watch).
     */
    public List<HasMetadata> replicaControllers() {
        List<HasMetadata> controllers = new ArrayList<>();
        addCached(controllers, replicaSetInformer);
        addCached(controllers, statefulSetInformer);
        addCached(controllers, replicationControllerInformer);
        return controllers;
    }

    private static void addCached(List<HasMetadata> into, SharedIndexInformer<? extends HasMetadata> informer) {
        if (informer != null) {
            into.addAll(informer.getStore().list());
        }
    }

    /**
     * A number that grows with every event of the Nodes, pods and replica controllers the view watches, a pod's after
     * the {@link PodListener} has handled it: unchanged between two reads, nothing a plan depends on has changed.
     */
    public long changes() {
        return changes.get();
    }

    /** The labels of the cached Namespace {@code name} (empty when unknown or not watched). */
    public Map<String, String> namespaceLabels(String name) {
        return namespace(name)
                .map(ns -> ns.getMetadata() == null ? null : ns.getMetadata().getLabels())
                .map(Map::copyOf)
                .orElse(Map.of());
    }

    /** The cached pod {@code namespace/name} (reduced to what scoring reads), or null. */
    public Pod pod(String namespace, String name) {
        SharedIndexInformer<Pod> informer = podInformer;
        return informer == null ? null : informer.getStore().getByKey(namespace + "/" + name);
    }

    /**
     * Runs {@code action} on every cached pod (reduced), e.g. to re-evaluate them all when what decides their syscall
     * sets has changed (new annotation keys). Nothing before the pod informer exists.
     */
    public void forEachPod(Consumer<Pod> action) {
        ScoringPodStore store = podStore;
        if (store != null) {
            store.values().forEach(action);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private SharedIndexInformer<?> informer(Resource resource) {
        return switch (resource) {
            case SECCOMP_PROFILES -> profileInformer;
            case PROFILE_BINDINGS -> bindingInformer;
            case NAMESPACES -> namespaceInformer;
            case NODES -> nodeInformer;
            case PODS -> podInformer;
            case REPLICA_SETS -> replicaSetInformer;
            case STATEFUL_SETS -> statefulSetInformer;
            case REPLICATION_CONTROLLERS -> replicationControllerInformer;
        };
    }

    private List<SharedIndexInformer<?>> informers() {
        List<SharedIndexInformer<?>> all = new ArrayList<>();
        for (Resource resource : Resource.values()) {
            SharedIndexInformer<?> informer = informer(resource);
            if (informer != null) {
                all.add(informer);
            }
        }
        return all;
    }

    private static String names(Set<Resource> resources) {
        return String.join(
                ", ", resources.stream().sorted().map(Resource::apiName).toList());
    }

    private static String keyOf(HasMetadata object) {
        return object.getMetadata() == null ? "?" : Cache.metaNamespaceKeyFunc(object);
    }

    /** Profile changes for the service; a deleted profile's converted policy leaves the memo at once. */
    private final class ProfileEvents<T extends SeccompProfile> implements ResourceEventHandler<T> {

        @Override
        public void onAdd(T profile) {
            onProfilesChanged.run();
        }

        @Override
        public void onUpdate(T oldProfile, T newProfile) {
            if (!sameSpec(oldProfile, newProfile)) {
                onProfilesChanged.run();
            }
        }

        @Override
        public void onDelete(T profile, boolean deletedFinalStateUnknown) {
            SpoScope known = scope;
            try {
                policies.forget(known == null ? ProfileKey.parse(keyOf(profile)) : SpoProfiles.keyOf(profile, known));
            } catch (RuntimeException e) {
                log.debug("deleted SeccompProfile {} has an unusable key: {}", keyOf(profile), e.getMessage());
            }
            onProfilesChanged.run();
        }

        /** Status-only updates (SPO writes status often) change no syscall set. */
        private boolean sameSpec(SeccompProfile a, SeccompProfile b) {
            if (a == null || b == null || !keyOf(a).equals(keyOf(b))) {
                return false;
            }
            var serialization = client.getKubernetesSerialization();
            return serialization.asJson(a.getSpec()).equals(serialization.asJson(b.getSpec()));
        }
    }

    /**
     * Hands pod events to the listener, counting additions and deletions delivered: once every event has reached
     * the listener, additions minus deletions equal the pods in the store ({@link #podsDelivered()}).
     */
    private static final class PodEvents implements ResourceEventHandler<Pod> {
        private final PodListener listener;
        private final AtomicLong changes;
        private final AtomicLong delivered = new AtomicLong();
        /** Set once the initial list has been delivered: readiness waits for it once, not for every event. */
        private volatile boolean caughtUp;

        PodEvents(PodListener listener, AtomicLong changes) {
            this.listener = listener;
            this.changes = changes;
        }

        @Override
        public void onAdd(Pod pod) {
            try {
                listener.podChanged(pod);
            } finally {
                delivered.incrementAndGet(); // a listener that failed on a pod has still been handed it
                changes.incrementAndGet();
            }
        }

        @Override
        public void onUpdate(Pod oldPod, Pod newPod) {
            try {
                listener.podChanged(newPod);
            } finally {
                changes.incrementAndGet();
            }
        }

        @Override
        public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
            try {
                listener.podDeleted(pod, deletedFinalStateUnknown);
            } finally {
                delivered.decrementAndGet();
                changes.incrementAndGet();
            }
        }
    }
}
