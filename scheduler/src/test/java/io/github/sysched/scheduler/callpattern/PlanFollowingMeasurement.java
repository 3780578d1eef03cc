package io.github.sysched.scheduler.callpattern;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.scheduler.Harness;
import io.github.sysched.scheduler.plan.DemandPlanner;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.simulation.SimPod;
import io.github.sysched.simulation.Workload;
import io.github.sysched.simulation.WorkloadFile;
import io.github.sysched.simulation.WorkloadLoader;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import io.github.sysched.testsupport.TestNodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A measurement, run by hand: the simulator's example ({@code examples/simulation}, 234 pods of 48 images on 50 nodes
 * of 8 pods, rollout order of 5 ReplicaSet workers) through the shipped extender called as kube-scheduler calls it
 * ({@link KubeSchedulerLoop}: asynchronous binding through {@code /bind}, DoNotSchedule hostname spread maxSkew 1 per
 * ReplicaSet, the 8-pod limit), configured as the chart (marginal, opening cost 20, the CVE weights, extender weight
 * 3), with the plan of the known demand off and on. Each image is a ReplicaSet whose template names a SeccompProfile
 * holding the image's allowed set; the ReplicaSets exist, and with the plan on the planner has planned all their
 * pods, before the first pod is created. Prints lines prefixed {@code plan-following:}.
 * <pre>
 * nice -n 10 ./mvnw -B -q -pl scheduler -am verify -Dtest=PlanFollowingMeasurement \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dplanfollowing.seeds=1,2,3 -Dplanfollowing.max-bind-delay-ms=10
 * </pre>
 */
class PlanFollowingMeasurement {

    private static final Path EXAMPLE = Path.of("../examples/simulation");
    private static final String OURS = "sysched-scheduler";
    private static final int WEIGHT = 3; // the chart's secondScheduler.extender.weight
    private static final long NODE_CPU_MILLI = 4000; // the simulator's default allocatable
    private static final long POD_CPU_MILLI = 100; // kube-scheduler's non-zero default for a pod without requests

    @Test
    @EnabledIfSystemProperty(named = "planfollowing.seeds", matches = "\\d+(,\\d+)*")
    void theExampleWithThePlanOffAndOn() throws IOException {
        WorkloadFile file = WorkloadLoader.load(EXAMPLE.resolve("workload.txt"));
        Path weightsFile = EXAMPLE.resolve("cve-weights.txt");
        SyscallWeights weights = WorkloadLoader.readWeights(weightsFile);
        Workload rollout = file.listed().rolledOut(5);
        int nodes = file.nodes().orElseThrow();
        int podsPerNode = file.podsPerNode().orElseThrow();
        Duration maxDelay = CallPatternRun.durationProperty("planfollowing.max-bind-delay-ms", 10);
        KubeSchedulerLoop.Pace pace = KubeSchedulerLoop.Pace.valueOf(System.getProperty("planfollowing.pace", "BURST"));
        for (String seedText : System.getProperty("planfollowing.seeds").split(",")) {
            long seed = Long.parseLong(seedText);
            for (String mode :
                    System.getProperty("planfollowing.plan", "off,on").split(",")) {
                boolean plan = "on".equals(mode);
                Figures figures =
                        run(file, rollout, weightsFile, weights, nodes, podsPerNode, plan, seed, maxDelay, pace);
                System.out.printf(
                        "plan-following: %s seed %d plan %-3s cluster ExS %d, weighted %d, unscheduled %d, failed "
                                + "attempts %d, followed %d, plan ready before the first pod: %s%n",
                        pace,
                        seed,
                        plan ? "on" : "off",
                        figures.exs,
                        figures.weightedExs,
                        figures.unscheduled,
                        figures.failedAttempts,
                        figures.followed,
                        figures.planReady);
                assertThat(figures.unscheduled).as("pods left unscheduled").isZero();
            }
        }
    }

