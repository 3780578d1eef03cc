package io.github.sysched.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.scoring.NodeSnapshot;
import io.github.sysched.syscall.SyscallSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The SySched seed demo, driven the way kube-scheduler drives the extender: for each pod, POST /filter,
 * POST /prioritize, bind to the top-ranked node (by setting spec.nodeName in the mock API server, as the
 * real binding does), and let the pod informer count it. With {@code scoring.mode=upstream}, so that every score
 * is upstream SySched's figure; the default marginal score on the same demo: {@code MarginalScoringHttpTest}.
 */
class SeedDemoTest {

    private static final String A = "worker-a";
    private static final String B = "worker-b";
    private static final List<String> NODES = List.of(A, B);

    static KubernetesMockServer server;
    static KubernetesClient client;
    static Harness harness;

    @BeforeAll
    static void start() {
        server = Harness.newServer();
        client = server.createClient();
        harness = Harness.start(client, "sysched.scheduler.scoring.mode=upstream");
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
        client.close();
        server.destroy();
    }

    @Test
    void seedDemoEndsWithNginxTogetherAndRedisWithMemcached() {
        SyscallSet nginx = Harness.profileSet("nginx");
        SyscallSet redis = Harness.profileSet("redis");
        SyscallSet memcached = Harness.profileSet("memcached");
        assertThat(nginx.cardinality()).isEqualTo(98);
        assertThat(redis.cardinality()).isEqualTo(86);
        assertThat(memcached.cardinality()).isEqualTo(53);

        // nginx1: both nodes empty -> raw 0 and 0, both score 10; take the first top-ranked.
        Step nginx1 = schedule("nginx1", nginx, true);
        assertThat(nginx1.raw).containsExactly(0L, 0L);
        assertThat(nginx1.scores).containsExactly(10L, 10L);
        String nginxNode = nginx1.chosen;
        String otherNode = nginxNode.equals(A) ? B : A;

        // redis1: 26 extraneous syscalls next to nginx, 0 on the empty node.
        Step redis1 = schedule("redis1", redis, false);
        assertThat(redis1.rawOn(nginxNode)).isEqualTo(26);
        assertThat(redis1.rawOn(otherNode)).isZero();
        assertThat(redis1.scoreOn(nginxNode)).isZero();
        assertThat(redis1.scoreOn(otherNode)).isEqualTo(10);
        assertThat(redis1.chosen).isEqualTo(otherNode);
        String redisNode = otherNode;

        // nginx2: 0 next to nginx1, 26 next to redis1.
        Step nginx2 = schedule("nginx2", nginx, true);
        assertThat(nginx2.rawOn(nginxNode)).isZero();
        assertThat(nginx2.rawOn(redisNode)).isEqualTo(26);
        assertThat(nginx2.scoreOn(nginxNode)).isEqualTo(10);
        assertThat(nginx2.scoreOn(redisNode)).isZero();
        assertThat(nginx2.chosen).isEqualTo(nginxNode);

        // memcached1: 66 on the node with both nginx pods, 47 on the node with redis.
        // normalized: 100 - 100*66/66 = 0 -> 0; 100 - 100*47/66 = 29 -> 3.
        Step memcached1 = schedule("memcached1", memcached, false);
        assertThat(memcached1.rawOn(nginxNode)).isEqualTo(66);
        assertThat(memcached1.rawOn(redisNode)).isEqualTo(47);
        assertThat(memcached1.scoreOn(nginxNode)).isZero();
        assertThat(memcached1.scoreOn(redisNode)).isEqualTo(3);
        assertThat(memcached1.chosen).isEqualTo(redisNode);

        NodeSnapshot withNginx = harness.engine().node(nginxNode).orElseThrow();
        NodeSnapshot withRedis = harness.engine().node(redisNode).orElseThrow();
        assertThat(withNginx.podCount()).isEqualTo(2);
        assertThat(withNginx.attackSurface()).isEqualTo(98);
        assertThat(withNginx.exs()).isZero();
        int redisUnionMemcached = redis.union(memcached).cardinality();
        assertThat(withRedis.podCount()).isEqualTo(2);
        assertThat(withRedis.attackSurface()).isEqualTo(redisUnionMemcached);
        assertThat(withRedis.exs()).isEqualTo(2L * redisUnionMemcached - 86 - 53);
        assertThat(harness.engine().clusterExs()).isEqualTo(withRedis.exs());

        // The metrics show the same picture.
        String prometheus = harness.getManagement("/actuator/prometheus").body();
        assertThat(prometheus).contains("sysched_node_attack_surface{node=\"" + nginxNode + "\"} 98.0");
        assertThat(prometheus).contains("sysched_cluster_exs " + (double) withRedis.exs());
        assertThat(prometheus)
                .contains("sysched_extender_requests_seconds_count{outcome=\"success\",verb=\"prioritize\"} 4");
    }

    private record Step(String chosen, long[] raw, long[] scores) {
        long rawOn(String node) {
            return raw[NODES.indexOf(node)];
        }

        long scoreOn(String node) {
            return scores[NODES.indexOf(node)];
        }
    }

    /** filter → prioritize → bind to the first top-ranked node; alternates the two request forms. */
    private Step schedule(String name, SyscallSet set, boolean nodeCacheCapable) {
        Pod pod = harness.create(Harness.pod(name, set));
        String args = nodeCacheCapable ? Harness.argsWithNodeNames(pod, NODES) : Harness.argsWithNodes(pod, NODES);

        JsonNode filtered = harness.postJson("/filter", args);
        assertThat(filtered.get("Error").asString()).isEmpty();
        assertThat(filtered.get("FailedNodes").size()).isZero();
        List<String> feasible = new ArrayList<>();
        if (nodeCacheCapable) {
            filtered.get("NodeNames").forEach(n -> feasible.add(n.asString()));
        } else {
            filtered.get("Nodes")
                    .get("items")
                    .forEach(n -> feasible.add(n.get("metadata").get("name").asString()));
        }
        assertThat(feasible).containsExactlyElementsOf(NODES);

        JsonNode priorities = harness.postJson("/prioritize", args);
        Map<String, Long> byHost = new LinkedHashMap<>();
        priorities.forEach(
                p -> byHost.put(p.get("Host").asString(), p.get("Score").asLong()));
        assertThat(byHost.keySet()).containsExactlyElementsOf(NODES);
        long[] scores = NODES.stream().mapToLong(byHost::get).toArray();
        long[] raw = harness.engine().rawScores(NODES, set);

        String chosen = NODES.get(0);
        for (String node : NODES) {
            if (byHost.get(node) > byHost.get(chosen)) {
                chosen = node;
            }
        }
        harness.bindInMock(pod, chosen);
        return new Step(chosen, raw, scores);
    }
}
