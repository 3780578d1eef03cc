package io.github.sysched.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.annotation.SyscallAnnotation;
import io.github.sysched.scheduler.state.ClusterState;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.syscall.SyscallSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The scheduler stops and a new one starts while pods are created, bound, finished and deleted through the API
 * server; once the churn stops and the new one has caught up, its state equals the state the documented rule
 * gives for the final pods (a pod counts on spec.nodeName unless Succeeded/Failed; annotation set, else the
 * default profile), node by node: U, k, Σ|S|, the node's ExS, its IPP classes; and the cluster ExS.
 */
class RestartDuringChurnTest {

    private static final List<String> NODES = List.of("n1", "n2", "n3", "n4", "n5");
    private static final String[] CLASSES = {null, null, "gold", "silver"};

    @Test
    void newStateAfterARestartMidChurnEqualsAFreshBuild() throws Exception {
        WatchControlDispatcher dispatcher = new WatchControlDispatcher();
        KubernetesMockServer server = Harness.newServer(dispatcher);
        KubernetesClient client = server.createClient();
        try {
            client.resources(SeccompProfileV1Beta1.class)
                    .inNamespace("default")
                    .resource(Harness.profile("full"))
                    .create();
            Churn churn = new Churn(client, new Random(7));
            CompletableFuture<Void> churning;
            int opsAtRestart;
            Harness second;
            try (Harness first = Harness.start(client)) {
                churning = CompletableFuture.runAsync(churn);
                Harness.awaitCondition(
                        "churn under the first scheduler", () -> churn.ops.get() >= 200 || churning.isDone());
                opsAtRestart = churn.ops.get();
            } // the first scheduler's informers stop mid-churn
            Harness.awaitCondition(
                    "churn without a scheduler", () -> churn.ops.get() >= opsAtRestart + 100 || churning.isDone());
            second = Harness.start(client); // lists and watches while the churn goes on
            try {
                int opsAtSync = churn.ops.get();
                Harness.awaitCondition(
                        "churn under the second scheduler",
                        () -> churn.ops.get() >= opsAtSync + 200 || churning.isDone());
                churn.stop.set(true);
                churning.get(60, TimeUnit.SECONDS);

                // every event before the sentinel's has been applied once the sentinel counts
                second.bindInMock(second.create(Harness.pod("sentinel", SyscallSet.of("read"))), "n1");

                List<Pod> finalPods = client.pods().inAnyNamespace().list().getItems();
                List<String> mismatches = compare(second.state(), expectedFrom(finalPods), churn.namesByUid);
                int nodes = nodeNames(second.engine(), expectedFrom(finalPods).engine)
                        .size();
                System.out.printf(
                        "CHURN restart: %d ops (%d before the restart, %d after the new state synced), "
                                + "%d pods created, %d bound, %d deleted, %d finished (%d Succeeded, %d Failed); "
                                + "final %d pods, %d counted on %d nodes compared (U, k, Σ|S|, ExS, IPP classes), "
                                + "cluster ExS %d, %d mismatches%n",
                        churn.ops.get(),
                        opsAtRestart,
                        churn.ops.get() - opsAtSync,
                        churn.created.get(),
                        churn.bound.get(),
                        churn.deleted.get(),
                        churn.succeeded.get() + churn.failed.get(),
                        churn.succeeded.get(),
                        churn.failed.get(),
                        finalPods.size(),
                        second.engine().podCount(),
                        nodes,
                        second.engine().clusterExs(),
                        mismatches.size());
                assertThat(mismatches).isEmpty();
                assertThat(churn.deleted.get()).isPositive();
                assertThat(churn.succeeded.get() + churn.failed.get()).isPositive();
                assertThat(second.engine().podCount()).isPositive();
            } finally {
                churn.stop.set(true);
                second.close();
            }
        } finally {
            client.close();
            server.destroy();
        }
    }

