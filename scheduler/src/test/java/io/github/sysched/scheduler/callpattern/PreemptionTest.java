package io.github.sysched.scheduler.callpattern;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.scheduler.Harness;
import io.github.sysched.syscall.SyscallSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Issue 13.5: kube-scheduler's preemption (DefaultPreemption, as v1.26 runs it) against the extender over HTTP, in
 * IPP {@code fast} mode. A high-priority pod of class {@code b} finds every node full of low-priority pods of class
 * {@code a}. kube-scheduler's dry run picks, per node, the fewest lower-priority victims that free the resources
 * (remove all, then reprieve by priority while the pod still fits): it knows nothing of classes.
 * <ul>
 *   <li>Isolation cannot break either way: after the evictions the pod goes through a new scheduling cycle, whose
 *       {@code /filter} still refuses a node that hosts class {@code a} (terminating victims stay counted until they
 *       are gone), and {@code /bind} refuses it again.</li>
 *   <li>Without {@code preemptVerb} the cost is evictions for nothing: kube-scheduler evicts one {@code a} pod on a
 *       node where another stays, the pod fails at {@code /filter}, and it preempts again on the next node.</li>
 *   <li>With {@code preemptVerb} the extender keeps only the nodes where no other class would remain: one eviction,
 *       on the node that then takes the pod.</li>
 * </ul>
 */
class PreemptionTest {

    static final long NODE_CPU = 1000;
    static final int LOW = 0;
    static final int HIGH = 1000;

    /** A pod as kube-scheduler's cache holds it. */
    record Placed(Pod pod, String node, long cpuMilli, int priority) {
        String uid() {
            return pod.getMetadata().getUid();
        }
    }

    @ParameterizedTest(name = "preemptVerb={0}")
    @ValueSource(booleans = {false, true})
    void preemptionNeverCoLocatesClassesAndWithTheVerbEvictsOnlyWhereThePodLands(boolean preemptVerb) {
        KubernetesMockServer server = Harness.newServer();
        KubernetesClient client = server.createClient();
        try (Harness harness = Harness.start(client)) {
            Map<String, Placed> cache = new LinkedHashMap<>(); // kube-scheduler's view: uid -> placed pod
            // n1, n2: two class-a pods each (one eviction frees room, the other stays); n3: one pod, the only useful
            // victim
            place(harness, cache, "a1", "n1", 500);
            place(harness, cache, "a2", "n1", 500);
            place(harness, cache, "a3", "n2", 500);
            place(harness, cache, "a4", "n2", 500);
            place(harness, cache, "a5", "n3", 1000);
            Pod preemptor = harness.create(classed("b1", "b"));

            int evictions = 0;
            String landed = null;
            for (int attempt = 0; attempt < 6 && landed == null; attempt++) {
                List<String> fits = new ArrayList<>();
                for (String node : List.of("n1", "n2", "n3")) {
                    if (used(cache, node) + 500 <= NODE_CPU) {
                        fits.add(node);
                    }
                }
                if (!fits.isEmpty()) {
                    JsonNode filtered = harness.postJson("/filter", Harness.argsWithNodeNames(preemptor, fits));
                    if (filtered.get("NodeNames").size() > 0) {
                        landed = filtered.get("NodeNames").get(0).asString();
                        harness.bindInMock(preemptor, landed);
                        break;
                    }
                }
                // PostFilter: DefaultPreemption's dry run on every node, then the extender, then the best candidate
                Map<String, List<Placed>> candidates = new LinkedHashMap<>();
                for (String node : List.of("n1", "n2", "n3")) {
                    List<Placed> victims = victims(cache, node, 500, HIGH);
                    if (victims != null && !victims.isEmpty()) {
                        candidates.put(node, victims);
                    }
                }
                if (preemptVerb) {
                    candidates.keySet().retainAll(preempt(harness, preemptor, candidates));
                }
                var best = candidates.entrySet().stream()
                        .min(Comparator.comparingInt((Map.Entry<String, List<Placed>> e) ->
                                        e.getValue().size())
                                .thenComparing(Map.Entry::getKey));
                if (best.isEmpty()) {
                    continue; // nothing to preempt: the pod waits (retried on cluster events)
                }
                for (Placed victim : best.get().getValue()) {
                    client.pods()
                            .inNamespace("default")
                            .withName(victim.pod().getMetadata().getName())
                            .delete();
                    cache.remove(victim.uid());
                    harness.await(
                            "victim " + victim.uid() + " gone",
                            () -> harness.engine().nodeOf(victim.uid()).isEmpty());
                    evictions++;
                }
            }

            assertThat(landed).as("the preemptor is scheduled").isEqualTo("n3");
            assertThat(harness.state().ippClassesOn("n3")).containsExactly("b");
            for (String node : List.of("n1", "n2")) {
                assertThat(harness.state().ippClassesOn(node)).as(node).containsExactly("a");
            }
            System.out.printf(
                    "call-pattern: preemption (preemptVerb %s): the class-b pod landed on %s after %d "
                            + "evictions of class-a pods (%d of them on nodes it could not use); no node shared by classes%n",
                    preemptVerb, landed, evictions, evictions - 1);
            assertThat(evictions).as("evictions").isEqualTo(preemptVerb ? 1 : 3);
        } finally {
            client.close();
            server.destroy();
        }
    }

