package io.github.sysched.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PlacementPlannerTest {

    private static final SyscallSet WEB = SyscallSet.of("read", "write", "accept4", "epoll_wait");
    private static final SyscallSet CACHE = SyscallSet.of("read", "write", "epoll_wait", "futex");
    private static final SyscallSet TOOL = SyscallSet.of("read", "write", "ptrace", "mount", "unshare", "bpf");

    private static PlacementPlanner planner(long steps) {
        return new PlacementPlanner(SyscallWeights.uniform(), ReplicaSpreadGuard.DEFAULT, 20, steps);
    }

    private static List<PlacementPlanner.Node> nodes(int count, int podLimit) {
        List<PlacementPlanner.Node> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(new PlacementPlanner.Node("n" + i, podLimit, Optional.empty()));
        }
        return nodes;
    }

    /**
     * Random instances small enough for brute force: the plan never does worse than its greedy start, and finds the
     * optimum in nearly all (annealing is a search, not a proof: §6 of docs/PLACEMENT.md has its record).
     */
    @Test
    void onSmallInstancesThePlanIsTheBestPlacementOfTheDemandAroundTheRunningPods() {
        Random random = new Random(7);
        List<SyscallSet> profiles = List.of(WEB, CACHE, TOOL, WEB.union(CACHE), SyscallSet.of("read", "futex"));
        int optimal = 0;
        for (int instance = 0; instance < 40; instance++) {
            List<PlacementPlanner.Node> nodes = nodes(3, 3);
            List<PlacementPlanner.Running> running = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                running.add(new PlacementPlanner.Running(
                        "n" + random.nextInt(3), profiles.get(random.nextInt(profiles.size())), Optional.empty()));
            }
            List<PlacementPlanner.Demand> demand = new ArrayList<>();
            int pods = 0;
            for (int w = 0; pods < 5; w++) {
                int count = Math.min(1 + random.nextInt(2), 5 - pods);
                demand.add(new PlacementPlanner.Demand(
                        "w" + w, profiles.get(random.nextInt(profiles.size())), count, false));
                pods += count;
            }

            PlacementPlanner.Plan plan = planner(20_000).plan(nodes, running, demand, PlacementPlanner.Plan.EMPTY, 1);
            PlacementPlanner.Plan greedy = planner(0).plan(nodes, running, demand, PlacementPlanner.Plan.EMPTY, 1);

            assertThat(plan.size()).isEqualTo(5);
            long best = bruteForce(running, demand);
            long planned = exs(running, demand, plan);
            assertThat(planned).as("instance %d", instance).isBetween(best, exs(running, demand, greedy));
            if (planned == best) {
                optimal++;
            }
        }
        assertThat(optimal).as("instances planned optimally, of 40").isGreaterThanOrEqualTo(36);
    }

    @Test
    void theGuardAndPodLimitsHoldAroundRunningPods() {
        List<SyscallSet> profiles = List.of(WEB, CACHE, TOOL);
        for (int seed = 0; seed < 20; seed++) {
            List<PlacementPlanner.Node> nodes = nodes(6, 4);
            List<PlacementPlanner.Running> running = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                running.add(new PlacementPlanner.Running("n" + i, profiles.get(i % 3), Optional.of("w" + (i % 3))));
            }
            List<PlacementPlanner.Demand> demand = List.of(
                    new PlacementPlanner.Demand("w0", WEB, 7, true),
                    new PlacementPlanner.Demand("w1", CACHE, 3, true),
                    new PlacementPlanner.Demand("bare", TOOL, 2, false));

            PlacementPlanner.Plan plan = planner(5_000).plan(nodes, running, demand, PlacementPlanner.Plan.EMPTY, seed);

            Map<String, Integer> perNode = new HashMap<>();
            running.forEach(p -> perNode.merge(p.node(), 1, Integer::sum));
            plan.nodesByWorkload().values().forEach(list -> list.forEach(n -> perNode.merge(n, 1, Integer::sum)));
            assertThat(perNode.values()).allMatch(count -> count <= 4);
            for (String workload : List.of("w0", "w1")) {
                Map<String, Integer> replicas = new HashMap<>();
                running.stream()
                        .filter(p -> p.workload().equals(Optional.of(workload)))
                        .forEach(p -> replicas.merge(p.node(), 1, Integer::sum));
                plan.nodesFor(workload).forEach(n -> replicas.merge(n, 1, Integer::sum));
                int total =
                        replicas.values().stream().mapToInt(Integer::intValue).sum();
                assertThat(replicas.values())
                        .as("%s: %s", workload, replicas)
                        .allMatch(count -> count <= ReplicaSpreadGuard.DEFAULT.maxPerDomain(total, 6));
            }
            assertThat(plan.nodesFor("w0")).hasSize(7);
            assertThat(plan.nodesFor("w1")).hasSize(3);
            assertThat(plan.nodesFor("bare")).hasSize(2);
        }
    }

    @Test
    void demandWithoutRoomIsLeftOut() {
        List<PlacementPlanner.Running> running = List.of(new PlacementPlanner.Running("n0", WEB, Optional.empty()));
        PlacementPlanner.Plan plan = planner(1_000)
                .plan(
                        nodes(2, 2),
                        running,
                        List.of(new PlacementPlanner.Demand("w", CACHE, 5, false)),
                        PlacementPlanner.Plan.EMPTY,
                        1);
        assertThat(plan.nodesFor("w")).containsExactlyInAnyOrder("n0", "n1", "n1");
    }

    @Test
    void withoutMovesThePreviousPlanIsKeptWhereItStillFitsAndRepairedWhereNot() {
        List<PlacementPlanner.Node> nodes = nodes(3, 2);
        PlacementPlanner.Plan previous = new PlacementPlanner.Plan(Map.of("w", List.of("n2", "n1")));
        List<PlacementPlanner.Demand> demand = List.of(new PlacementPlanner.Demand("w", CACHE, 2, true));

        assertThat(planner(0).plan(nodes, List.of(), demand, previous, 1).nodesFor("w"))
                .containsExactly("n2", "n1");

        // n2 has filled up since: one pod keeps n1, the other goes to the cheapest node with room (a workload's
        // planned nodes are a multiset).
        List<PlacementPlanner.Running> full = List.of(
                new PlacementPlanner.Running("n2", TOOL, Optional.empty()),
                new PlacementPlanner.Running("n2", TOOL, Optional.empty()),
                new PlacementPlanner.Running("n0", CACHE, Optional.empty()));
        assertThat(planner(0).plan(nodes, full, demand, previous, 1).nodesFor("w"))
                .containsExactlyInAnyOrder("n0", "n1");
    }

    @Test
    void aReplicaThatLandedOnAPlannedNodeCrossesOnlyThatNodeOffThePreviousPlan() {
        List<PlacementPlanner.Node> nodes = nodes(4, 4);
        PlacementPlanner.Plan previous = new PlacementPlanner.Plan(Map.of("w", List.of("n0", "n1", "n3")));
        // one replica of w has landed on n1, the plan's second node; a CACHE pod on n2 makes n2 the greedy choice
        List<PlacementPlanner.Running> running = List.of(
                new PlacementPlanner.Running("n1", CACHE, Optional.of("w")),
                new PlacementPlanner.Running("n2", CACHE, Optional.empty()));
        List<PlacementPlanner.Demand> demand = List.of(new PlacementPlanner.Demand("w", CACHE, 2, true));

        assertThat(planner(0).plan(nodes, running, demand, previous, 1).nodesFor("w"))
                .as("the rest of the previous plan, not a greedy re-placement")
                .containsExactlyInAnyOrder("n0", "n3");
    }

    @Test
    void followingAPlanLiftsItsNodesAndKeepsTheOrderOfTheRest() {
        List<String> names = List.of("a", "b", "c", "d");
        assertThat(PlacementPlanner.follow(new int[] {10, 9, 0, 7}, names, List.of("c")))
                .containsExactly(9, 8, 10, 6);
        int[] scores = {10, 9, 0, 7};
        assertThat(PlacementPlanner.follow(scores, names, List.of("x")))
                .as("no candidate planned: the scores themselves")
                .isSameAs(scores)
                .containsExactly(10, 9, 0, 7);
        assertThat(PlacementPlanner.follow(scores, names, java.util.Set.of("b", "d", "x")))
                .containsExactly(9, 10, 0, 10);
        assertThatThrownBy(() -> PlacementPlanner.follow(new int[] {1}, names, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badInputIsRefused() {
        assertThatThrownBy(() -> new PlacementPlanner.Demand("w", WEB, -1, true))
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> new PlacementPlanner.Node("n", 0, Optional.empty()))
                .hasMessageContaining("at least one pod");
        List<PlacementPlanner.Node> twice = List.of(
                new PlacementPlanner.Node("n", 1, Optional.empty()),
                new PlacementPlanner.Node("n", 1, Optional.empty()));
        assertThatThrownBy(() -> planner(0)
                        .plan(
                                twice,
                                List.of(),
                                List.of(new PlacementPlanner.Demand("w", WEB, 1, false)),
                                PlacementPlanner.Plan.EMPTY,
                                1))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> new PlacementPlanner(SyscallWeights.uniform(), ReplicaSpreadGuard.DEFAULT, -1, 0))
                .hasMessageContaining("opening cost");
    }

    /** Cluster ExS with the running pods and the plan's pods: Σ nodes Σ pods |U(n) ∖ S_p|. */
    private static long exs(
            List<PlacementPlanner.Running> running, List<PlacementPlanner.Demand> demand, PlacementPlanner.Plan plan) {
        Map<String, List<SyscallSet>> byNode = new HashMap<>();
        running.forEach(
                p -> byNode.computeIfAbsent(p.node(), k -> new ArrayList<>()).add(p.syscalls()));
        for (PlacementPlanner.Demand d : demand) {
            plan.nodesFor(d.workload())
                    .forEach(n ->
                            byNode.computeIfAbsent(n, k -> new ArrayList<>()).add(d.syscalls()));
        }
        return exs(byNode.values());
    }

    private static long exs(Iterable<List<SyscallSet>> nodes) {
        long total = 0;
        for (List<SyscallSet> pods : nodes) {
            SyscallSet union = SyscallSet.empty();
            for (SyscallSet pod : pods) {
                union = union.union(pod);
            }
            for (SyscallSet pod : pods) {
                total += union.difference(pod).cardinality();
            }
        }
        return total;
    }

    /** Every assignment of the demanded pods to the 3 nodes of 3 slots; the lowest cluster ExS. */
    private static long bruteForce(List<PlacementPlanner.Running> running, List<PlacementPlanner.Demand> demand) {
        List<SyscallSet> pods = new ArrayList<>();
        demand.forEach(d -> {
            for (int i = 0; i < d.count(); i++) {
                pods.add(d.syscalls());
            }
        });
        long best = Long.MAX_VALUE;
        int assignments = (int) Math.pow(3, pods.size());
        for (int a = 0; a < assignments; a++) {
            List<List<SyscallSet>> nodes = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            running.forEach(
                    p -> nodes.get(Integer.parseInt(p.node().substring(1))).add(p.syscalls()));
            int code = a;
            for (SyscallSet pod : pods) {
                nodes.get(code % 3).add(pod);
                code /= 3;
            }
            if (nodes.stream().allMatch(n -> n.size() <= 3)) {
                best = Math.min(best, exs(nodes));
            }
        }
        return best;
    }
}