    private record Figures(
            long exs, long weightedExs, int unscheduled, int failedAttempts, long followed, String planReady) {}

    private static Figures run(
            WorkloadFile file,
            Workload rollout,
            Path weightsFile,
            SyscallWeights weights,
            int nodeCount,
            int podsPerNode,
            boolean plan,
            long seed,
            Duration maxDelay,
            KubeSchedulerLoop.Pace pace)
            throws IOException {
        KubernetesMockServer server = Harness.newServer(new BindingCrudDispatcher());
        KubernetesClient client = server.createClient();
        try {
            List<KubeSchedulerLoop.Node> nodes = new ArrayList<>();
            for (int i = 1; i <= nodeCount; i++) {
                String name = String.format("node-%02d", i);
                client.nodes()
                        .resource(new NodeBuilder(TestNodes.ready(name))
                                .editStatus()
                                .addToAllocatable("pods", new Quantity(String.valueOf(podsPerNode)))
                                .endStatus()
                                .build())
                        .create();
                nodes.add(new KubeSchedulerLoop.Node(name, NODE_CPU_MILLI, podsPerNode));
            }
            Map<String, String> replicaSetUids = new HashMap<>();
            file.profiles().forEach((image, set) -> {
                String name = objectName(image);
                client.resources(SeccompProfileV1Beta1.class)
                        .inNamespace("default")
                        .resource(Harness.profile(
                                "default", name, null, set.names().toArray(String[]::new)))
                        .create();
                ReplicaSet created = client.apps()
                        .replicaSets()
                        .inNamespace("default")
                        .resource(replicaSet(name, file.replicas().get(image)))
                        .create();
                replicaSetUids.put(image, created.getMetadata().getUid());
            });

            List<String> props = new ArrayList<>(List.of(
                    "sysched.scheduler.spo.scope=namespaced",
                    "sysched.scheduler.scoring.mode=marginal",
                    "sysched.scheduler.scoring.opening-cost=20",
                    "sysched.scheduler.scoring.plan.enabled=" + plan,
                    "sysched.scheduler.bind.enabled=true",
                    "logging.level.io.fabric8.mockwebserver=warn"));
            for (String line : Files.readAllLines(weightsFile)) {
                String[] words = line.replaceAll("#.*", "").trim().split("\\s+");
                if (words.length == 2) {
                    props.add("sysched.scheduler.weights." + words[0] + "=" + words[1]);
                }
            }
            try (Harness harness = Harness.start(client, props.toArray(String[]::new))) {
                String planReady = "n/a";
                Map<String, List<String>> firstPlan = Map.of();
                if (plan) {
                    DemandPlanner planner = harness.bean(DemandPlanner.class);
                    harness.await(
                            "every replica of the example planned",
                            () -> planner.upToDate() && planner.plan().size() == rollout.size());
                    firstPlan = planner.plan().nodesByWorkload();
                    planReady =
                            "yes (" + planner.plan().size() + " pods, " + firstPlanExs(firstPlan, file, weights) + ")";
                    if (Boolean.getBoolean("planfollowing.freeze")) {
                        // a diagnosis: no plan after the first (the background loop stopped)
                        harness.context()
                                .getBean("planningLoop", org.springframework.context.SmartLifecycle.class)
                                .stop();
                        planReady += ", frozen";
                    }
                }
                List<KubeSchedulerLoop.QueuedPod> queue = new ArrayList<>();
                Map<String, SyscallSet> sets = new HashMap<>();
                for (SimPod pod : rollout.pods()) {
                    String image = pod.profile();
                    Pod created = harness.create(Harness.replica(
                            objectName(pod.name()),
                            pod.syscalls(),
                            objectName(image),
                            replicaSetUids.get(image),
                            OURS));
                    sets.put(created.getMetadata().getUid(), pod.syscalls());
                    queue.add(new KubeSchedulerLoop.QueuedPod(created, POD_CPU_MILLI));
                }
                KubeSchedulerLoop.Result result;
                int belowTop;
                try (KubeSchedulerLoop loop = new KubeSchedulerLoop(
                        new KubeSchedulerLoop.Settings(false, true, WEIGHT, Duration.ZERO, maxDelay),
                        harness.port(),
                        client,
                        KubeSchedulerLoop.countedAndSettled(harness),
                        PlanFollowingMeasurement::replicaSetOf)) {
                    result = loop.run(nodes, queue, pace, new Random(seed));
                    belowTop = loop.belowExtendersTop();
                }
                ExsEngine plain = new ExsEngine();
                ExsEngine weighted = new ExsEngine(weights);
                result.placements().forEach((uid, node) -> {
                    plain.place(uid, node, sets.get(uid));
                    weighted.place(uid, node, sets.get(uid));
                });
                Map<String, String> workloadOfUid = new HashMap<>();
                for (KubeSchedulerLoop.QueuedPod pod : queue) {
                    workloadOfUid.put(
                            pod.uid(),
                            "ReplicaSet default/"
                                    + pod.pod().getMetadata().getLabels().get("app"));
                }
                Map<String, List<String>> unused = new HashMap<>();
                firstPlan.forEach((w, planned) -> unused.put(w, new ArrayList<>(planned)));
                int onFirstPlan = 0;
                for (var placed : result.placements().entrySet()) {
                    if (unused.getOrDefault(workloadOfUid.get(placed.getKey()), new ArrayList<>())
                            .remove(placed.getValue())) {
                        onFirstPlan++;
                    }
                }
                planReady += ", pods on a node the first plan held: " + onFirstPlan
                        + ", hosts below the extender's top score: " + belowTop;
                if (plan) {
                    planReady += ", plans made: "
                            + (long) harness.bean(io.micrometer.core.instrument.MeterRegistry.class)
                                    .get("sysched.plan.plans")
                                    .counter()
                                    .count();
                }
                long followed = plan
                        ? (long) harness.bean(io.micrometer.core.instrument.MeterRegistry.class)
                                .get("sysched.plan.followed")
                                .counter()
                                .count()
                        : 0;
                return new Figures(
                        plain.clusterExs(),
                        weighted.clusterExs(),
                        result.unscheduled().size(),
                        result.failedAttempts(),
                        followed,
                        planReady);
            }
        } finally {
            client.close();
            server.destroy();
        }
    }

