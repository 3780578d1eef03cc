package io.github.sysched.simulation;

import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.scoring.ExsNormalizer;
import io.github.sysched.scoring.ExtenderScoring;
import io.github.sysched.scoring.MarginalExs;
import io.github.sysched.scoring.PlacementPlanner;
import io.github.sysched.scoring.RebalancePlanner;
import io.github.sysched.scoring.ReplicaSpreadGuard;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Places a workload pod by pod, in arrival order, and measures the result ({@link PlacementMetrics}).
 *
 * <p>Each pod goes through what a scheduling cycle does:
 * <ol>
 *   <li>filters: a node with a free pod slot and room for the pod's requests (NodeResourcesFit); for pods the
 *       replica-spread guard covers, the {@code tsc} rule's skew check (kube-scheduler's PodTopologySpread filter,
 *       hostname and, when nodes have zones, zone) and the {@code guard} rule (the extender's filter);</li>
 *   <li>scores over the nodes left ({@link Strategy}); with an extender score, that score is computed over those
 *       nodes only, as kube-scheduler sends the extender only the nodes that passed;</li>
 *   <li>one node left: it is taken without scoring (kube-scheduler skips scoring then); otherwise one of the best
 *       at random, reproducibly from the strategy's seed.</li>
 * </ol>
 * A pod no node passes is unscheduled and the next pod is placed.
 *
 * <p>The extender may see the cluster late ({@link Settings#extenderLag()}): on a real kube-scheduler binding is
 * asynchronous and the extender learns of a placement from its pod informer, so the last few placements can be
 * missing from its ExS state and from its guard's replica counts, while kube-scheduler's own plugins count them.
 *
 * <p>With the {@code anneal} rule the finished placement is then improved offline ({@link ClairvoyantSearch}); the
 * decision statistics stay those of the online placement.
 *
 * <p>With the {@code rebalance[:K]} rule a descheduler-style rebalancer then works on the finished placement, with
 * the cluster quiet (the extender has seen every placement, no pod is pending): up to K times, {@link RebalancePlanner} picks the pod
 * whose eviction it predicts lowers the (weighted) cluster ExS most, the pod is removed, and its replacement goes
 * through the same filters and scores as any pod of the strategy, so it may land elsewhere than predicted. It stops
 * when no eviction gains {@link Settings#rebalanceMinGain()}. A workload whose replacement landed off the prediction
 * and gained less than predicted is not evicted again. Without K, it also stops after {@value #EVICTION_SAFETY_FACTOR}
 * evictions per pod of the workload (a rebalancer that has not settled by then is oscillating).
 *
 * <p>Pure and deterministic: the same inputs give the same placement.
 */
public final class PlacementSimulator {

    /** An unlimited {@code rebalance} stops after this many evictions per pod. */
    static final int EVICTION_SAFETY_FACTOR = 4;

    /**
     * How the simulated services are configured.
     *
     * @param weights     syscall weights of the {@code weighted} strategies and of the {@code weighted_exs} metric
     * @param guard       the replica-spread guard's maxSkew (also the injected constraints' maxSkew)
     * @param openingCost the {@code marginal} score's cost of an empty node ({@link MarginalExs})
     * @param extenderLag how many of the latest placements the extender has not seen yet (0: it sees all)
     * @param annealSteps moves the {@code anneal} rule's offline search tries ({@link ClairvoyantSearch})
     * @param rebalanceMinGain the {@code rebalance} rule's least gain worth an eviction ({@link RebalancePlanner})
     */
    public record Settings(
            SyscallWeights weights,
            ReplicaSpreadGuard guard,
            long openingCost,
            int extenderLag,
            long annealSteps,
            long rebalanceMinGain,
            int planLookahead,
            long planSteps) {

        /** {@link #planLookahead}: the planner knows every workload from the start. */
        public static final int PLAN_KNOWS_ALL = -1;

        public Settings {
            Objects.requireNonNull(weights, "weights");
            Objects.requireNonNull(guard, "guard");
            if (openingCost < 0) {
                throw new IllegalArgumentException("opening cost cannot be negative");
            }
            if (extenderLag < 0) {
                throw new IllegalArgumentException("extender lag cannot be negative");
            }
            if (annealSteps < 0) {
                throw new IllegalArgumentException("anneal steps cannot be negative");
            }
            if (rebalanceMinGain < 1) {
                throw new IllegalArgumentException("the rebalance minimum gain must be at least 1");
            }
            if (planLookahead < PLAN_KNOWS_ALL) {
                throw new IllegalArgumentException("the plan's lookahead must be at least 0 pods, or all");
            }
            if (planSteps < 0) {
                throw new IllegalArgumentException("plan steps cannot be negative");
            }
        }

        public Settings(
                SyscallWeights weights,
                ReplicaSpreadGuard guard,
                long openingCost,
                int extenderLag,
                long annealSteps,
                long rebalanceMinGain) {
            this(
                    weights,
                    guard,
                    openingCost,
                    extenderLag,
                    annealSteps,
                    rebalanceMinGain,
                    PLAN_KNOWS_ALL,
                    PlacementPlanner.DEFAULT_STEPS);
        }

        public Settings(
                SyscallWeights weights, ReplicaSpreadGuard guard, long openingCost, int extenderLag, long annealSteps) {
            this(weights, guard, openingCost, extenderLag, annealSteps, RebalancePlanner.DEFAULT_MIN_GAIN);
        }

        public Settings(SyscallWeights weights, ReplicaSpreadGuard guard, long openingCost, int extenderLag) {
            this(weights, guard, openingCost, extenderLag, ClairvoyantSearch.DEFAULT_STEPS);
        }

        public static Settings defaults() {
            return new Settings(
                    SyscallWeights.uniform(), ReplicaSpreadGuard.DEFAULT, MarginalExs.DEFAULT_OPENING_COST, 0);
        }

        public Settings withWeights(SyscallWeights newWeights) {
            return new Settings(
                    newWeights,
                    guard,
                    openingCost,
                    extenderLag,
                    annealSteps,
                    rebalanceMinGain,
                    planLookahead,
                    planSteps);
        }

        public Settings withOpeningCost(long newOpeningCost) {
            return new Settings(
                    weights,
                    guard,
                    newOpeningCost,
                    extenderLag,
                    annealSteps,
                    rebalanceMinGain,
                    planLookahead,
                    planSteps);
        }

        public Settings withAnnealSteps(long newAnnealSteps) {
            return new Settings(
                    weights,
                    guard,
                    openingCost,
                    extenderLag,
                    newAnnealSteps,
                    rebalanceMinGain,
                    planLookahead,
                    planSteps);
        }

        public Settings withRebalanceMinGain(long newMinGain) {
            return new Settings(
                    weights, guard, openingCost, extenderLag, annealSteps, newMinGain, planLookahead, planSteps);
        }

        public Settings withPlan(int newLookahead, long newSteps) {
            return new Settings(
                    weights, guard, openingCost, extenderLag, annealSteps, rebalanceMinGain, newLookahead, newSteps);
        }
    }

    private final ClusterSpec cluster;
    private final Settings settings;

    public PlacementSimulator(ClusterSpec cluster, Settings settings) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public PlacementSimulator(ClusterSpec cluster, SyscallWeights weights) {
        this(cluster, Settings.defaults().withWeights(weights));
    }

    public PlacementSimulator(ClusterSpec cluster) {
        this(cluster, Settings.defaults());
    }

    public ClusterSpec cluster() {
        return cluster;
    }

    public Settings settings() {
        return settings;
    }

    /** Each strategy on the same workload, in order. */
    public List<SimulationResult> runAll(Workload workload, List<Strategy> strategies, SyscallSet vulnerable) {
        List<SimulationResult> results = new ArrayList<>(strategies.size());
        for (Strategy strategy : strategies) {
            results.add(run(workload, strategy, vulnerable));
        }
        return results;
    }

    /** Each strategy {@code runs} times, with seeds {@code seed, seed + 1, …} of its tie-breaking. */
    public List<StrategyRuns> runAll(Workload workload, List<Strategy> strategies, SyscallSet vulnerable, int runs) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1, got " + runs);
        }
        List<StrategyRuns> all = new ArrayList<>(strategies.size());
        for (Strategy strategy : strategies) {
            List<SimulationResult> results = new ArrayList<>(runs);
            for (int r = 0; r < runs; r++) {
                results.add(run(workload, strategy.withSeed(strategy.seed() + r), vulnerable));
            }
            all.add(new StrategyRuns(strategy, results));
        }
        return all;
    }

    public SimulationResult run(Workload workload, Strategy strategy, SyscallSet vulnerable) {
        return new Run(workload, strategy).place(vulnerable);
    }

    /** One placement of one workload with one strategy. */
    private final class Run {
        private final Workload workload;
        private final Strategy strategy;
        private final List<String> nodes = cluster.nodeNames();
        private final int n = nodes.size();
        private final SimulationState state = new SimulationState(cluster);
        private final KubeSchedulerModel kube = new KubeSchedulerModel(state);
        private final SplittableRandom random;
        /** What the extender knows: its ExS state and the replica counts its guard filters with. */
        private final ExsEngine extender;
        /** The cluster as it is (unweighted), for the decision statistics. */
        private final ExsEngine truth = new ExsEngine();

        private final Map<String, int[]> extenderReplicas = new HashMap<>();
        private final Map<String, int[]> extenderZoneReplicas = new HashMap<>();
        private final Deque<Placed> unseen = new ArrayDeque<>();
        private final Map<String, Integer> replicas = new HashMap<>();
        private final int[] candidates;
        private final List<String> candidateNames;

        private int tiedPods;
        private int extenderTopTies;
        private final List<Integer> extenderTopTieSizes = new ArrayList<>();
        private int openedBesideIdentical;

        private record Placed(SimPod pod, int node) {}

        /** The {@code plan} rule's state: what the planner knows and its current plan (null without the rule). */
        private final Planning planning;

        Run(Workload workload, Strategy strategy) {
            this.workload = workload;
            this.strategy = strategy;
            // Not java.util.Random: its first draws from small consecutive seeds are nearly the same.
            this.random = new SplittableRandom(strategy.seed());
            this.extender = new ExsEngine(strategy.weighted() ? settings.weights() : SyscallWeights.uniform());
            this.candidates = new int[n];
            this.candidateNames = new ArrayList<>(n);
            for (SimPod pod : workload.pods()) {
                pod.controller().ifPresent(c -> replicas.merge(c, 1, Integer::sum));
            }
            this.planning = strategy.has(Strategy.Rule.PLAN) ? new Planning() : null;
        }

        SimulationResult place(SyscallSet vulnerable) {
            Map<String, String> nodeOfPod = new LinkedHashMap<>();
            List<String> unscheduled = new ArrayList<>();
            for (int arrival = 0; arrival < workload.size(); arrival++) {
                SimPod pod = workload.pods().get(arrival);
                int count = filter(pod);
                if (count == 0) {
                    unscheduled.add(pod.name());
                    continue;
                }
                if (planning != null) {
                    planning.before(arrival, count);
                }
                int chosen = count == 1 ? candidates[0] : choose(pod, count);
                commit(pod, chosen, settings.extenderLag());
                nodeOfPod.put(pod.name(), nodes.get(chosen));
            }
            SimulationResult.Decisions decisions = new SimulationResult.Decisions(
                    tiedPods, extenderTopTies, extenderTopTieSizes, openedBesideIdentical);
            SimulationResult.Rebalancing rebalancing = SimulationResult.Rebalancing.NONE;
            if (strategy.has(Strategy.Rule.REBALANCE)) {
                rebalancing = rebalance(nodeOfPod, unscheduled);
            }
            if (strategy.has(Strategy.Rule.ANNEAL)) {
                SyscallWeights objective = strategy.weighted() ? settings.weights() : SyscallWeights.uniform();
                nodeOfPod = new ClairvoyantSearch(cluster, objective, settings.guard(), settings.annealSteps())
                        .improve(workload.pods(), nodeOfPod, strategy.seed());
            }
            Map<String, List<SimPod>> byNode = new LinkedHashMap<>();
            for (SimPod pod : workload.pods()) {
                String node = nodeOfPod.get(pod.name());
                if (node != null) {
                    byNode.computeIfAbsent(node, k -> new ArrayList<>()).add(pod);
                }
            }
            PlacementMetrics metrics = PlacementMetrics.measure(
                    strategy.label(),
                    nodes,
                    byNode,
                    unscheduled.size(),
                    vulnerable,
                    settings.weights(),
                    settings.guard());
            return new SimulationResult(
                    strategy, cluster, workload, nodeOfPod, unscheduled, metrics, decisions, rebalancing);
        }

        /** Places {@code pod} on {@code node}; the extender sees all but the latest {@code lag} placements. */
        private void commit(SimPod pod, int node, int lag) {
            state.place(pod, node);
            truth.place(pod.name(), nodes.get(node), pod.syscalls());
            unseen.addLast(new Placed(pod, node));
            showExtender(lag);
        }

        /** The extender learns of all but the latest {@code lag} placements. */
        private void showExtender(int lag) {
            while (unseen.size() > lag) {
                Placed seen = unseen.removeFirst();
                extender.place(seen.pod.name(), nodes.get(seen.node), seen.pod.syscalls());
                seen.pod.controller().ifPresent(c -> countExtenderReplica(c, seen.node, 1));
                if (planning != null) {
                    planning.placed(seen.pod, seen.node);
                }
            }
        }

        private void countExtenderReplica(String controller, int node, int sign) {
            extenderReplicas.computeIfAbsent(controller, k -> new int[n])[node] += sign;
            if (state.zoneOf(node) >= 0) {
                extenderZoneReplicas.computeIfAbsent(controller, k -> new int[state.zoneCount()])[state.zoneOf(node)] +=
                        sign;
            }
        }

        /** Takes a placed pod off its node, everywhere (the extender has seen it: the cluster is quiet). */
        private void evict(SimPod pod, int node) {
            state.remove(pod, node);
            truth.remove(pod.name());
            extender.remove(pod.name());
            pod.controller().ifPresent(c -> countExtenderReplica(c, node, -1));
        }

        /** The {@code rebalance} rule: evict, let the strategy re-place, until nothing gains enough or K is used. */
        private SimulationResult.Rebalancing rebalance(Map<String, String> nodeOfPod, List<String> unscheduled) {
            if (!unscheduled.isEmpty()) {
                return SimulationResult.Rebalancing.NONE; // a rebalancer waits while a pod is pending
            }
            showExtender(0); // the rebalancer runs on a quiet cluster: the extender has seen every placement
            ExtenderScoring scoring =
                    new ExtenderScoring(extenderMode(strategy.scorer().orElseThrow()), settings.openingCost());
            RebalancePlanner planner = new RebalancePlanner(
                    scoring,
                    extender.weights(),
                    settings.guard(),
                    strategy.has(Strategy.Rule.SPREAD_HARD)
                            ? RebalancePlanner.Spreading.SKEW
                            : RebalancePlanner.Spreading.BOUND,
                    settings.rebalanceMinGain());
            List<RebalancePlanner.Node> plannerNodes = new ArrayList<>(n);
            Map<String, Integer> nodeIndex = new HashMap<>();
            for (int i = 0; i < n; i++) {
                plannerNodes.add(
                        new RebalancePlanner.Node(nodes.get(i), state.node(i).zone()));
                nodeIndex.put(nodes.get(i), i);
            }
            Map<String, SimPod> byName = new HashMap<>();
            workload.pods().forEach(p -> byName.put(p.name(), p));
            RebalancePlanner.Room room = (p, node) -> state.fits(byName.get(p.uid()), nodeIndex.get(node));
            long budget = strategy.evictions() == Strategy.UNLIMITED_EVICTIONS
                    ? (long) EVICTION_SAFETY_FACTOR * workload.size()
                    : strategy.evictions();
            int evictions = 0;
            long predicted = 0;
            long realized = 0;
            int offPrediction = 0;
            int pending = 0;
            // A workload whose replacement went elsewhere than predicted and gained less is not offered again: the
            // model missed something about it (kube-scheduler's own plugins, a filter), and evicting it again
            // would repeat the miss.
            Set<String> heldBack = new java.util.TreeSet<>();
            while (evictions < budget) {
                List<RebalancePlanner.Pod> running = new ArrayList<>(nodeOfPod.size());
                for (SimPod pod : workload.pods()) {
                    String node = nodeOfPod.get(pod.name());
                    if (node != null) {
                        running.add(new RebalancePlanner.Pod(
                                pod.name(),
                                node,
                                pod.syscalls(),
                                pod.controller()
                                                .map(SimPod::controllerKind)
                                                .map(ReplicaSpreadGuard.REPLICA_CONTROLLERS::contains)
                                                .orElse(false)
                                        && !heldBack.contains(pod.controller().get()),
                                pod.guarded() ? pod.controller() : Optional.empty()));
                    }
                }
                var plan = planner.plan(plannerNodes, running, room);
                if (plan.isEmpty()) {
                    break;
                }
                RebalancePlanner.Eviction eviction = plan.get();
                SimPod pod = byName.get(eviction.pod().uid());
                long before = extender.clusterExs();
                evict(pod, nodeIndex.get(eviction.pod().node()));
                nodeOfPod.remove(pod.name());
                evictions++;
                predicted += eviction.gain();
                int count = filter(pod);
                if (count == 0) {
                    unscheduled.add(pod.name());
                    pending++;
                    break; // a pending replacement waits for room; the rebalancer waits for it (no pod pending)
                }
                int chosen = count == 1 ? candidates[0] : choose(pod, count);
                commit(pod, chosen, 0);
                nodeOfPod.put(pod.name(), nodes.get(chosen));
                long gain = before - extender.clusterExs();
                realized += gain;
                if (!eviction.landing().contains(nodes.get(chosen))) {
                    offPrediction++;
                }
                if (gain < eviction.gain()) {
                    heldBack.add(pod.controller().orElseThrow());
                }
            }
            return new SimulationResult.Rebalancing(
                    evictions, predicted, realized, offPrediction, pending, List.copyOf(heldBack));
        }

        /** Fills {@link #candidates} with the nodes that pass every filter; returns how many. */
        private int filter(SimPod pod) {
            boolean hard = pod.guarded() && strategy.has(Strategy.Rule.SPREAD_HARD);
            boolean guard = pod.guarded() && strategy.has(Strategy.Rule.GUARD);
            String controller = pod.controller().orElse(null);
            int hostnameMin = hard ? minReplicasPerNode(controller) : 0;
            int zoneMin = hard ? minReplicasPerZone(controller) : 0;
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (!state.fits(pod, i)) {
                    continue;
                }
                if (hard && !skewAllows(pod, controller, i, hostnameMin, zoneMin)) {
                    continue;
                }
                if (guard && !guardAllows(controller, i)) {
                    continue;
                }
                candidates[count++] = i;
            }
            return count;
        }

        /** PodTopologySpread's filter for the injected DoNotSchedule constraints (hostname; zone when zoned). */
        private boolean skewAllows(SimPod pod, String controller, int node, int hostnameMin, int zoneMin) {
            int maxSkew = settings.guard().maxSkew();
            if (state.replicasOn(node, controller) + 1 - hostnameMin > maxSkew) {
                return false;
            }
            if (state.zoneCount() > 0) {
                int zone = state.zoneOf(node);
                // A node without the zone label does not match the constraint (requireAllTopologies).
                return zone >= 0 && state.replicasInZone(zone, controller) + 1 - zoneMin <= maxSkew;
            }
            return true;
        }

        private int minReplicasPerNode(String controller) {
            int min = Integer.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                min = Math.min(min, state.replicasOn(i, controller));
            }
            return min;
        }

        private int minReplicasPerZone(String controller) {
            int min = Integer.MAX_VALUE;
            for (int z = 0; z < state.zoneCount(); z++) {
                min = Math.min(min, state.replicasInZone(z, controller));
            }
            return min == Integer.MAX_VALUE ? 0 : min;
        }

        /** The extender's guard, from the replica counts the extender has seen. */
        private boolean guardAllows(String controller, int node) {
            int[] seen = extenderReplicas.getOrDefault(controller, new int[n]);
            int r = replicas.get(controller);
            ReplicaSpreadGuard guard = settings.guard();
            if (!guard.allows(seen[node], r, n)) {
                return false;
            }
            if (state.zoneCount() > 0 && state.zoneOf(node) >= 0) {
                int[] inZones = extenderZoneReplicas.get(controller);
                int inZone = inZones == null ? 0 : inZones[state.zoneOf(node)];
                return guard.allows(inZone, r, state.zoneCount());
            }
            return true;
        }

        private int choose(SimPod pod, int count) {
            long[] total = new long[count];
            int[] extenderScores = null;
            if (strategy.scorer().isPresent()) {
                candidateNames.clear();
                for (int j = 0; j < count; j++) {
                    candidateNames.add(nodes.get(candidates[j]));
                }
                extenderScores = extenderScores(strategy.scorer().get(), pod.syscalls());
                if (planning != null) {
                    extenderScores = PlacementPlanner.follow(extenderScores, candidateNames, planning.nodesFor(pod));
                }
                noteExtenderTies(extenderScores);
            }
            switch (strategy.base()) {
                case SPREAD -> {
                    for (int j = 0; j < count; j++) {
                        total[j] = -state.pods(candidates[j]);
                    }
                }
                case RANDOM -> {
                    // every feasible node ties
                }
                case EXTENDER -> {
                    for (int j = 0; j < count; j++) {
                        total[j] = extenderScores[j];
                    }
                }
                case KUBE -> {
                    total = kube.scores(
                            pod,
                            candidates,
                            count,
                            spreadConstraints(pod),
                            strategy.has(Strategy.Rule.SPREAD_SOFT) && pod.guarded());
                    if (extenderScores != null) {
                        long scale = (long) strategy.extenderWeight()
                                * (ExsNormalizer.MAX_NODE_SCORE / ExsNormalizer.MAX_EXTENDER_PRIORITY);
                        for (int j = 0; j < count; j++) {
                            total[j] += extenderScores[j] * scale;
                        }
                    }
                }
                default -> throw new IllegalStateException(strategy.base().name());
            }
            int best = selectHost(total);
            noteOpenedBesideIdentical(pod, count, best);
            return best;
        }

        /** kube-scheduler's selectHost: the highest total, ties uniformly at random (reservoir sampling). */
        private int selectHost(long[] total) {
            long max = Long.MIN_VALUE;
            int tied = 0;
            int chosen = -1;
            for (int j = 0; j < total.length; j++) {
                if (total[j] > max) {
                    max = total[j];
                    tied = 1;
                    chosen = candidates[j];
                } else if (total[j] == max && random.nextInt(++tied) == 0) {
                    chosen = candidates[j];
                }
            }
            if (tied > 1) {
                tiedPods++;
            }
            return chosen;
        }

        /**
         * The {@code plan} rule: the extender knows a workload's demand (its pods still to come and what they allow)
         * from the moment its controller exists, modelled as {@code planLookahead} arrivals before its first pod
         * ({@link Settings#PLAN_KNOWS_ALL}: from the start); a bare pod only when it arrives. The plan is made again
         * when the known demand grows, when a pod lands off the plan, or when the plan holds no candidate for the pod.
         * Like the extender's score, the plan knows only the placements the extender has seen ({@code --extender-lag});
         * a pod placed but not yet seen still counts as demand.
         */
        private final class Planning {
            private final Map<String, Integer> firstArrival = new HashMap<>();
            private final List<PlacementPlanner.Node> plannerNodes = new ArrayList<>(n);
            private final PlacementPlanner planner;
            private final Map<String, String> placedAt = new LinkedHashMap<>();
            private PlacementPlanner.Plan plan = PlacementPlanner.Plan.EMPTY;
            private final Map<String, List<String>> remaining = new HashMap<>();
            private int knownAtPlan = -1;
            private boolean stale = true;
            private int arrival;
            private int plans;

            Planning() {
                List<SimPod> pods = workload.pods();
                for (int i = 0; i < pods.size(); i++) {
                    int at = i;
                    pods.get(i).controller().ifPresent(c -> firstArrival.putIfAbsent(c, at));
                }
                for (int i = 0; i < n; i++) {
                    plannerNodes.add(new PlacementPlanner.Node(
                            nodes.get(i),
                            state.node(i).podLimit(),
                            state.node(i).zone()));
                }
                planner = new PlacementPlanner(
                        extender.weights(), settings.guard(), settings.openingCost(), settings.planSteps());
            }

            /** Before the pod arriving {@code now} is scored among {@code count} candidates: plan if needed. */
            void before(int now, int count) {
                arrival = now;
                List<PlacementPlanner.Demand> demand = demand();
                int known =
                        demand.stream().mapToInt(PlacementPlanner.Demand::count).sum();
                SimPod pod = workload.pods().get(now);
                boolean candidatePlanned = false;
                for (int j = 0; j < count && !candidatePlanned; j++) {
                    candidatePlanned = remaining(pod).contains(nodes.get(candidates[j]));
                }
                if (stale || known != knownAtPlan || !candidatePlanned) {
                    replan(demand, known);
                }
            }

            List<String> nodesFor(SimPod pod) {
                return remaining(pod);
            }

            /**
             * The extender has seen {@code pod} land on {@code node} (with {@code --extender-lag}, some placements
             * later): one of its workload's planned nodes is used, or the plan is off.
             */
            void placed(SimPod pod, int node) {
                placedAt.put(pod.name(), nodes.get(node));
                List<String> left = remaining.get(workloadOf(pod));
                if (left == null || left.isEmpty()) {
                    stale = true;
                    return;
                }
                if (!left.remove(nodes.get(node))) {
                    left.remove(left.size() - 1);
                    stale = true;
                }
                knownAtPlan--;
            }

            private List<String> remaining(SimPod pod) {
                return remaining.getOrDefault(workloadOf(pod), List.of());
            }

            private String workloadOf(SimPod pod) {
                return pod.controller().orElse(pod.name());
            }

            private boolean known(SimPod pod) {
                int horizon = settings.planLookahead() == Settings.PLAN_KNOWS_ALL
                        ? Integer.MAX_VALUE
                        : arrival + settings.planLookahead();
                return pod.controller().isPresent()
                        ? firstArrival.get(pod.controller().get()) <= horizon
                        : workload.pods().indexOf(pod) <= arrival;
            }

            /** The known pods not yet placed, per workload, in arrival order. */
            private List<PlacementPlanner.Demand> demand() {
                Map<String, int[]> counts = new LinkedHashMap<>();
                Map<String, SimPod> sample = new HashMap<>();
                for (SimPod pod : workload.pods()) {
                    if (!placedAt.containsKey(pod.name()) && known(pod)) {
                        counts.computeIfAbsent(workloadOf(pod), k -> new int[1])[0]++;
                        sample.putIfAbsent(workloadOf(pod), pod);
                    }
                }
                List<PlacementPlanner.Demand> demand = new ArrayList<>(counts.size());
                counts.forEach((w, c) -> demand.add(new PlacementPlanner.Demand(
                        w, sample.get(w).syscalls(), c[0], sample.get(w).guarded())));
                return demand;
            }

            private void replan(List<PlacementPlanner.Demand> demand, int known) {
                List<PlacementPlanner.Running> running = new ArrayList<>(placedAt.size());
                Map<String, SimPod> byName = new HashMap<>();
                workload.pods().forEach(p -> byName.put(p.name(), p));
                placedAt.forEach((name, node) -> {
                    SimPod pod = byName.get(name);
                    running.add(new PlacementPlanner.Running(
                            node, pod.syscalls(), pod.guarded() ? pod.controller() : Optional.empty()));
                });
                plan = planner.plan(plannerNodes, running, demand, plan, strategy.seed() * 31 + plans++);
                remaining.clear();
                plan.nodesByWorkload().forEach((w, planned) -> remaining.put(w, new ArrayList<>(planned)));
                knownAtPlan = known;
                stale = false;
            }
        }

        private int[] extenderScores(Strategy.Scorer scorer, SyscallSet incoming) {
            return new ExtenderScoring(extenderMode(scorer), settings.openingCost())
                    .scores(extender, candidateNames, incoming);
        }

        private static ExtenderScoring.Mode extenderMode(Strategy.Scorer scorer) {
            return switch (scorer) {
                case EXS -> ExtenderScoring.Mode.UPSTREAM;
                case MARGINAL -> ExtenderScoring.Mode.MARGINAL;
            };
        }

        /** The PodTopologySpread score's soft constraints for the pod (empty: the plugin does not score it). */
        private List<KubeSchedulerModel.SoftConstraint> spreadConstraints(SimPod pod) {
            boolean zoned = state.zoneCount() > 0;
            if (pod.guarded() && strategy.has(Strategy.Rule.SPREAD_SOFT)) {
                int skew = settings.guard().maxSkew();
                return zoned
                        ? List.of(
                                new KubeSchedulerModel.SoftConstraint(false, skew),
                                new KubeSchedulerModel.SoftConstraint(true, skew))
                        : List.of(new KubeSchedulerModel.SoftConstraint(false, skew));
            }
            if (pod.guarded() && strategy.has(Strategy.Rule.SPREAD_HARD)) {
                return List.of(); // only DoNotSchedule constraints: no score, and no system defaults either
            }
            if (!pod.controller()
                    .map(SimPod::controllerKind)
                    .map(ReplicaSpreadGuard.REPLICA_CONTROLLERS::contains)
                    .orElse(false)) {
                return List.of();
            }
            return List.of(
                    new KubeSchedulerModel.SoftConstraint(true, KubeSchedulerModel.SYSTEM_DEFAULT_ZONE_SKEW),
                    new KubeSchedulerModel.SoftConstraint(false, KubeSchedulerModel.SYSTEM_DEFAULT_HOSTNAME_SKEW));
        }

        private void noteExtenderTies(int[] scores) {
            int max = -1;
            int atMax = 0;
            for (int score : scores) {
                if (score > max) {
                    max = score;
                    atMax = 1;
                } else if (score == max) {
                    atMax++;
                }
            }
            if (atMax > 1) {
                extenderTopTies++;
                extenderTopTieSizes.add(atMax);
            }
        }

        private void noteOpenedBesideIdentical(SimPod pod, int count, int chosen) {
            if (state.pods(chosen) != 0) {
                return;
            }
            for (int j = 0; j < count; j++) {
                int node = candidates[j];
                if (state.pods(node) > 0 && identicalPodsOnly(node, pod.syscalls())) {
                    openedBesideIdentical++;
                    return;
                }
            }
        }

        private boolean identicalPodsOnly(int node, SyscallSet set) {
            return truth.rawScore(nodes.get(node), set) == 0;
        }
    }
}
