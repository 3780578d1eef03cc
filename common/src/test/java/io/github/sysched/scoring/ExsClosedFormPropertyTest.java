package io.github.sysched.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The engine's closed form against a literal transcription of upstream's set arithmetic over strings,
 * on random workloads with placements, moves and removals.
 */
class ExsClosedFormPropertyTest {

    private static final List<String> NAMES = buildNames();

    private static List<String> buildNames() {
        List<String> names = new ArrayList<>(io.github.sysched.syscall.SyscallTable.x86_64()
                .allSyscalls()
                .names()
                .subList(0, 120));
        names.addAll(List.of("procexit", "signaldeliver", "container", "sigreturn", "umount"));
        return names;
    }

    /** Upstream: |U ∖ P| + Σᵢ |(U ∪ P) ∖ Sᵢ|, weighted. */
    static long bruteForce(List<Set<String>> podsOnNode, Set<String> incoming, Map<String, Long> weights) {
        if (podsOnNode.isEmpty()) {
            return 0;
        }
        Set<String> union = new HashSet<>();
        podsOnNode.forEach(union::addAll);
        Set<String> unionWithIncoming = new HashSet<>(union);
        unionWithIncoming.addAll(incoming);
        long total = weigh(minus(union, incoming), weights);
        for (Set<String> pod : podsOnNode) {
            total += weigh(minus(unionWithIncoming, pod), weights);
        }
        return total;
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> result = new HashSet<>(a);
        result.removeAll(b);
        return result;
    }

    private static long weigh(Set<String> names, Map<String, Long> weights) {
        return names.stream().mapToLong(n -> weights.getOrDefault(n, 1L)).sum();
    }

    private static Set<String> randomSet(Random random) {
        Set<String> set = new HashSet<>();
        int size = random.nextInt(60);
        for (int i = 0; i < size; i++) {
            set.add(NAMES.get(random.nextInt(NAMES.size())));
        }
        return set;
    }

    @Test
    void closedFormEqualsBruteForceUnderChurn() {
        Random random = new Random(20231126L);
        Map<String, Long> weights = new HashMap<>();
        weights.put(NAMES.get(3), 7L);
        weights.put("procexit", 3L);
        for (SyscallWeights engineWeights : List.of(SyscallWeights.uniform(), SyscallWeights.of(1, weights))) {
            Map<String, Long> bruteWeights = engineWeights.isUniform() ? Map.of() : weights;
            ExsEngine engine = new ExsEngine(engineWeights);
            Map<String, String> nodeOf = new LinkedHashMap<>();
            Map<String, Set<String>> setOf = new HashMap<>();
            List<String> nodes = List.of("a", "b", "c", "d");
            int checks = 0;
            for (int step = 0; step < 600; step++) {
                int action = random.nextInt(10);
                if (action < 5 || nodeOf.isEmpty()) {
                    String uid = "pod-" + step;
                    Set<String> set = randomSet(random);
                    String node = nodes.get(random.nextInt(nodes.size()));
                    engine.place(uid, node, SyscallSet.of(set));
                    nodeOf.put(uid, node);
                    setOf.put(uid, set);
                } else if (action < 7) {
                    String uid = new ArrayList<>(nodeOf.keySet()).get(random.nextInt(nodeOf.size()));
                    assertThat(engine.remove(uid)).isTrue();
                    nodeOf.remove(uid);
                    setOf.remove(uid);
                } else {
                    String uid = new ArrayList<>(nodeOf.keySet()).get(random.nextInt(nodeOf.size()));
                    String node = nodes.get(random.nextInt(nodes.size()));
                    engine.place(uid, node, SyscallSet.of(setOf.get(uid)));
                    nodeOf.put(uid, node);
                }
                Set<String> incoming = randomSet(random);
                long[] scores = engine.rawScores(nodes, SyscallSet.of(incoming));
                long clusterBrute = 0;
                for (int n = 0; n < nodes.size(); n++) {
                    String node = nodes.get(n);
                    List<Set<String>> pods = new ArrayList<>();
                    nodeOf.forEach((uid, at) -> {
                        if (at.equals(node)) {
                            pods.add(setOf.get(uid));
                        }
                    });
                    assertThat(scores[n])
                            .as("step %d node %s", step, node)
                            .isEqualTo(bruteForce(pods, incoming, bruteWeights));
                    Set<String> union = new HashSet<>();
                    pods.forEach(union::addAll);
                    for (Set<String> pod : pods) {
                        clusterBrute += weigh(minus(union, pod), bruteWeights);
                    }
                    checks++;
                }
                assertThat(engine.clusterExs()).isEqualTo(clusterBrute);
            }
            assertThat(checks).isEqualTo(2400);
        }
    }
}
