package io.github.sysched.demo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.annotation.SyscallAnnotation;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.simulation.ClusterSpec;
import io.github.sysched.simulation.PlacementSimulator;
import io.github.sysched.simulation.SimPod;
import io.github.sysched.simulation.SimulationResult;
import io.github.sysched.simulation.Strategy;
import io.github.sysched.simulation.Workload;
import io.github.sysched.syscall.SyscallSet;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * The README's main job: the SySched demo through the real services on an embedded API server.
 *
 * <p>Each pod of each workload goes the way a real cluster sends it: as the ReplicaSet controller shapes it,
 * through the mutating webhook (AdmissionReview over HTTPS), stored in the API, then filtered and prioritized
 * by the extender (HTTP JSON, as kube-scheduler calls it) and bound to the best-scored node; the extender
 * learns each placement from its pod informer, and its cluster-ExS gauge is checked against the table. The same pods are
 * then placed by a spreading baseline (fewest pods first) for comparison.
 */
public final class DemoMain {

    static final String CONTROLLER = "system:serviceaccount:kube-system:replicaset-controller";
    static final int SPREADING_RUNS = 1000;

    private DemoMain() {}

    public static void main(String[] args) {
        // System.exit: the embedded API server's threads would keep the JVM alive
        System.exit(execute(System.out, System.err, args));
    }

    /** Runs the demo as {@code java -jar sysched-demo.jar args} does; returns its exit status. */
    static int execute(PrintStream out, PrintStream err, String... args) {
        DemoOptions options = new DemoOptions();
        CommandLine commandLine =
                new CommandLine(options).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        commandLine.setExecutionStrategy(parsed -> {
            Integer help = CommandLine.executeHelpRequest(parsed);
            return help != null ? help : runDemo(options, out, err);
        });
        return commandLine.execute(args);
    }

