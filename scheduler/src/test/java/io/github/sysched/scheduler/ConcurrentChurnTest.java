package io.github.sysched.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.scheduler.state.ClusterState;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.syscall.SyscallSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Prioritize over HTTP from several threads while pods are placed, moved and removed on other nodes: no
 * error, every answer well-formed, the answers for the untouched nodes never change, and the final state
 * equals one rebuilt from the surviving pods. Bounded in count and time; loopback only.
 */
class ConcurrentChurnTest {

    @Test
    void prioritizeWhilePodsChurn() throws Exception {
        KubernetesMockServer server = Harness.newServer();
        KubernetesClient client = server.createClient();
        try (Harness harness = Harness.start(client)) {
            SyscallSet nginx = Harness.profileSet("nginx");
            SyscallSet redis = Harness.profileSet("redis");
            SyscallSet memcached = Harness.profileSet("memcached");
            // stable nodes, through the API server: s1 = nginx, s2 = redis
            harness.bindInMock(harness.create(Harness.pod("stable-nginx", nginx)), "s1");
            harness.bindInMock(harness.create(Harness.pod("stable-redis", redis)), "s2");
            Pod probe = Harness.pod("probe", memcached);
            String stableRequest = Harness.argsWithNodeNames(probe, List.of("s1", "s2", "empty"));
            String expectedStable =
                    harness.postJson("/prioritize", stableRequest).toString();
            List<String> churnNodes = List.of("c1", "c2", "c3", "c4");
            List<String> all = new ArrayList<>(List.of("s1", "s2", "empty"));
            all.addAll(churnNodes);
            String mixedRequest = Harness.argsWithNodes(probe, all);

            ClusterState state = harness.state();
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch go = new CountDownLatch(1);
            SyscallSet[] sets = {nginx, redis, memcached, SyscallSet.of("read", "write"), nginx.union(redis)};
            List<Pod> churnPods = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                churnPods.add(Harness.pod("churn-" + i, sets[i % sets.length]));
            }
            Future<Integer> churn = pool.submit(() -> {
                go.await();
                int ops = 0;
                java.util.Random random = new java.util.Random(42);
                while (!stop.get() && ops < 50_000) {
                    Pod pod = churnPods.get(random.nextInt(churnPods.size()));
                    if (random.nextInt(4) == 0) {
                        state.podDeleted(pod, random.nextBoolean());
                    } else {
                        String node = churnNodes.get(random.nextInt(churnNodes.size()));
                        state.podChanged(new PodBuilder(pod)
                                .editSpec()
                                .withNodeName(node)
                                .endSpec()
                                .build());
                    }
                    ops++;
                }
                return ops;
            });
            List<Future<Integer>> callers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                callers.add(pool.submit(() -> {
                    go.await();
                    int calls = 0;
                    for (int i = 0; i < 150; i++) {
                        String stableAnswer =
                                harness.postJson("/prioritize", stableRequest).toString();
                        if (!stableAnswer.equals(expectedStable)) {
                            problems.add("stable nodes changed: " + stableAnswer);
                        }
                        JsonNode mixed = harness.postJson("/prioritize", mixedRequest);
                        if (mixed.size() != all.size()) {
                            problems.add("wrong size: " + mixed);
                            continue;
                        }
                        java.util.TreeSet<Long> levels = new java.util.TreeSet<>();
                        for (int n = 0; n < all.size(); n++) {
                            long score = mixed.get(n).get("Score").asLong();
                            if (!mixed.get(n).get("Host").asString().equals(all.get(n)) || score < 0 || score > 10) {
                                problems.add("bad entry: " + mixed);
                            }
                            levels.add(score);
                        }
                        // the default (marginal) score's levels are dense ranks: the cheapest nodes 10, then 9, ...
                        // with no level skipped (upstream's score instead gave "empty" 10 and the worst node 0)
                        if (levels.last() != 10 || levels.first() != 10 - (levels.size() - 1)) {
                            problems.add("inconsistent levels: " + mixed);
                        }
                        calls += 2;
                    }
                    return calls;
                }));
            }
            go.countDown();
            int calls = 0;
            for (Future<Integer> caller : callers) {
                calls += caller.get(120, TimeUnit.SECONDS);
            }
            stop.set(true);
            int ops = churn.get(60, TimeUnit.SECONDS);
            pool.shutdown();
            assertThat(problems).isEmpty();
            assertThat(calls).isEqualTo(900);
            assertThat(ops).isPositive();

            // The engine after the churn equals one fed only with the surviving placements.
            ExsEngine rebuilt = new ExsEngine();
            rebuilt.place("stable-nginx", "s1", nginx);
            rebuilt.place("stable-redis", "s2", redis);
            for (int i = 0; i < churnPods.size(); i++) {
                String uid = churnPods.get(i).getMetadata().getUid();
                int setIndex = i;
                state.nodeOf(uid).ifPresent(node -> rebuilt.place(uid, node, sets[setIndex % sets.length]));
            }
            assertThat(harness.engine().nodes()).containsExactlyElementsOf(rebuilt.nodes());
            assertThat(harness.engine().rawScores(all, memcached)).containsExactly(rebuilt.rawScores(all, memcached));
        } finally {
            client.close();
            server.destroy();
        }
    }
}
