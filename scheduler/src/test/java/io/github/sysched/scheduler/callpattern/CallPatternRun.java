package io.github.sysched.scheduler.callpattern;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.annotation.SyscallAnnotation;
import io.github.sysched.scheduler.Harness;
import io.github.sysched.scoring.ExsEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * One extender (the Spring app on a random port) against the API-server-like mock, and kube-scheduler's loop calling
 * it. Runs bursts and measures what the issue asks: class violations, cluster ExS, the extender's time per pod.
 */
final class CallPatternRun implements AutoCloseable {

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Harness harness;
    private final KubeSchedulerLoop loop;
    private final Set<String> namespaces = new TreeSet<>();

    CallPatternRun(KubeSchedulerLoop.Settings settings, String... properties) {
        server = Harness.newServer(new BindingCrudDispatcher());
        client = server.createClient();
        List<String> props = new ArrayList<>(List.of(properties));
        props.add("sysched.scheduler.bind.enabled=" + settings.bindVerb());
        props.add("logging.level.io.fabric8.mockwebserver=warn"); // a line per API request otherwise
        harness = Harness.start(client, props.toArray(String[]::new));
        loop = new KubeSchedulerLoop(settings, harness.port(), client, KubeSchedulerLoop.countedAndSettled(harness));
    }

    Harness harness() {
        return harness;
    }

    /**
     * What the extender's in-flight waiting cost so far ({@code sysched.inflight.waits}): total wait time, and how many
     * requests waited and how many of them timed out (answered on doubt).
     */
    Waits waits() {
        long nanos = 0;
        long count = 0;
        long timeouts = 0;
        for (io.micrometer.core.instrument.Timer timer : harness.bean(io.micrometer.core.instrument.MeterRegistry.class)
                .find("sysched.inflight.waits")
                .timers()) {
            nanos += (long) timer.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS);
            count += timer.count();
            if ("timeout".equals(timer.getId().getTag("outcome"))) {
                timeouts += timer.count();
            }
        }
        return new Waits(nanos, count, timeouts);
    }

    /** The API server's part of {@code /bind} ({@code sysched.extender.bind.api}): mean and count, or "n/a". */
    String bindApiCalls() {
        io.micrometer.core.instrument.Timer timer = harness.bean(io.micrometer.core.instrument.MeterRegistry.class)
                .find("sysched.extender.bind.api")
                .timer();
        if (timer == null || timer.count() == 0) {
            return "n/a";
        }
        return String.format(
                "mean %.2f ms (n=%d)", timer.mean(java.util.concurrent.TimeUnit.NANOSECONDS) / 1e6, timer.count());
    }

    record Waits(long nanos, long count, long timeouts) {
        /** Mean added latency per pod, in ms, over {@code pods} scheduled pods. */
        String perPod(int pods) {
            return String.format(
                    "in-flight waits: %d requests waited (%d timed out), %.3f ms added per pod on average "
                            + "(%.1f ms total over %d pods)",
                    count, timeouts, pods == 0 ? 0 : nanos / 1e6 / pods, nanos / 1e6, pods);
        }
    }

    /** Creates the burst's pods for run {@code tag} and schedules them; the pods stay until {@link #clean}. */
    Outcome schedule(Bursts.Burst burst, String tag, KubeSchedulerLoop.Pace pace) {
        List<KubeSchedulerLoop.QueuedPod> queue = new ArrayList<>();
        for (Pod pod : Bursts.pods(burst, tag)) {
            namespaces.add(pod.getMetadata().getNamespace());
            Pod created = client.pods()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .resource(pod)
                    .create();
            queue.add(new KubeSchedulerLoop.QueuedPod(created, Bursts.cpuMilli(created)));
        }
        List<KubeSchedulerLoop.Node> nodes = burst.nodesFor(tag);
        KubeSchedulerLoop.Result result = loop.run(nodes, queue, pace, new Random(burst.seed()));
        return new Outcome(nodes, queue, result);
    }

    /** Deletes the pods of run {@code tag}. */
    void clean(String tag) {
        for (String namespace : namespaces) {
            client.pods().inNamespace(namespace).withLabel("run", tag).delete();
        }
    }

    @Override
    public void close() {
        loop.close();
        harness.close();
        client.close();
        server.destroy();
    }

    /** The pods of a burst and what kube-scheduler's loop did with them. */
    record Outcome(
            List<KubeSchedulerLoop.Node> nodes,
            List<KubeSchedulerLoop.QueuedPod> pods,
            KubeSchedulerLoop.Result result) {

        /** Nodes that ended up hosting pods of more than one isolation class. */
        int classViolations() {
            return (int)
                    classesByNode().values().stream().filter(c -> c.size() > 1).count();
        }

        /**
         * Unscheduled pods that had room in the end: a node with enough CPU left and no pod of another class. (The
         * others are IPP's nature: the pods of other classes took every node first.)
         */
        int starved() {
            Map<String, Set<String>> classes = classesByNode();
            Map<String, Long> used = new HashMap<>();
            for (KubeSchedulerLoop.QueuedPod pod : pods) {
                String node = result.placements().get(pod.uid());
                if (node != null) {
                    used.merge(node, pod.cpuMilli(), Long::sum);
                }
            }
            int starved = 0;
            for (KubeSchedulerLoop.QueuedPod pod : result.unscheduled()) {
                String ippClass = Bursts.ippClass(pod.pod());
                for (KubeSchedulerLoop.Node node : nodes) {
                    Set<String> there = classes.getOrDefault(node.name(), Set.of());
                    boolean classFits = ippClass == null || there.stream().allMatch(ippClass::equals);
                    if (classFits && used.getOrDefault(node.name(), 0L) + pod.cpuMilli() <= node.cpuMilli()) {
                        starved++;
                        break;
                    }
                }
            }
            return starved;
        }

        private Map<String, Set<String>> classesByNode() {
            Map<String, Set<String>> classes = new HashMap<>();
            for (KubeSchedulerLoop.QueuedPod pod : pods) {
                String node = result.placements().get(pod.uid());
                String ippClass = Bursts.ippClass(pod.pod());
                if (node != null && ippClass != null) {
                    classes.computeIfAbsent(node, n -> new TreeSet<>()).add(ippClass);
                }
            }
            return classes;
        }

        /** The cluster ExS of the placement (Σ over nodes of Σᵢ |U ∖ Sᵢ|), computed here, not by the extender. */
        long clusterExs() {
            ExsEngine engine = new ExsEngine();
            for (KubeSchedulerLoop.QueuedPod pod : pods) {
                String node = result.placements().get(pod.uid());
                if (node != null) {
                    engine.place(
                            pod.uid(),
                            node,
                            SyscallAnnotation.decode(pod.pod()
                                            .getMetadata()
                                            .getAnnotations()
                                            .get(PlacementAnnotations.SYSCALLS))
                                    .syscalls());
                }
            }
            return engine.clusterExs();
        }
    }

    /** p50 / p99 / mean of nanosecond samples, in milliseconds. */
    static String millis(Collection<Long> nanos) {
        if (nanos.isEmpty()) {
            return "n/a";
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        double mean = nanos.stream().mapToLong(Long::longValue).average().orElse(0);
        return String.format(
                "p50 %.2f ms, p99 %.2f ms, mean %.2f ms (n=%d)",
                ms(percentile(sorted, 0.50)), ms(percentile(sorted, 0.99)), mean / 1e6, sorted.length);
    }

    static long percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    static Duration durationProperty(String name, long defaultMillis) {
        return Duration.ofMillis(Long.getLong(name, defaultMillis));
    }
}
