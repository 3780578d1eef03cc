package io.github.sysched.scheduler.callpattern;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.scheduler.Harness;
import io.github.sysched.syscall.SyscallSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Randomized bursts, each from its own seed: Deployments applied at once, whose ReplicaSet controllers create their
 * pods concurrently (each Deployment's pods in order, the Deployments interleaved at random), onto nodes of their
 * own (node names are unique per run, so runs never see each other's pods).
 */
final class Bursts {

    /** The workload kube-scheduler sees: the Deployments of a burst. */
    record Deployment(
            String namespace, String app, String ippClass, SyscallSet syscalls, long cpuMilli, int replicas) {}

    record Burst(long seed, List<KubeSchedulerLoop.Node> nodes, List<Deployment> deployments) {

        int pods() {
            return deployments.stream().mapToInt(Deployment::replicas).sum();
        }

        /** The same burst on nodes named for run {@code tag}. */
        List<KubeSchedulerLoop.Node> nodesFor(String tag) {
            return nodes.stream()
                    .map(n -> new KubeSchedulerLoop.Node(tag + "-" + n.name(), n.cpuMilli()))
                    .toList();
        }
    }

    private static final String[] TENANTS = {"tenant-a", "tenant-b", "tenant-c"};
    private static final String[] TENANT_APPS = {"web", "cache", "queue"};

    private Bursts() {}

    /**
     * examples/ipp with random sizes: tenant-a's {@code web} (nginx) and tenant-b's {@code cache} (redis), 1..5
     * replicas each, sometimes a third tenant; 2..5 IPP nodes (at least one per class).
     */
    static Burst ipp(long seed) {
        Random random = new Random(seed);
        SyscallSet[] sets = {Harness.profileSet("nginx"), Harness.profileSet("redis"), Harness.profileSet("memcached")};
        int classes = random.nextInt(3) == 0 ? 3 : 2;
        int nodeCount = classes + random.nextInt(6 - classes);
        List<Deployment> deployments = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            deployments.add(new Deployment(
                    TENANTS[c],
                    TENANT_APPS[c],
                    TENANTS[c],
                    sets[c],
                    50 + 50L * random.nextInt(4),
                    1 + random.nextInt(c < 2 ? 5 : 3)));
        }
        return new Burst(seed, nodes(nodeCount, 2000), deployments);
    }

    /**
     * Replicas of 2..4 Deployments with different syscall sets (the seed demo's profiles and their unions), 2..5
     * replicas each, on 3..5 nodes; no IPP.
     */
    static Burst exs(long seed) {
        Random random = new Random(seed);
        SyscallSet nginx = Harness.profileSet("nginx");
        SyscallSet redis = Harness.profileSet("redis");
        SyscallSet memcached = Harness.profileSet("memcached");
        SyscallSet[] pool = {nginx, redis, memcached, nginx.union(redis), redis.union(memcached), nginx.union(memcached)
        };
        String[] names = {"nginx", "redis", "memcached", "nginx-redis", "redis-memcached", "nginx-memcached"};
        List<Integer> chosen = new ArrayList<>();
        int count = 2 + random.nextInt(3);
        while (chosen.size() < count) {
            int pick = random.nextInt(pool.length);
            if (!chosen.contains(pick)) {
                chosen.add(pick);
            }
        }
        List<Deployment> deployments = new ArrayList<>();
        for (int pick : chosen) {
            deployments.add(new Deployment(
                    "apps", names[pick], null, pool[pick], 100 + 100L * random.nextInt(3), 2 + random.nextInt(4)));
        }
        return new Burst(seed, nodes(3 + random.nextInt(3), 4000), deployments);
    }

    private static List<KubeSchedulerLoop.Node> nodes(int count, long cpuMilli) {
        List<KubeSchedulerLoop.Node> nodes = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            nodes.add(new KubeSchedulerLoop.Node("n" + i, cpuMilli));
        }
        return nodes;
    }

    /**
     * The burst's pods (not yet created), named for run {@code tag}, in the order the ReplicaSet controllers create
     * them: each Deployment's in order, interleaved at random (from the burst's seed, so every run of a burst sees
     * the same order).
     */
    static List<Pod> pods(Burst burst, String tag) {
        Random random = new Random(burst.seed() * 31 + 7);
        List<List<Pod>> perDeployment = new ArrayList<>();
        for (Deployment deployment : burst.deployments()) {
            List<Pod> pods = new ArrayList<>();
            for (int i = 0; i < deployment.replicas(); i++) {
                pods.add(pod(deployment, tag, i));
            }
            perDeployment.add(pods);
        }
        List<Pod> order = new ArrayList<>();
        int[] next = new int[perDeployment.size()];
        int left = burst.pods();
        while (left > 0) {
            int d = random.nextInt(perDeployment.size());
            if (next[d] < perDeployment.get(d).size()) {
                order.add(perDeployment.get(d).get(next[d]++));
                left--;
            }
        }
        return order;
    }

    /** A pod as the webhook leaves it: the syscall annotation, in IPP fast mode the class annotation, signed. */
    private static Pod pod(Deployment deployment, String tag, int replica) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app", deployment.app());
        labels.put("run", tag);
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(
                PlacementAnnotations.SYSCALLS,
                Harness.annotation(deployment.syscalls(), deployment.namespace() + "/" + deployment.app()));
        if (deployment.ippClass() != null) {
            labels.put("ipp-class", deployment.ippClass());
            annotations.put(PlacementAnnotations.IPP_CLASS, deployment.ippClass());
        }
        return Harness.signed(new PodBuilder()
                .withNewMetadata()
                .withNamespace(deployment.namespace())
                .withName(deployment.app() + "-" + tag + "-" + replica)
                .withLabels(labels)
                .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                .withSchedulerName("sysched-scheduler")
                .addNewContainer()
                .withName(deployment.app())
                .withImage("example/" + deployment.app())
                .withNewResources()
                .addToRequests("cpu", new Quantity(deployment.cpuMilli() + "m"))
                .endResources()
                .endContainer()
                .endSpec()
                .build());
    }

    static long cpuMilli(Pod pod) {
        return Quantity.getAmountInBytes(pod.getSpec()
                        .getContainers()
                        .get(0)
                        .getResources()
                        .getRequests()
                        .get("cpu"))
                .multiply(java.math.BigDecimal.valueOf(1000))
                .longValue();
    }

    static String ippClass(Pod pod) {
        return pod.getMetadata().getLabels().get("ipp-class");
    }
}
