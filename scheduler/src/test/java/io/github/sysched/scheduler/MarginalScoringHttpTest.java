package io.github.sysched.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.scoring.ExtenderScoring;
import io.github.sysched.scoring.MarginalExs;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The extender's {@code /prioritize} over HTTP answers exactly {@link MarginalExs} (the simulator's score) for the
 * same node states, with the configured opening cost, and the seed demo still places nginx1+nginx2 | redis1+memcached1
 * with it.
 */
class MarginalScoringHttpTest {

    private static final List<String> NODES = List.of("n1", "n2", "n3", "n4", "n5", "n6");

    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        server = Harness.newServer();
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    private static SyscallSet randomSet(List<String> names, Random random) {
        Set<String> set = new HashSet<>();
        int size = 1 + random.nextInt(25);
        for (int i = 0; i < size; i++) {
            set.add(names.get(random.nextInt(names.size())));
        }
        return SyscallSet.of(set);
    }

    private static List<Integer> prioritize(Harness harness, Pod pod, List<String> nodes, boolean nodeNames) {
        JsonNode answer = harness.postJson(
                "/prioritize", nodeNames ? Harness.argsWithNodeNames(pod, nodes) : Harness.argsWithNodes(pod, nodes));
        List<Integer> scores = new ArrayList<>();
        for (int i = 0; i < answer.size(); i++) {
            assertThat(answer.get(i).get("Host").asString()).isEqualTo(nodes.get(i));
            scores.add(answer.get(i).get("Score").asInt());
        }
        return scores;
    }

    private static List<Integer> list(int[] scores) {
        return java.util.Arrays.stream(scores).boxed().toList();
    }

    @Test
    void prioritizeAnswersMarginalExsForTheSameNodeStates() {
        List<String> names = SyscallTable.x86_64().allSyscalls().names().subList(0, 40);
        Random random = new Random(15);
        ExsEngine oracle = new ExsEngine();
        try (Harness harness = Harness.start(client, "sysched.scheduler.scoring.opening-cost=7")) {
            int pod = 0;
            for (int round = 0; round < 6; round++) {
                // a few more pods on random nodes (n6 stays empty), then the same questions to both
                for (int p = 0; p < 3; p++) {
                    SyscallSet set = randomSet(names, random);
                    String node = NODES.get(random.nextInt(NODES.size() - 1));
                    harness.bindInMock(harness.create(Harness.pod("p" + pod, set)), node);
                    oracle.place("p" + pod++, node, set);
                }
                for (int q = 0; q < 4; q++) {
                    SyscallSet incoming = randomSet(names, random);
                    int[] expected = MarginalExs.extenderScores(oracle, NODES, incoming, 7);
                    Pod asked = Harness.pod("incoming-" + round + "-" + q, incoming);
                    assertThat(prioritize(harness, asked, NODES, q % 2 == 0)).containsExactlyElementsOf(list(expected));
                    List<String> some = NODES.subList(q, NODES.size());
                    assertThat(prioritize(harness, asked, some, true))
                            .as("levels over the candidates sent")
                            .containsExactlyElementsOf(list(MarginalExs.extenderScores(oracle, some, incoming, 7)));
                }
            }
            assertThat(harness.engine().clusterExs()).isEqualTo(oracle.clusterExs());
        }
    }

    @Test
    void upstreamModeAnswersTheNormalizedExsOfTheSameStates() {
        SyscallSet small = SyscallSet.of("read", "write");
        SyscallSet wide = SyscallSet.of("read", "write", "openat", "mmap", "close");
        try (Harness harness = Harness.start(client, "sysched.scheduler.scoring.mode=upstream")) {
            harness.bindInMock(harness.create(Harness.pod("a", small)), "n1");
            harness.bindInMock(harness.create(Harness.pod("b", wide)), "n2");
            ExsEngine oracle = new ExsEngine();
            oracle.place("a", "n1", small);
            oracle.place("b", "n2", wide);
            List<String> nodes = List.of("n1", "n2", "n3");
            int[] expected = new ExtenderScoring(ExtenderScoring.Mode.UPSTREAM, 0).scores(oracle, nodes, small);
            assertThat(expected).containsExactly(10, 0, 10);
            assertThat(prioritize(harness, Harness.pod("incoming", small), nodes, true))
                    .containsExactlyElementsOf(list(expected));
        }
    }

    @Test
    void theSeedDemoPlacesAsUpstreamWithTheMarginalScore() {
        SyscallSet nginx = Harness.profileSet("nginx");
        SyscallSet redis = Harness.profileSet("redis");
        SyscallSet memcached = Harness.profileSet("memcached");
        List<String> nodes = List.of("worker-a", "worker-b");
        try (Harness harness = Harness.start(client)) {
            // nginx1: both empty (opening cost 20 each): a tie, the first is taken
            assertThat(prioritize(harness, Harness.pod("nginx1", nginx), nodes, true))
                    .containsExactly(10, 10);
            harness.bindInMock(harness.create(Harness.pod("nginx1", nginx)), "worker-a");
            // redis1: adds 26 next to nginx1, more than the opening cost of the empty node
            assertThat(prioritize(harness, Harness.pod("redis1", redis), nodes, true))
                    .containsExactly(9, 10);
            harness.bindInMock(harness.create(Harness.pod("redis1", redis)), "worker-b");
            // nginx2: adds 0 next to nginx1, 26 next to redis1
            assertThat(prioritize(harness, Harness.pod("nginx2", nginx), nodes, true))
                    .containsExactly(10, 9);
            harness.bindInMock(harness.create(Harness.pod("nginx2", nginx)), "worker-a");
            // memcached1: adds 66 next to the nginx pair, 47 next to redis1
            assertThat(harness.engine().marginalScores(nodes, memcached)).containsExactly(66L, 47L);
            assertThat(prioritize(harness, Harness.pod("memcached1", memcached), nodes, true))
                    .containsExactly(9, 10);
            harness.bindInMock(harness.create(Harness.pod("memcached1", memcached)), "worker-b");
            assertThat(harness.engine().podsPerNode())
                    .containsEntry("worker-a", 2)
                    .containsEntry("worker-b", 2);
            assertThat(harness.engine().clusterExs()).isEqualTo(47);
        }
    }
}
