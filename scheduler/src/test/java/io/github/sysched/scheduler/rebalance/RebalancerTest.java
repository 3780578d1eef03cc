package io.github.sysched.scheduler.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.scheduler.Harness;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.github.sysched.scheduler.leader.Leadership;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.testsupport.TestNodes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rebalancer against the extender as deployed: the whole application on a fabric8 mock API server in CRUD mode
 * whose {@code pods/eviction} deletes the pod or answers 429 ({@link EvictionCrudDispatcher}), the state fed by the
 * real informers. Each test builds its own {@link Rebalancer} over the application's beans, with a clock it moves.
 *
 * <p>The cluster: x1 (ReplicaSet x, set X) and y1 (ReplicaSet y, set Y, disjoint from X) share n1, z1 (ReplicaSet z,
 * set X) runs alone on n2, n3 is empty. Cluster ExS 10 (|X| + |Y|). Evicting x1 saves 10 on n1, and its replacement
 * adds 0 on n2 (the extender's best: identical to z1; the empty n3 costs the opening cost, n1 10): the planner's
 * eviction, gain 10, predicted on [n2]. Every other eviction gains nothing.
 */
class RebalancerTest {

    private static final SyscallSet X = SyscallSet.of(List.of("read", "write", "openat", "close", "fstat"));
    private static final SyscallSet Y = SyscallSet.of(List.of("mmap", "mprotect", "munmap", "brk", "rt_sigaction"));
    private static final String OURS = "sysched-scheduler";

    private final List<AutoCloseable> open = new ArrayList<>();
    private final EvictionCrudDispatcher dispatcher = new EvictionCrudDispatcher();
    private final AtomicLong clock = new AtomicLong(1);
    private final AtomicBoolean leading = new AtomicBoolean(true);
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final String rsX = UUID.randomUUID().toString();
    private Harness harness;

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** The cluster above, n2 with {@code n2Slots} pod slots, and a rebalancer with {@code properties}. */
    private Rebalancer cluster(int n2Slots, String... properties) {
        return cluster(node("n2", n2Slots), List.of(), properties);
    }

    /** The cluster above with {@code n2} as given, x1 with {@code x1Tolerations}, and a rebalancer. */
    private Rebalancer cluster(Node n2, List<Toleration> x1Tolerations, String... properties) {
        KubernetesMockServer server = Harness.newServer(dispatcher);
        open.add(server::destroy);
        var client = server.createClient();
        open.add(client);
        client.nodes().resource(node("n1", 110)).create();
        client.nodes().resource(n2).create();
        client.nodes().resource(node("n3", 110)).create();
        client.pods()
                .resource(new PodBuilder(running("x1", X, "x", rsX, "n1"))
                        .editSpec()
                        .withTolerations(x1Tolerations)
                        .endSpec()
                        .build())
                .create();
        client.pods()
                .resource(running("y1", Y, "y", UUID.randomUUID().toString(), "n1"))
                .create();
        client.pods()
                .resource(running("z1", X, "z", UUID.randomUUID().toString(), "n2"))
                .create();
        List<String> props = new ArrayList<>(List.of(
                "sysched.scheduler.rebalancer.enabled=true",
                "sysched.scheduler.rebalancer.interval=1h", // the application's own loop stays quiet
                "sysched.scheduler.rebalancer.hold-back=10m"));
        props.addAll(List.of(properties));
        harness = Harness.start(client, props.toArray(String[]::new));
        open.add(harness);
        harness.await("nodes, namespaces and pods synced", () -> harness.view().synced());
        harness.await("3 pods counted", () -> harness.engine().podCount() == 3);
        Leadership leadership = new Leadership() {
            @Override
            public boolean leading() {
                return leading.get();
            }

            @Override
            public String leader() {
                return "";
            }
        };
        return new Rebalancer(
                client,
                harness.view(),
                harness.state(),
                leadership,
                harness.bean(SchedulerProperties.class),
                new RebalancerMetrics(registry),
                clock::get);
    }

    @Test
    void evictsThePlannersPodThroughPolicyV1AndFollowsItsReplacement() {
        Rebalancer rebalancer = cluster(110, "sysched.scheduler.rebalancer.dry-run=false");

        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.EVICTED);

        assertThat(dispatcher.requests).containsExactly("policy/v1 default/x1");
        harness.await("x1 gone", () -> harness.view().pod("default", "x1") == null);
        assertThat(evictions("evicted")).isEqualTo(1);
        assertThat(registry.get("sysched.rebalancer.gain.predicted").summary().totalAmount())
                .isEqualTo(10);
        assertThat(rebalancer.tick())
                .as("no second eviction before the replacement is counted")
                .isEqualTo(Rebalancer.Outcome.AWAITING_REPLACEMENT);

        Pod replacement = harness.create(pending("x2", X, "x", rsX));
        harness.await("x2 pending in the cache", () -> harness.view().pod("default", "x2") != null);
        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.AWAITING_REPLACEMENT);
        harness.bindInMock(replacement, "n2");

        assertThat(rebalancer.tick())
                .as("settled as predicted; nothing else gains the minimum")
                .isEqualTo(Rebalancer.Outcome.NOTHING_TO_GAIN);
        assertThat(harness.engine().clusterExs()).isZero();
        assertThat(registry.get("sysched.rebalancer.gain.realized").gauge().value())
                .isEqualTo(10);
        assertThat(registry.get("sysched.rebalancer.replacements")
                        .tag("landing", "predicted")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(rebalancer.heldBackCount()).isZero();
        assertThat(dispatcher.requests).hasSize(1);
    }

    @Test
    void aReplacementOffThePredictionThatRealizesLessHoldsItsWorkloadBack() {
        Rebalancer rebalancer = cluster(110, "sysched.scheduler.rebalancer.dry-run=false");
        dispatcher.graceful = true; // x1 stays on n1, terminating, while its replacement is placed
        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.EVICTED);
        harness.await(
                "x1 terminating",
                () -> harness.view().pod("default", "x1").getMetadata().getDeletionTimestamp() != null);

        // kube-scheduler's own plugins sent it back next to y1: realized 0 of the predicted 10 (counted without the
        // terminating x1, whose set is the replacement's)
        harness.bindInMock(harness.create(pending("x2", X, "x", rsX)), "n1");

        assertThat(rebalancer.tick())
                .as("x2 would gain 10 again, but its workload is held back")
                .isEqualTo(Rebalancer.Outcome.NOTHING_TO_GAIN);
        assertThat(rebalancer.heldBack(rsX)).isTrue();
        assertThat(registry.get("sysched.rebalancer.held.back").gauge().value()).isEqualTo(1);
        assertThat(registry.get("sysched.rebalancer.replacements")
                        .tag("landing", "off_prediction")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("sysched.rebalancer.gain.realized").gauge().value())
                .isZero();
        assertThat(dispatcher.requests).hasSize(1);

        harness.client()
                .pods()
                .inNamespace("default")
                .withName("x1")
                .edit(p -> new PodBuilder(p)
                        .editMetadata()
                        .withFinalizers(List.of())
                        .endMetadata()
                        .build());
        harness.client().pods().inNamespace("default").withName("x1").delete();
        harness.await("x1 gone", () -> harness.view().pod("default", "x1") == null);
        clock.addAndGet(Duration.ofMinutes(10).toNanos());
        assertThat(rebalancer.tick()).as("after hold-back").isEqualTo(Rebalancer.Outcome.EVICTED);
        assertThat(dispatcher.requests).containsExactly("policy/v1 default/x1", "policy/v1 default/x2");
    }

    @Test
    void evictsNothingWhenNotLeading() {
        Rebalancer rebalancer = cluster(110, "sysched.scheduler.rebalancer.dry-run=false");
        leading.set(false);

        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.NOT_LEADING);
        assertThat(dispatcher.requests).isEmpty();

        leading.set(true);
        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.EVICTED);
    }

    @Test
    void evictsNothingWhileAPodOfItsSchedulerIsPendingButIgnoresOtherSchedulersPods() {
        Rebalancer rebalancer = cluster(110, "sysched.scheduler.rebalancer.dry-run=false");
        Pod other = new PodBuilder(
                        pending("batch", Y, "batch", UUID.randomUUID().toString()))
                .editSpec()
                .withSchedulerName("default-scheduler")
                .endSpec()
                .build();
        harness.create(other);
        Pod ours = harness.create(pending("web", Y, "web", UUID.randomUUID().toString()));
        harness.await(
                "both pending in the cache",
                () -> harness.view().pod("default", "web") != null
                        && harness.view().pod("default", "batch") != null);

        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.POD_PENDING);
        assertThat(dispatcher.requests).isEmpty();

        harness.client().pods().resource(ours).delete();
        harness.await("web gone", () -> harness.view().pod("default", "web") == null);
        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.EVICTED);
    }

    @Test
    void dryRunIsTheDefaultItCountsAndLogsButEvictsNothing() {
        Rebalancer rebalancer = cluster(110);

        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.DRY_RUN);
        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.DRY_RUN);

        assertThat(dispatcher.requests).isEmpty();
        assertThat(harness.view().pod("default", "x1")).isNotNull();
        assertThat(evictions("dry_run")).isEqualTo(2);
        assertThat(evictions("evicted")).isZero();
        assertThat(registry.get("sysched.rebalancer.gain.predicted").summary().totalAmount())
                .isEqualTo(20);
    }

    @Test
    void theHourlyCapHoldsForAnHour() {
        Rebalancer rebalancer = cluster(110, "sysched.scheduler.rebalancer.max-per-hour=2");

        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.DRY_RUN);
        clock.addAndGet(Duration.ofMinutes(30).toNanos());
        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.DRY_RUN);
        clock.addAndGet(Duration.ofMinutes(29).toNanos());
        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.CAPPED);
        clock.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(rebalancer.tick()).as("the first decision is an hour old").isEqualTo(Rebalancer.Outcome.DRY_RUN);
        assertThat(evictions("dry_run")).isEqualTo(3);
    }

    @Test
    void aDisruptionBudgetsRefusalIsCountedAndTriedAgainNextInterval() {
        Rebalancer rebalancer = cluster(110, "sysched.scheduler.rebalancer.dry-run=false");
        dispatcher.refuse = true;

        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.REFUSED_PDB);
        assertThat(evictions("refused_pdb")).isEqualTo(1);
        assertThat(evictions("failed")).isZero();
        assertThat(harness.view().pod("default", "x1")).isNotNull();

        dispatcher.refuse = false;
        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.EVICTED);
        assertThat(dispatcher.requests).containsExactly("policy/v1 default/x1", "policy/v1 default/x1");
    }

    @Test
    void anEvictionTheApiServerFailsIsCountedAsFailedAndTriedAgain() {
        Rebalancer rebalancer = cluster(110, "sysched.scheduler.rebalancer.dry-run=false");
        dispatcher.failWith = 403; // RBAC without create on pods/eviction

        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.FAILED);
        assertThat(evictions("failed")).isEqualTo(1);
        assertThat(evictions("refused_pdb")).isZero();

        dispatcher.failWith = 0;
        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.EVICTED);
    }

    @Test
    void aNodeWithoutFreePodSlotsIsNoLandingSoNothingGains() {
        Rebalancer rebalancer = cluster(1, "sysched.scheduler.rebalancer.dry-run=false");

        // x1's replacement could only go to n3 (empty: the opening cost) or back to n1: the planner keeps it
        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.NOTHING_TO_GAIN);
        assertThat(dispatcher.requests).isEmpty();
    }

    @Test
    void aNodeTheIppFilterRefusesIsNoLanding() {
        Rebalancer rebalancer = cluster(110, "sysched.scheduler.rebalancer.dry-run=false");
        harness.client()
                .pods()
                .inNamespace("default")
                .withName("z1")
                .edit(p -> new PodBuilder(p)
                        .editMetadata()
                        .addToLabels("ipp-class", "tenant-b")
                        .endMetadata()
                        .build());
        harness.client()
                .pods()
                .inNamespace("default")
                .withName("x1")
                .edit(p -> new PodBuilder(p)
                        .editMetadata()
                        .addToLabels("ipp-class", "tenant-a")
                        .endMetadata()
                        .build());
        harness.await(
                "classes counted",
                () -> harness.state().ippClassesOn("n2").contains("tenant-b")
                        && harness.state().ippClassesOn("n1").contains("tenant-a"));

        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.NOTHING_TO_GAIN);
        assertThat(dispatcher.requests).isEmpty();
    }

    @Test
    void aTaintedNodeIsNoLandingForAPodThatDoesNotTolerateIt() {
        Rebalancer rebalancer = cluster(
                dedicated(node("n2", 110)),
                List.of(
                        toleration("dedicated", "other", "NoSchedule"),
                        toleration("dedicated", "x", "PreferNoSchedule")),
                "sysched.scheduler.rebalancer.dry-run=false");

        // x1's replacement could only go to n3 (empty: the opening cost) or back to n1: the planner keeps it
        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.NOTHING_TO_GAIN);
        assertThat(dispatcher.requests).isEmpty();
    }

    @Test
    void aTaintedNodeIsALandingForAPodThatToleratesIt() {
        List<Toleration> tolerations = List.of(toleration("dedicated", "x", "NoSchedule"));
        Rebalancer rebalancer =
                cluster(dedicated(node("n2", 110)), tolerations, "sysched.scheduler.rebalancer.dry-run=false");

        // the replacement has x1's template, hence its tolerations: n2 takes it, next to the identical z1
        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.EVICTED);
        assertThat(dispatcher.requests).containsExactly("policy/v1 default/x1");
        assertThat(registry.get("sysched.rebalancer.gain.predicted").summary().totalAmount())
                .isEqualTo(10);

        harness.await("x1 gone", () -> harness.view().pod("default", "x1") == null);
        harness.bindInMock(
                harness.create(new PodBuilder(pending("x2", X, "x", rsX))
                        .editSpec()
                        .withTolerations(tolerations)
                        .endSpec()
                        .build()),
                "n2");
        assertThat(rebalancer.tick()).isEqualTo(Rebalancer.Outcome.NOTHING_TO_GAIN);
        assertThat(registry.get("sysched.rebalancer.replacements")
                        .tag("landing", "predicted")
                        .counter()
                        .count())
                .as("n2 was the predicted landing")
                .isEqualTo(1);
        assertThat(rebalancer.heldBackCount()).isZero();
    }

    private double evictions(String result) {
        return registry.get("sysched.rebalancer.evictions")
                .tag("result", result)
                .counter()
                .count();
    }

    private static Node node(String name, int podSlots) {
        return new NodeBuilder(TestNodes.ready(name))
                .editStatus()
                .addToAllocatable("pods", new Quantity(Integer.toString(podSlots)))
                .endStatus()
                .build();
    }

    /** {@code node} tainted {@code dedicated=x:NoSchedule}, as an operator reserves nodes for one workload. */
    private static Node dedicated(Node node) {
        return new NodeBuilder(node)
                .editOrNewSpec()
                .addNewTaint()
                .withKey("dedicated")
                .withValue("x")
                .withEffect("NoSchedule")
                .endTaint()
                .endSpec()
                .build();
    }

    private static Toleration toleration(String key, String value, String effect) {
        return new TolerationBuilder()
                .withKey(key)
                .withOperator("Equal")
                .withValue(value)
                .withEffect(effect)
                .build();
    }

    /** A pod of {@code replicaSet} (controller reference) for the extender's scheduler, not bound yet. */
    private static Pod pending(String name, SyscallSet set, String replicaSet, String replicaSetUid) {
        return Harness.replica(name, set, replicaSet, replicaSetUid, OURS);
    }

    private static Pod running(String name, SyscallSet set, String replicaSet, String replicaSetUid, String node) {
        return new PodBuilder(pending(name, set, replicaSet, replicaSetUid))
                .editSpec()
                .withNodeName(node)
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .endStatus()
                .build();
    }
}