    private static int runDemo(DemoOptions options, PrintStream out, PrintStream err) {
        try {
            DemoResult result = run(options, out);
            return result.seedPlacementHolds().orElse(true) ? 0 : 1;
        } catch (Exception e) {
            err.println("demo failed: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    /** The outcome: the placement through the services, and the spreading baseline over the same pods. */
    record DemoResult(
            PlacementReport exs,
            PlacementReport spreading,
            java.util.LongSummaryStatistics spreadingOverSeeds,
            boolean builtIn) {

        /** For the built-in SySched demo: nginx1+nginx2 share a node and redis1+memcached1 the other. */
        java.util.Optional<Boolean> seedPlacementHolds() {
            if (!builtIn) {
                return java.util.Optional.empty();
            }
            Set<Set<String>> groups = new LinkedHashSet<>();
            exs.workloadsByNode().values().forEach(w -> groups.add(Set.copyOf(w)));
            return java.util.Optional.of(
                    groups.equals(Set.of(Set.of("nginx1", "nginx2"), Set.of("redis1", "memcached1"))));
        }
    }

    static DemoResult run(DemoOptions options, PrintStream out) throws Exception {
        DemoManifests manifests = options.manifests() == null
                ? DemoManifests.builtIn()
                : DemoManifests.fromDirectory(options.manifests());
        List<String> nodes = options.nodes();
        PlacementReport placed;
        try (EmbeddedApiServer api = new EmbeddedApiServer()) {
            log(options, out, "embedded Kubernetes API at " + api.url());
            prepareCluster(api, manifests, nodes);
            try (Services services = Services.start(api, options.quiet() ? null : out)) {
                placed = placeThroughServices(api, services, manifests, nodes, options, out);
            }
        }
        PlacementReport spreading = spreadingBaseline(placed, nodes, options.seed());
        java.util.LongSummaryStatistics overSeeds = spreadingOverSeeds(placed, nodes, SPREADING_RUNS);
        placed.print(out);
        spreading.print(out);
        out.println();
        out.printf(
                "cluster ExS after all placements: ExS placement %d; spreading %d with seed %d, "
                        + "over %d seeds mean %.1f (min %d, max %d)%n",
                placed.finalClusterExs(),
                spreading.finalClusterExs(),
                options.seed(),
                overSeeds.getCount(),
                overSeeds.getAverage(),
                overSeeds.getMin(),
                overSeeds.getMax());
        DemoResult result = new DemoResult(placed, spreading, overSeeds, options.manifests() == null);
        result.seedPlacementHolds()
                .ifPresent(holds -> out.println(
                        holds
                                ? "seed demo placement reproduced: nginx1+nginx2 on one node, redis1+memcached1 on the other"
                                : "seed demo placement NOT reproduced"));
        return result;
    }

    private static GenericKubernetesResource installedAsSpoReports(GenericKubernetesResource profile) {
        if (profile.getAdditionalProperties().get("status") == null) {
            profile.setAdditionalProperty("status", Map.of("status", "Installed"));
        }
        return profile;
    }

    static void prepareCluster(EmbeddedApiServer api, DemoManifests manifests, List<String> nodes) {
        for (String crd : List.of("spo-crds/seccompprofile.yaml", "spo-crds/profilebinding.yaml")) {
            try (InputStream in = DemoMain.class.getClassLoader().getResourceAsStream(crd)) {
                api.installCustomResourceDefinition(in);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        api.ensureNamespace("default");
        manifests.namespaces().forEach(api::applyNamespace);
        Set<String> namespaces = new LinkedHashSet<>();
        manifests.bindings().forEach(b -> namespaces.add(namespaceOf(b)));
        manifests.workloads().forEach(w -> namespaces.add(namespaceOf(w)));
        namespaces.forEach(api::ensureNamespace);
        // The demo plays SPO's part: a profile without a status is reported Installed, as SPO does once every
        // node has its file (otherwise the webhook rightly warns that SPO would not bind it yet).
        manifests.profiles().forEach(profile -> api.create(installedAsSpoReports(profile)));
        manifests.bindings().forEach(api::create);
        nodes.forEach(api::createNode);
    }

    private static PlacementReport placeThroughServices(
            EmbeddedApiServer api,
            Services services,
            DemoManifests manifests,
            List<String> nodes,
            DemoOptions options,
            PrintStream out)
            throws Exception {
        ExsEngine mirror = new ExsEngine();
        List<PlacementStep> steps = new ArrayList<>();
        int sequence = 0;
        for (Deployment deployment : manifests.workloads()) {
            for (Pod pod : WorkloadPods.podsOf(deployment)) {
                AdmissionClient.Admitted admitted = services.admission().mutate(pod, CONTROLLER);
                admitted.warnings().forEach(w -> log(options, out, "webhook warning: " + w));
                Pod created = api.createObject(WorkloadPods.named(admitted.pod(), sequence++));
                SyscallSet syscalls = syscallsOf(created);

                ExtenderClient.FilterResult filtered = services.extender().filter(created, nodes);
                if (!filtered.error().isEmpty() || filtered.nodeNames().isEmpty()) {
                    throw new IllegalStateException("no feasible node for "
                            + created.getMetadata().getName() + ": " + filtered.failedNodes() + " " + filtered.error());
                }
                Map<String, Integer> scores = services.extender().prioritize(created, filtered.nodeNames());
                String chosen = best(filtered.nodeNames(), scores);
                Map<String, Long> raw = new LinkedHashMap<>();
                nodes.forEach(n -> raw.put(n, mirror.rawScore(n, syscalls)));

                // kube-scheduler's default binder: the pods/binding subresource sets spec.nodeName. The embedded
                // API cannot serve that subresource, so the demo sets the field the same way the API server would.
                api.client()
                        .pods()
                        .inNamespace(created.getMetadata().getNamespace())
                        .withName(created.getMetadata().getName())
                        .edit(p -> {
                            p.getSpec().setNodeName(chosen);
                            return p;
                        });
                services.awaitTrackedPods(steps.size() + 1);
                mirror.place(created.getMetadata().getUid(), chosen, syscalls);
                long extenderClusterExs = Math.round(services.schedulerGauge("sysched_cluster_exs"));
                if (extenderClusterExs != mirror.clusterExs()) {
                    throw new IllegalStateException("the extender reports cluster ExS " + extenderClusterExs
                            + " but the placements so far give " + mirror.clusterExs());
                }
                steps.add(new PlacementStep(
                        deployment.getMetadata().getName(),
                        created.getMetadata().getName(),
                        chosen,
                        raw,
                        scores,
                        mirror.clusterExs(),
                        syscalls));
                log(
                        options,
                        out,
                        String.format(
                                "placed %s on %s (extender scores %s)",
                                created.getMetadata().getName(), chosen, scores));
            }
        }
        return new PlacementReport("ExS placement (webhook over HTTPS + scheduler extender over HTTP)", nodes, steps);
    }

    /** The highest extender score; ties go to the first node in the order kube-scheduler listed them. */
    static String best(List<String> candidates, Map<String, Integer> scores) {
        String best = null;
        int bestScore = Integer.MIN_VALUE;
        for (String node : candidates) {
            int score = scores.getOrDefault(node, 0);
            if (score > bestScore) {
                best = node;
                bestScore = score;
            }
        }
        return best;
    }

    /**
     * The same pods, in the same order, placed by the simulator's spreading strategy (fewest pods first, ties
     * broken at random as kube-scheduler breaks ties between equally scored nodes), then replayed to show the
     * raw ExS each node had when each pod arrived.
     */
    static PlacementReport spreadingBaseline(PlacementReport placed, List<String> nodes, long seed) {
        List<SimPod> pods = placed.steps().stream()
                .map(step -> new SimPod(step.pod(), step.workload(), step.syscalls()))
                .toList();
        SimulationResult spread = new PlacementSimulator(new ClusterSpec(nodes, ClusterSpec.UNLIMITED))
                .run(new Workload(pods), Strategy.spread(seed), SyscallSet.empty());
        ExsEngine engine = new ExsEngine();
        List<PlacementStep> steps = new ArrayList<>();
        for (PlacementStep step : placed.steps()) {
            Map<String, Long> raw = new LinkedHashMap<>();
            for (String node : nodes) {
                raw.put(node, engine.rawScore(node, step.syscalls()));
            }
            String chosen = spread.nodeOfPod().get(step.pod());
            engine.place(step.pod(), chosen, step.syscalls());
            steps.add(new PlacementStep(
                    step.workload(), step.pod(), chosen, raw, Map.of(), engine.clusterExs(), step.syscalls()));
        }
        return new PlacementReport(
                "spreading baseline (fewest pods first, random ties; seed " + seed + ")", nodes, steps);
    }

    /** Final cluster ExS of the spreading baseline over many tie-breaking seeds. */
    static java.util.LongSummaryStatistics spreadingOverSeeds(PlacementReport placed, List<String> nodes, int runs) {
        java.util.LongSummaryStatistics statistics = new java.util.LongSummaryStatistics();
        for (int seed = 1; seed <= runs; seed++) {
            statistics.accept(spreadingBaseline(placed, nodes, seed).finalClusterExs());
        }
        return statistics;
    }

    static SyscallSet syscallsOf(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(PlacementAnnotations.SYSCALLS);
        if (value == null) {
            throw new IllegalStateException("the webhook did not stamp " + PlacementAnnotations.SYSCALLS + " on "
                    + pod.getMetadata().getName());
        }
        return SyscallAnnotation.decode(value).syscalls();
    }

    private static String namespaceOf(HasMetadata object) {
        String namespace = object.getMetadata().getNamespace();
        return namespace == null || namespace.isEmpty() ? "default" : namespace;
    }

    static void log(DemoOptions options, PrintStream out, String message) {
        if (!options.quiet()) {
            out.println("[demo] " + message);
        }
    }
}