    /**
     * What a restart mid-churn relies on, without timing: the informer's watch, opened with its list's
     * resourceVersion, gets every pod change since that list, in order, including a deletion (the
     * {@link WatchControlDispatcher} serves it so; the plain mock would report neither the deletion nor the order).
     */
    @Test
    void aWatchFromTheListsResourceVersionGetsEveryChangeSinceInOrder() throws Exception {
        KubernetesMockServer server = Harness.newServer(new WatchControlDispatcher());
        KubernetesClient client = server.createClient();
        try {
            var pods = client.pods().inNamespace("default");
            pods.resource(Harness.pod("bound-then-finished", null)).create();
            pods.resource(Harness.pod("deleted", null)).create();
            String listed = client.pods().inAnyNamespace().list().getMetadata().getResourceVersion();
            pods.withName("deleted").delete();
            pods.withName("bound-then-finished")
                    .edit(p -> new PodBuilder(p)
                            .editSpec()
                            .withNodeName("n1")
                            .endSpec()
                            .build());
            pods.withName("bound-then-finished")
                    .editStatus(p -> new PodBuilder(p)
                            .withNewStatus()
                            .withPhase("Succeeded")
                            .endStatus()
                            .build());
            List<String> events = new CopyOnWriteArrayList<>();
            Watcher<Pod> recorder = new Watcher<>() {
                @Override
                public void eventReceived(Action action, Pod pod) {
                    events.add(action + " " + pod.getMetadata().getName() + " "
                            + pod.getSpec().getNodeName() + " "
                            + (pod.getStatus() == null ? null : pod.getStatus().getPhase()));
                }

                @Override
                public void onClose(WatcherException cause) {
                    // closed by the test
                }
            };
            try (Watch watch = client.pods()
                    .inAnyNamespace()
                    .watch(new ListOptionsBuilder().withResourceVersion(listed).build(), recorder)) {
                pods.resource(Harness.pod("created-later", null)).create();
                Harness.awaitCondition(
                        "the last change reported",
                        () -> events.stream().anyMatch(event -> event.contains("created-later")));
            }
            System.out.printf(
                    "WATCH from the list's resourceVersion %s: %d events %s%n", listed, events.size(), events);
            assertThat(events)
                    .containsExactly(
                            "DELETED deleted null null",
                            "MODIFIED bound-then-finished n1 null",
                            "MODIFIED bound-then-finished n1 Succeeded",
                            "ADDED created-later null null");
        } finally {
            client.close();
            server.destroy();
        }
    }

    /** Creates, binds, finishes and deletes pods in {@code default} until stopped; one writer, so no conflicts. */
    static final class Churn implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger ops = new AtomicInteger();
        final AtomicInteger created = new AtomicInteger();
        final AtomicInteger bound = new AtomicInteger();
        final AtomicInteger deleted = new AtomicInteger();
        final AtomicInteger succeeded = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        /** UID → name of every pod created, to name the pods that differ when the states do. */
        final Map<String, String> namesByUid = new ConcurrentHashMap<>();

        private final KubernetesClient client;
        private final Random random;
        private final List<String> pending = new ArrayList<>();
        private final List<String> running = new ArrayList<>();
        private final List<String> finished = new ArrayList<>();
        private final SyscallSet[] sets;

        Churn(KubernetesClient client, Random random) {
            this.client = client;
            this.random = random;
            this.sets = new SyscallSet[] {
                Harness.profileSet("nginx"),
                Harness.profileSet("redis"),
                Harness.profileSet("memcached"),
                SyscallSet.of("read", "write", "futex"),
                null /* unannotated */
            };
        }

        @Override
        public void run() {
            int ops = 0;
            while (!stop.get() && ops < 20_000) {
                int live = pending.size() + running.size() + finished.size();
                int dice = random.nextInt(100);
                if (live < 20 || (dice < 40 && live < 200)) {
                    create();
                } else if (dice < 75 && !pending.isEmpty()) {
                    bind(take(pending));
                } else if (dice < 85 && !running.isEmpty()) {
                    finish(take(running));
                } else {
                    delete();
                }
                ops = this.ops.incrementAndGet();
            }
        }

        private String take(List<String> names) {
            return names.remove(random.nextInt(names.size()));
        }

        private void create() {
            int n = created.incrementAndGet();
            String name = "churn-" + n;
            String ippClass = CLASSES[random.nextInt(CLASSES.length)];
            Pod pod = Harness.pod(
                    name,
                    sets[random.nextInt(sets.length)],
                    ippClass == null ? Map.of() : Map.of("ipp-class", ippClass),
                    Map.of());
            Pod created = client.pods().inNamespace("default").resource(pod).create();
            namesByUid.put(created.getMetadata().getUid(), name);
            pending.add(name);
        }