    /** kube-scheduler's SelectVictimsOnNode on CPU: null when even all lower-priority pods do not make room. */
    static List<Placed> victims(Map<String, Placed> cache, String node, long cpu, int priority) {
        List<Placed> lower = cache.values().stream()
                .filter(p -> p.node().equals(node) && p.priority() < priority)
                .sorted(Comparator.comparingInt(Placed::priority).reversed())
                .toList();
        long free = NODE_CPU
                - used(cache, node)
                + lower.stream().mapToLong(Placed::cpuMilli).sum();
        if (free < cpu) {
            return null;
        }
        List<Placed> victims = new ArrayList<>();
        for (Placed pod : lower) { // reprieve the highest priority first, while the preemptor still fits
            if (free - pod.cpuMilli() >= cpu) {
                free -= pod.cpuMilli();
            } else {
                victims.add(pod);
            }
        }
        return victims;
    }

    /** {@code /preempt} as a nodeCacheCapable extender gets it: the kept nodes. */
    static Set<String> preempt(Harness harness, Pod pod, Map<String, List<Placed>> candidates) {
        Map<String, Object> metaVictims = new LinkedHashMap<>();
        candidates.forEach((node, victims) -> metaVictims.put(
                node,
                Map.of("Pods", victims.stream().map(v -> Map.of("UID", v.uid())).toList(), "NumPDBViolations", 0)));
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("Pod", pod);
        args.put("NodeNameToVictims", null);
        args.put("NodeNameToMetaVictims", metaVictims);
        JsonNode result = harness.postJson("/preempt", Harness.JSON.writeValueAsString(args));
        Set<String> kept = new TreeSet<>();
        result.get("NodeNameToMetaVictims").properties().forEach(e -> {
            // kube-scheduler rejects a kept node without victims: they come back as sent
            assertThat(e.getValue().get("Pods"))
                    .hasSize(candidates.get(e.getKey()).size());
            kept.add(e.getKey());
        });
        return kept;
    }

    static long used(Map<String, Placed> cache, String node) {
        return cache.values().stream()
                .filter(p -> p.node().equals(node))
                .mapToLong(Placed::cpuMilli)
                .sum();
    }

    static Pod classed(String name, String ippClass) {
        return Harness.pod(
                name,
                SyscallSet.of("read", "write"),
                Map.of("ipp-class", ippClass),
                Map.of(PlacementAnnotations.IPP_CLASS, ippClass));
    }

    static void place(Harness harness, Map<String, Placed> cache, String name, String node, long cpu) {
        Pod pod = harness.bindInMock(harness.create(classed(name, "a")), node);
        cache.put(pod.getMetadata().getUid(), new Placed(pod, node, cpu, LOW));
    }
}
