package io.github.sysched.scheduler.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.kube.boot.InformersHealthIndicator;
import io.github.sysched.pod.ContainerPolicy;
import io.github.sysched.pod.ProfileOrigin;
import io.github.sysched.pod.ScoringPod;
import io.github.sysched.profile.RuntimeDefaultProfile;
import io.github.sysched.scheduler.Harness;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.github.sysched.scheduler.extender.ExtenderService;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** ClusterState rules without a server: what counts, tombstones, IPP index, fallback re-resolution. */
class ClusterStateTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ExsEngine engine = new ExsEngine();
    /** What the SeccompProfile informer's store holds. */
    final List<SeccompProfile> profiles = new CopyOnWriteArrayList<>();

    final SpoPodResolver fallback = resolver(SpoScope.CLUSTER);
    final PodSetResolver resolver = new PodSetResolver(fallback, registry);
    final ClusterState state = new ClusterState(engine, resolver, fallback, "tier", registry);

    SpoPodResolver resolver(SpoScope scope) {
        SchedulerProperties.DefaultProfile defaults = new Binder(new MapConfigurationPropertySource())
                .bindOrCreate("sysched.scheduler", SchedulerProperties.class)
                .defaultProfile();
        SpoPodResolver spo = new SpoPodResolver(scope, defaults.namespace(), defaults.name());
        spo.attach(() -> profiles);
        return spo;
    }

    void addProfile(SeccompProfile profile) {
        profiles.add(profile);
        fallback.profilesChanged();
    }

    static Pod onNode(Pod pod, String node) {
        return new PodBuilder(pod).editSpec().withNodeName(node).endSpec().build();
    }

    static Pod withPhase(Pod pod, String phase) {
        return new PodBuilder(pod).withNewStatus().withPhase(phase).endStatus().build();
    }

    @Test
    void podCountsFromNodeNameUntilTerminalPhaseOrDelete() {
        Pod pending = Harness.pod("a", SyscallSet.of("read", "write"));
        String uid = pending.getMetadata().getUid();
        state.podChanged(pending);
        assertThat(engine.podCount()).isZero();

        Pod running = withPhase(onNode(pending, "n1"), "Running");
        state.podChanged(running);
        assertThat(engine.nodeOf(uid)).contains("n1");
        assertThat(engine.node("n1").orElseThrow().attackSurface()).isEqualTo(2);

        state.podChanged(withPhase(running, "Succeeded"));
        assertThat(engine.nodeOf(uid)).isEmpty();
        state.podChanged(running);
        state.podChanged(withPhase(running, "Failed"));
        assertThat(engine.podCount()).isZero();

        state.podChanged(running);
        state.podDeleted(running, false);
        assertThat(engine.podCount()).isZero();
        assertThat(engine.nodes()).isEmpty();
    }

    @Test
    void deleteTombstoneWithStaleFinalStateRemovesByUid() {
        Pod pod = onNode(Harness.pod("b", null, Map.of("tier", "gold"), Map.of()), "n1");
        state.podChanged(pod);
        assertThat(state.fallbackPods()).isEqualTo(1);
        // the informer missed the last updates: the final state it hands over is older (no node, other labels,
        // an annotation it did not have)
        Pod stale = new PodBuilder(Harness.pod("b", SyscallSet.of("read"), Map.of("x", "y"), Map.of()))
                .editMetadata()
                .withUid(pod.getMetadata().getUid())
                .endMetadata()
                .build();
        state.podDeleted(stale, true);
        assertThat(engine.podCount()).isZero();
        assertThat(engine.nodes()).isEmpty();
        assertThat(state.trackedPods()).isZero();
        assertThat(state.ippClassesOn("n1")).isEmpty();
        assertThat(state.fallbackPods()).isZero();
        state.podDeleted(stale, true); // a second tombstone for a pod already gone changes nothing
        assertThat(state.trackedPods()).isZero();
    }

    /**
     * Kubernetes never moves a pod out of Succeeded/Failed, but should an update say Running again, the pod
     * counts again: the state is a function of the pods' current objects only, so that a restart (which sees
     * only the current object) rebuilds the same state.
     */
    @Test
    void podBackFromATerminalPhaseCountsAgainLikeAFreshBuild() {
        Pod running = withPhase(
                onNode(Harness.pod("z", SyscallSet.of("read", "write"), Map.of("tier", "gold"), Map.of()), "n1"),
                "Running");
        state.podChanged(running);
        Pod failed = withPhase(running, "Failed");
        state.podChanged(failed);
        assertThat(engine.podCount()).isZero();
        assertThat(state.ippClassesOn("n1")).isEmpty();

        state.podChanged(running);
        assertThat(engine.nodeOf(running.getMetadata().getUid())).contains("n1");
        assertThat(state.ippClassesOn("n1")).containsExactly("gold");
        ExsEngine freshEngine = new ExsEngine();
        ClusterState fresh = new ClusterState(freshEngine, resolver, fallback, "tier", new SimpleMeterRegistry());
        fresh.podChanged(running);
        assertThat(engine.nodes()).containsExactlyElementsOf(freshEngine.nodes());
        assertThat(engine.attackSurface("n1")).isEqualTo(freshEngine.attackSurface("n1"));
    }

    @Test
    void sameNameNewUidIsAnotherPod() {
        Pod first = onNode(Harness.pod("c", SyscallSet.of("read")), "n1");
        Pod second = onNode(new PodBuilder(Harness.pod("c", SyscallSet.of("write"))).build(), "n2");
        state.podChanged(first);
        state.podChanged(second);
        assertThat(engine.podCount()).isEqualTo(2);
        state.podDeleted(first, false);
        assertThat(engine.nodes()).extracting(n -> n.nodeName()).containsExactly("n2");
    }

    @Test
    void movedPodLeavesItsOldNode() {
        Pod pod = onNode(Harness.pod("d", SyscallSet.of("read"), Map.of("tier", "gold"), Map.of()), "n1");
        state.podChanged(pod);
        assertThat(state.ippClassesOn("n1")).containsExactly("gold");
        state.podChanged(onNode(pod, "n2"));
        assertThat(state.ippClassesOn("n1")).isEmpty();
        assertThat(state.ippClassesOn("n2")).containsExactly("gold");
        assertThat(engine.node("n1")).isEmpty();
    }

    @Test
    void ippIndexCountsPodsPerClass() {
        Pod g1 = onNode(Harness.pod("g1", SyscallSet.of("read"), Map.of("tier", "gold"), Map.of()), "n1");
        Pod g2 = onNode(
                Harness.pod("g2", SyscallSet.of("read"), Map.of(), Map.of(PlacementAnnotations.IPP_CLASS, "gold")),
                "n1");
        Pod s1 = onNode(Harness.pod("s1", SyscallSet.of("read"), Map.of("ipp-class", "silver"), Map.of()), "n1");
        state.podChanged(g1);
        state.podChanged(g2);
        state.podChanged(s1); // label ipp-class is not the configured label ("tier") here: unclassed
        assertThat(state.ippClassesOn("n1")).containsExactly("gold");
        state.podDeleted(g1, false);
        assertThat(state.ippClassesOn("n1")).containsExactly("gold");
        state.podDeleted(g2, false);
        assertThat(state.ippClassesOn("n1")).isEmpty();
    }

    @Test
    void unannotatedAndMalformedPodsUseTheFallbackAndAreReResolved() {
        Pod missing = onNode(Harness.pod("m1", null), "n1");
        Pod malformed =
                onNode(Harness.pod("m2", null, Map.of(), Map.of(PlacementAnnotations.SYSCALLS, "v9;garbage")), "n1");
        state.podChanged(missing);
        state.podChanged(malformed);
        assertThat(state.fallbackPods()).isEqualTo(2);
        // default profile not seen yet: common's fallback, the full x86_64 table
        assertThat(SyscallTable.x86_64().allSyscalls().cardinality()).isEqualTo(362);
        assertThat(engine.node("n1").orElseThrow().attackSurface()).isEqualTo(362);
        assertThat(registry.get("sysched.pods.fallback")
                        .tag("reason", "malformed")
                        .tag("source", "informer")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("sysched.pods.unannotated").gauge().value()).isEqualTo(2);

        addProfile(Harness.profile("full"));
        assertThat(engine.node("n1").orElseThrow().attackSurface()).isEqualTo(333);
        assertThat(engine.node("n1").orElseThrow().podCount()).isEqualTo(2);

        state.podDeleted(missing, false);
        assertThat(state.fallbackPods()).isEqualTo(1);
    }

    @Test
    void reserveCountsAtOnceUnlessTheNodeHostsAnotherClass() {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1);
        ClusterState timed = new ClusterState(engine, resolver, fallback, "tier", registry, clock::get);
        Pod tenantA = onNode(Harness.pod("a1", SyscallSet.of("read"), Map.of("tier", "tenant-a"), Map.of()), "n1");
        timed.podChanged(tenantA);

        Pod b = Harness.pod("b1", SyscallSet.of("write"), Map.of("tier", "tenant-b"), Map.of());
        String uid = b.getMetadata().getUid();
        InFlightPods.Resolved classB = new InFlightPods.Resolved(SyscallSet.of("write"), false, "tenant-b");
        io.github.sysched.pod.ScoringPod reduced = io.github.sysched.pod.ScoringPod.of(b);
        ClusterState.Reservation refused = timed.reserve(uid, "n1", classB, reduced);
        assertThat(refused.reserved()).isFalse();
        assertThat(refused.refusal()).contains("tenant-a").contains("tenant-b");
        assertThat(engine.nodeOf(uid)).isEmpty();

        assertThat(timed.reserve(uid, "n2", classB, reduced).reserved()).isTrue();
        assertThat(engine.nodeOf(uid)).contains("n2");
        assertThat(timed.ippClassesOn("n2")).containsExactly("tenant-b");
        assertThat(timed.assumed(uid)).isTrue();

        // an informer event from before the binding (still unscheduled) does not undo the assumption
        timed.podChanged(b);
        assertThat(engine.nodeOf(uid)).contains("n2");
        // the binding failed: forgotten
        timed.forget(uid);
        assertThat(engine.nodeOf(uid)).isEmpty();
        assertThat(timed.ippClassesOn("n2")).isEmpty();

        // assumed, then confirmed by the informer: forget no longer applies, an unscheduled event does
        assertThat(timed.reserve(uid, "n2", classB, reduced).reserved()).isTrue();
        timed.podChanged(onNode(b, "n2"));
        assertThat(timed.assumed(uid)).isFalse();
        timed.forget(uid);
        assertThat(engine.nodeOf(uid)).contains("n2");

        // an assumption the informer never confirms expires
        Pod c = Harness.pod("c1", SyscallSet.of("read"), Map.of("tier", "tenant-b"), Map.of());
        timed.reserve(c.getMetadata().getUid(), "n3", classB, io.github.sysched.pod.ScoringPod.of(c));
        assertThat(engine.nodeOf(c.getMetadata().getUid())).contains("n3");
        clock.addAndGet(ClusterState.ASSUMPTION_TTL.plusSeconds(1).toNanos());
        timed.reserve(uid, "n2", classB, reduced); // any reservation sweeps
        assertThat(engine.nodeOf(c.getMetadata().getUid())).isEmpty();
        assertThat(engine.nodeOf(uid)).contains("n2");
    }

    @Test
    void beforeSyncFilterErrsAndPrioritizeIsNeutral() {
        ClusterView view = new ClusterView(ClusterView.settings(null)
                .watch(ClusterView.Resource.SECCOMP_PROFILES, ClusterView.Resource.PODS)
                .scope(SpoScope.CLUSTER)
                .onPods(state)); // never started
        InFlightPods inFlight = new InFlightPods(
                pod -> new InFlightPods.Resolved(
                        resolver.resolve(pod.toPod(), PodSetResolver.Source.REQUEST)
                                .syscalls(),
                        false,
                        state.ippClassOf(pod.toPod())),
                java.time.Duration.ofMillis(100),
                java.time.Duration.ofSeconds(30),
                System::nanoTime,
                registry);
        ExtenderService service = new ExtenderService(state, view, inFlight);
        Pod pod = Harness.pod("e", SyscallSet.of("read"));
        assertThat(service.notReady()).contains("sysched extender: not ready");
        assertThat(service.prioritizeNodes(ScoringPod.of(pod), List.of("n1", "n2")))
                .containsExactly(0, 0);
        assertThat(new InformersHealthIndicator(view, List.of())
                        .health()
                        .getStatus()
                        .getCode())
                .isEqualTo("OUT_OF_SERVICE");
    }

    @Test
    void localhostSpoProfileOfAnUnannotatedPodResolvesWithItsBaseProfile() {
        SpoPodResolver namespaced = resolver(SpoScope.NAMESPACED);
        ClusterState nsState =
                new ClusterState(engine, new PodSetResolver(namespaced, registry), namespaced, "tier", registry);
        Pod pod = onNode(Harness.podWithSeccomp("web", "Localhost", "operator/apps/web.json"), "n1");
        nsState.podChanged(pod); // profile not there yet: the most conservative set
        assertThat(engine.node("n1").orElseThrow().attackSurface()).isEqualTo(362);

        profiles.add(Harness.profile("apps", "runc-base", null, "futex", "exit_group", "read"));
        profiles.add(Harness.profile("apps", "web", "runc-base", "read", "write", "accept4"));
        namespaced.profilesChanged(); // re-resolves the fallback pod from the new snapshot
        assertThat(namespaced.resolveDetailed(pod).origin()).isEqualTo(ProfileOrigin.EXPLICIT_PROFILE);
        assertThat(engine.node("n1").orElseThrow().attackSurface()).isEqualTo(5);
        assertThat(namespaced.resolve(pod)).isEqualTo(SyscallSet.of("read", "write", "accept4", "futex", "exit_group"));

        // the same path under cluster scope names another (namespaced) key, which is not in the cluster-scoped cache
        Pod clusterPath = Harness.podWithSeccomp("web2", "Localhost", "operator/web.json");
        assertThat(namespaced.resolve(clusterPath))
                .isEqualTo(SyscallTable.x86_64().allSyscalls());
    }

    @Test
    void runtimeDefaultAndUnconfinedPods() {
        addProfile(Harness.profile("full"));
        Pod runtimeDefault = Harness.podWithSeccomp("rd", "RuntimeDefault", null);
        assertThat(fallback.resolveDetailed(runtimeDefault).origin()).isEqualTo(ProfileOrigin.RUNTIME_DEFAULT);
        assertThat(fallback.resolve(runtimeDefault)).isEqualTo(RuntimeDefaultProfile.syscalls());
        Pod unconfined = Harness.podWithSeccomp("u", "Unconfined", null);
        assertThat(fallback.resolve(unconfined)).isEqualTo(Harness.profileSet("full"));
        assertThat(fallback.resolveDetailed(unconfined).origin()).isEqualTo(ProfileOrigin.DEFAULT_PROFILE);
    }

    /** The extender's fallback honours the same container policy as the webhook (one resolver in common). */
    @Test
    void theContainerPolicyAppliesToUnannotatedPods() {
        addProfile(Harness.profile("full"));
        addProfile(Harness.profile("nginx"));
        Pod withSidecar = new PodBuilder(
                        Harness.podWithSeccomp("web", "Localhost", "operator/default/nginx-seccomp.json"))
                .editSpec()
                .addNewContainer()
                .withName("sidecar")
                .withImage("envoy:1")
                .endContainer()
                .endSpec()
                .build();
        SpoPodResolver ignoring = new SpoPodResolver(
                "default",
                "full-seccomp",
                new ContainerPolicy(ContainerPolicy.Unprofiled.IGNORE, ContainerPolicy.InitContainers.COUNT));
        ignoring.attach(() -> profiles);
        ignoring.useScope(SpoScope.NAMESPACED);

        // the pod-level profile covers the sidecar too: both count nginx
        assertThat(ignoring.resolve(withSidecar)).isEqualTo(Harness.profileSet("nginx"));
        Pod unprofiledSidecar = new PodBuilder(Harness.pod("web", null))
                .editSpec()
                .editFirstContainer()
                .withNewSecurityContext()
                .withNewSeccompProfile()
                .withType("Localhost")
                .withLocalhostProfile("operator/default/nginx-seccomp.json")
                .endSeccompProfile()
                .endSecurityContext()
                .endContainer()
                .addNewContainer()
                .withName("sidecar")
                .withImage("envoy:1")
                .endContainer()
                .endSpec()
                .build();
        assertThat(ignoring.resolve(unprofiledSidecar)).isEqualTo(Harness.profileSet("nginx"));
        assertThat(resolver(SpoScope.NAMESPACED).resolve(unprofiledSidecar))
                .isEqualTo(Harness.profileSet("nginx").union(Harness.profileSet("full")));
    }

    @Test
    void defaultProfileKeyFollowsTheScope() {
        assertThat(resolver(SpoScope.CLUSTER).defaultProfile().toString()).isEqualTo("full-seccomp");
        assertThat(resolver(SpoScope.NAMESPACED).defaultProfile().toString()).isEqualTo("default/full-seccomp");
    }
}