        private void bind(String name) {
            String node = NODES.get(random.nextInt(NODES.size()));
            client.pods()
                    .inNamespace("default")
                    .withName(name)
                    .edit(p -> new PodBuilder(p)
                            .editSpec()
                            .withNodeName(node)
                            .endSpec()
                            .build());
            bound.incrementAndGet();
            running.add(name);
        }

        private void finish(String name) {
            boolean success = random.nextBoolean();
            client.pods()
                    .inNamespace("default")
                    .withName(name)
                    .editStatus(p -> new PodBuilder(p)
                            .withNewStatus()
                            .withPhase(success ? "Succeeded" : "Failed")
                            .endStatus()
                            .build());
            (success ? succeeded : failed).incrementAndGet();
            finished.add(name);
        }

        private void delete() {
            // running pods half of the time (the case that changes the scores), else finished or pending ones
            int which = random.nextInt(10);
            List<String> from = which < 5 ? running : which < 8 ? finished : pending;
            if (from.isEmpty()) {
                from = !running.isEmpty() ? running : !finished.isEmpty() ? finished : pending;
            }
            if (from.isEmpty()) {
                create();
                return;
            }
            client.pods().inNamespace("default").withName(take(from)).delete();
            deleted.incrementAndGet();
        }
    }

    /** What the documented rule gives for {@code pods}, computed without ClusterState. */
    record Expected(ExsEngine engine, Map<String, Set<String>> classesByNode) {}

    static Expected expectedFrom(List<Pod> pods) {
        ExsEngine engine = new ExsEngine();
        Map<String, Set<String>> classes = new HashMap<>();
        SyscallSet defaultProfile = Harness.profileSet("full");
        for (Pod pod : pods) {
            String node = pod.getSpec().getNodeName();
            String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
            if (node == null || node.isEmpty() || "Succeeded".equals(phase) || "Failed".equals(phase)) {
                continue;
            }
            Map<String, String> annotations = pod.getMetadata().getAnnotations();
            String annotation = annotations == null ? null : annotations.get(PlacementAnnotations.SYSCALLS);
            engine.place(
                    pod.getMetadata().getUid(),
                    node,
                    annotation == null
                            ? defaultProfile
                            : SyscallAnnotation.decode(annotation).syscalls());
            Map<String, String> labels = pod.getMetadata().getLabels();
            String ippClass = labels == null ? null : labels.get("ipp-class");
            if (ippClass != null) {
                classes.computeIfAbsent(node, n -> new TreeSet<>()).add(ippClass);
            }
        }
        return new Expected(engine, classes);
    }

    static Set<String> nodeNames(ExsEngine actual, ExsEngine expected) {
        Set<String> nodes = new TreeSet<>();
        actual.nodes().forEach(n -> nodes.add(n.nodeName()));
        expected.nodes().forEach(n -> nodes.add(n.nodeName()));
        return nodes;
    }

    /** Every difference between the state and the expectation: per node, for the cluster, per pod created. */
    static List<String> compare(ClusterState state, Expected expected, Map<String, String> namesByUid) {
        ExsEngine actual = state.engine();
        List<String> mismatches = new ArrayList<>();
        for (String node : nodeNames(actual, expected.engine)) {
            if (!actual.attackSurface(node).equals(expected.engine.attackSurface(node))) {
                mismatches.add(node + ": U differs");
            }
            if (!Objects.equals(actual.node(node), expected.engine.node(node))) {
                mismatches.add(node + ": " + actual.node(node) + " != " + expected.engine.node(node));
            }
            Set<String> classes = expected.classesByNode.getOrDefault(node, Set.of());
            if (!new TreeSet<>(state.ippClassesOn(node)).equals(classes)) {
                mismatches.add(node + ": IPP classes " + state.ippClassesOn(node) + " != " + classes);
            }
        }
        if (actual.clusterExs() != expected.engine.clusterExs()) {
            mismatches.add("cluster ExS " + actual.clusterExs() + " != " + expected.engine.clusterExs());
        }
        if (state.trackedPods() != expected.engine.podCount()) {
            mismatches.add("tracked pods " + state.trackedPods() + " != " + expected.engine.podCount());
        }
        namesByUid.forEach((uid, name) -> {
            if (!state.nodeOf(uid).equals(expected.engine.nodeOf(uid))) {
                mismatches.add(
                        "pod " + name + " counted on " + state.nodeOf(uid).orElse("no node") + ", expected on "
                                + expected.engine.nodeOf(uid).orElse("no node"));
            }
        });
        return mismatches;
    }
}
