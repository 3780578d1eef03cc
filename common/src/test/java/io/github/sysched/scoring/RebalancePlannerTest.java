package io.github.sysched.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RebalancePlannerTest {

    private static final SyscallSet SMALL = SyscallSet.of("read", "write");
    private static final SyscallSet BIG = SyscallSet.of("read", "write", "openat", "mmap");
    private static final List<RebalancePlanner.Node> NODES = List.of(node("a"), node("b"), node("c"));
    private static final RebalancePlanner.Room ROOM_EVERYWHERE = (pod, node) -> true;

    private static RebalancePlanner.Node node(String name) {
        return new RebalancePlanner.Node(name, Optional.empty());
    }

    private static RebalancePlanner.Pod replica(String uid, String node, SyscallSet syscalls) {
        return new RebalancePlanner.Pod(uid, node, syscalls, true, Optional.empty());
    }

    private static RebalancePlanner planner(long minGain) {
        return new RebalancePlanner(
                ExtenderScoring.DEFAULT, SyscallWeights.uniform(), ReplicaSpreadGuard.DEFAULT, minGain);
    }

    /**
     * a: small {read, write} and big {read, write, openat, mmap}; b: another big one; c empty. Cluster ExS 2 (the
     * small pod on a lacks openat and mmap). Evicting big-a saves 2, and its replacement scores best on b (adds 0;
     * a would add 2, the empty c costs the opening cost 20): gain 2. Evicting small-a saves 2 but its replacement
     * scores a and b alike (each adds 2): gain 0.
     */
    private static List<RebalancePlanner.Pod> bigBesideSmall() {
        return List.of(replica("small-a", "a", SMALL), replica("big-a", "a", BIG), replica("big-b", "b", BIG));
    }

    @Test
    void evictsThePodWhoseReplacementTheScoreSendsWhereItAddsLess() {
        RebalancePlanner.Eviction eviction =
                planner(1).plan(NODES, bigBesideSmall(), ROOM_EVERYWHERE).orElseThrow();
        assertThat(eviction.pod().uid()).isEqualTo("big-a");
        assertThat(eviction.exsBefore()).isEqualTo(2);
        assertThat(eviction.saving()).isEqualTo(2);
        assertThat(eviction.added()).isZero();
        assertThat(eviction.gain()).isEqualTo(2);
        assertThat(eviction.landing()).containsExactly("b");
    }

    @Test
    void aGainBelowTheThresholdIsNoEviction() {
        assertThat(planner(3).plan(NODES, bigBesideSmall(), ROOM_EVERYWHERE)).isEmpty();
        assertThat(planner(2).plan(NODES, bigBesideSmall(), ROOM_EVERYWHERE)).isPresent();
    }

    @Test
    void aPodNoControllerRecreatesIsNeverACandidate() {
        List<RebalancePlanner.Pod> pods = List.of(
                replica("small-a", "a", SMALL),
                new RebalancePlanner.Pod("big-a", "a", BIG, false, Optional.empty()),
                replica("big-b", "b", BIG));
        assertThat(planner(1).plan(NODES, pods, ROOM_EVERYWHERE)).isEmpty();
    }

    @Test
    void neverMovesAReplicaWhereTheGuardsBoundWouldBeExceeded() {
        // big-a and big-b are two replicas of one workload on three nodes: at most one per node. b is closed to
        // big-a's replacement; the score then ranks its own node a (adds 2) above the empty c: no gain.
        Optional<String> workload = Optional.of("ReplicaSet default/big");
        List<RebalancePlanner.Pod> pods = List.of(
                replica("small-a", "a", SMALL),
                new RebalancePlanner.Pod("big-a", "a", BIG, true, workload),
                new RebalancePlanner.Pod("big-b", "b", BIG, true, workload));
        assertThat(planner(1).plan(NODES, pods, ROOM_EVERYWHERE)).isEmpty();
        RebalancePlanner byBound = new RebalancePlanner(
                ExtenderScoring.DEFAULT,
                SyscallWeights.uniform(),
                ReplicaSpreadGuard.DEFAULT,
                RebalancePlanner.Spreading.BOUND,
                1);
        assertThat(byBound.plan(NODES, pods, ROOM_EVERYWHERE)).isEmpty();
        // Unguarded (opted out) the same replicas may share b.
        assertThat(planner(1).plan(NODES, bigBesideSmall(), ROOM_EVERYWHERE)).isPresent();
    }

    @Test
    void theGuardCountsZonesToo() {
        // a, b in zone 1, c, d in zone 2; two replicas of one workload may not share a zone either.
        List<RebalancePlanner.Node> zoned = List.of(
                new RebalancePlanner.Node("a", Optional.of("z1")),
                new RebalancePlanner.Node("b", Optional.of("z2")),
                new RebalancePlanner.Node("c", Optional.of("z2")),
                new RebalancePlanner.Node("d", Optional.of("z1")));
        Optional<String> workload = Optional.of("ReplicaSet default/big");
        List<RebalancePlanner.Pod> pods = List.of(
                replica("small-a", "a", SMALL),
                new RebalancePlanner.Pod("big-a", "a", BIG, true, workload),
                new RebalancePlanner.Pod("big-b", "b", BIG, true, workload),
                replica("big-c", "c", BIG));
        // big-a would add 0 on c (another big pod), but c is in big-b's zone: closed. Unguarded, it moves there.
        assertThat(planner(1).plan(zoned, pods, ROOM_EVERYWHERE)).isEmpty();
        List<RebalancePlanner.Pod> unguarded = List.of(
                replica("small-a", "a", SMALL),
                replica("big-a", "a", BIG),
                replica("big-b", "b", BIG),
                replica("big-c", "c", BIG));
        assertThat(planner(1)
                        .plan(zoned, unguarded, ROOM_EVERYWHERE)
                        .orElseThrow()
                        .landing())
                .containsExactlyInAnyOrder("b", "c");
    }

    /**
     * Five replicas of one workload on four nodes (the guard's bound ⌈5/4⌉ = 2 per node): a holds w1 {read, write,
     * openat, mmap} and w2 (that and ptrace), b two more, c one beside an unguarded pod of w1's profile, d none but is
     * full. Under the bound w1's replacement may join c, where it adds nothing: gain 1 (a's ExS). The injected
     * constraint counts the skew against the fewest on any node, d's 0, even though d is full: c would hold 2, skew
     * 2 > 1, and so would a; the replacement could go nowhere and the planner leaves w1 alone.
     */
    @Test
    void theInjectedConstraintsSkewIsCountedAgainstTheFewestOnAnyNodeEvenAFullOne() {
        Optional<String> workload = Optional.of("ReplicaSet default/w");
        SyscallSet wide = SyscallSet.of("read", "write", "openat", "mmap", "ptrace");
        List<RebalancePlanner.Node> nodes = List.of(node("a"), node("b"), node("c"), node("d"));
        List<RebalancePlanner.Pod> pods = List.of(
                new RebalancePlanner.Pod("w1", "a", BIG, true, workload),
                new RebalancePlanner.Pod("w2", "a", wide, true, workload),
                new RebalancePlanner.Pod("w3", "b", BIG, true, workload),
                new RebalancePlanner.Pod("w4", "b", wide, true, workload),
                new RebalancePlanner.Pod("w5", "c", BIG, true, workload),
                replica("x", "c", BIG),
                replica("y", "d", SMALL));
        RebalancePlanner.Room dFull = (pod, node) -> !node.equals("d");
        RebalancePlanner bound = new RebalancePlanner(
                ExtenderScoring.DEFAULT,
                SyscallWeights.uniform(),
                ReplicaSpreadGuard.DEFAULT,
                RebalancePlanner.Spreading.BOUND,
                1);
        RebalancePlanner.Eviction eviction = bound.plan(nodes, pods, dFull).orElseThrow();
        assertThat(eviction.pod().uid()).isEqualTo("w1");
        assertThat(eviction.landing()).containsExactly("c");
        assertThat(eviction.gain()).isEqualTo(1);
        assertThat(planner(1).plan(nodes, pods, dFull))
                .as("the injected constraint (default)")
                .isEmpty();
    }

    @Test
    void aNodeWithoutRoomIsNoLanding() {
        RebalancePlanner.Room bFull = (pod, node) -> !node.equals("b");
        assertThat(planner(1).plan(NODES, bigBesideSmall(), bFull)).isEmpty();
    }

    @Test
    void theGainIsInTheExtendersWeights() {
        SyscallWeights weights = SyscallWeights.of(1, Map.of("mmap", 5L));
        RebalancePlanner weighted =
                new RebalancePlanner(ExtenderScoring.DEFAULT, weights, ReplicaSpreadGuard.DEFAULT, 1);
        RebalancePlanner.Eviction eviction =
                weighted.plan(NODES, bigBesideSmall(), ROOM_EVERYWHERE).orElseThrow();
        assertThat(eviction.exsBefore())
                .as("small-a lacks openat (1) and mmap (5)")
                .isEqualTo(6);
        assertThat(eviction.gain()).isEqualTo(6);
    }

    @Test
    void theReplacementMayComeBackToItsOwnNodeAndThenNothingIsGained() {
        // A lone pod on a, nothing else: its own (now empty) node and b, c tie at the opening cost.
        List<RebalancePlanner.Pod> pods = List.of(replica("big-a", "a", BIG));
        assertThat(planner(1).plan(NODES, pods, ROOM_EVERYWHERE)).isEmpty();
    }

    /**
     * On random clusters: the chosen eviction is the best of all candidates, and wherever among the predicted
     * landing nodes the replacement goes, the cluster ExS falls by at least the predicted gain (recomputed with a
     * fresh engine, not through the planner).
     */
    @Test
    void thePredictedGainIsRealizedOnEveryPredictedLandingNode() {
        Random random = new Random(15);
        List<String> names = List.of("read", "write", "openat", "mmap", "ptrace", "bpf", "mount", "clone", "futex");
        int planned = 0;
        for (int round = 0; round < 300; round++) {
            int nodeCount = 2 + random.nextInt(5);
            List<RebalancePlanner.Node> nodes = new ArrayList<>();
            for (int i = 0; i < nodeCount; i++) {
                nodes.add(node("n" + i));
            }
            List<SyscallSet> profiles = new ArrayList<>();
            for (int p = 0; p < 5; p++) {
                Set<String> set = new HashSet<>();
                names.forEach(n -> {
                    if (random.nextBoolean()) {
                        set.add(n);
                    }
                });
                profiles.add(SyscallSet.of(set));
            }
            List<RebalancePlanner.Pod> pods = new ArrayList<>();
            int podCount = 2 + random.nextInt(10);
            for (int p = 0; p < podCount; p++) {
                pods.add(new RebalancePlanner.Pod(
                        "p" + p,
                        "n" + random.nextInt(nodeCount),
                        profiles.get(random.nextInt(profiles.size())),
                        random.nextInt(5) > 0,
                        Optional.empty()));
            }
            RebalancePlanner planner = new RebalancePlanner(
                    new ExtenderScoring(ExtenderScoring.Mode.MARGINAL, random.nextInt(30)),
                    SyscallWeights.uniform(),
                    ReplicaSpreadGuard.DEFAULT,
                    1);
            Optional<RebalancePlanner.Eviction> plan = planner.plan(nodes, pods, ROOM_EVERYWHERE);
            long before = exs(pods, null, null);
            if (plan.isEmpty()) {
                continue;
            }
            planned++;
            RebalancePlanner.Eviction eviction = plan.get();
            assertThat(eviction.exsBefore()).isEqualTo(before);
            assertThat(eviction.landing())
                    .isNotEmpty()
                    .doesNotContain(eviction.pod().node());
            for (String landing : eviction.landing()) {
                assertThat(before - exs(pods, eviction.pod(), landing))
                        .as("round %d, %s to %s", round, eviction.pod().uid(), landing)
                        .isGreaterThanOrEqualTo(eviction.gain());
            }
            // It is the best: no other candidate, evaluated alone, promises more.
            for (RebalancePlanner.Pod other : pods) {
                if (other.evictable()) {
                    List<RebalancePlanner.Pod> onlyOther = pods.stream()
                            .map(p -> p == other
                                    ? p
                                    : new RebalancePlanner.Pod(p.uid(), p.node(), p.syscalls(), false, p.guarded()))
                            .toList();
                    planner.plan(nodes, onlyOther, ROOM_EVERYWHERE)
                            .ifPresent(e -> assertThat(e.gain()).isLessThanOrEqualTo(eviction.gain()));
                }
            }
        }
        assertThat(planned).as("instances with an eviction").isGreaterThan(30);
    }

    /** The cluster ExS with {@code moved} (if any) on {@code to} instead of its node, from a fresh engine. */
    private static long exs(List<RebalancePlanner.Pod> pods, RebalancePlanner.Pod moved, String to) {
        ExsEngine engine = new ExsEngine();
        for (RebalancePlanner.Pod pod : pods) {
            engine.place(pod.uid(), pod == moved ? to : pod.node(), pod.syscalls());
        }
        return engine.clusterExs();
    }

    @Test
    void badInputIsRefused() {
        assertThatThrownBy(() -> planner(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> planner(1).plan(NODES, List.of(replica("x", "nowhere", SMALL)), ROOM_EVERYWHERE))
                .hasMessageContaining("unknown node nowhere");
        assertThatThrownBy(() -> planner(1)
                        .plan(NODES, List.of(replica("x", "a", SMALL), replica("x", "b", SMALL)), ROOM_EVERYWHERE))
                .hasMessageContaining("pod listed twice: x");
        assertThatThrownBy(() -> planner(1).plan(List.of(node("a"), node("a")), List.of(), ROOM_EVERYWHERE))
                .hasMessageContaining("node listed twice: a");
    }
}