    /** The cluster ExS (plain / weighted) of the first plan: every replica on a node the plan held for it. */
    private static String firstPlanExs(Map<String, List<String>> planned, WorkloadFile file, SyscallWeights weights) {
        ExsEngine plain = new ExsEngine();
        ExsEngine weighted = new ExsEngine(weights);
        file.profiles().forEach((image, set) -> {
            List<String> nodes = planned.getOrDefault("ReplicaSet default/" + objectName(image), List.of());
            for (int i = 0; i < nodes.size(); i++) {
                plain.place(image + "-" + i, nodes.get(i), set);
                weighted.place(image + "-" + i, nodes.get(i), set);
            }
        });
        return "its cluster ExS " + plain.clusterExs() + ", weighted " + weighted.clusterExs();
    }

    /** The pod's controlling ReplicaSet: the workload its injected DoNotSchedule hostname constraint counts. */
    static Optional<String> replicaSetOf(Pod pod) {
        List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
        return owners == null
                ? Optional.empty()
                : owners.stream()
                        .filter(o -> Boolean.TRUE.equals(o.getController()) && "ReplicaSet".equals(o.getKind()))
                        .map(OwnerReference::getUid)
                        .findFirst();
    }

    static String objectName(String image) {
        return image.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    }

    static ReplicaSet replicaSet(String name, int replicas) {
        return Harness.replicaSet(name, replicas, "operator/default/" + name + ".json", OURS);
    }
}
