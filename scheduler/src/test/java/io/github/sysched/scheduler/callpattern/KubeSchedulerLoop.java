package io.github.sysched.scheduler.callpattern;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.sysched.scheduler.Harness;
import io.github.sysched.scheduler.state.InFlightPods;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * kube-scheduler's call pattern against the extender, over real HTTP, as v1.26 runs it with one extender:
 * <ul>
 *   <li>one scheduling cycle at a time: its own filter (here NodeResourcesFit on CPU requests against its own
 *       cache, which holds its <em>assumed</em> pods), then {@code /filter} when registered (an {@code Error} fails
 *       the attempt: {@code ignorable: false}), then, when more than one node is feasible, {@code /prioritize};
 *       with one feasible node there is no scoring at all;</li>
 *   <li>the host: its own plugins' score (a deterministic stand-in: LeastAllocated on CPU, 0..100, weight 1) plus
 *       extender score × weight × 10, the highest total, ties broken at random ({@code selectHost}'s reservoir
 *       sampling, from a seeded {@link Random});</li>
 *   <li>the pod is assumed in its cache and the <b>binding cycle runs asynchronously</b> after a randomized delay
 *       (the scheduling cycle of the next pod starts at once): {@code /bind} with {@code bindVerb}, else the
 *       {@code pods/binding} API call, the extender learning it through its informer. A failed binding is
 *       forgotten in the cache and the pod is retried (after the pods queued behind it, as after a backoff).</li>
 *   <li>a failed pod is retried after a backoff: kube-scheduler waits 1 s before the first retry, doubling up to
 *       10 s ({@code podInitialBackoffSeconds}, {@code podMaxBackoffSeconds}), and never gives up. The loop does not
 *       sleep that long: a retry round starts once every binding cycle has ended and the extender's informer shows
 *       every pod bound so far, or after the initial backoff. (A retry before the informer has seen an earlier pod's
 *       binding fails again on doubt; {@link #MAX_ATTEMPTS} such retries within the milliseconds after the bindings
 *       would drop pods that kube-scheduler, still backing off, would place.)</li>
 * </ul>
 * {@link Pace#ONE_AT_A_TIME} is the reference: each pod is bound at once and the next one waits until the extender
 * has counted it (the {@code observed} probe), i.e. what the extender would answer if pods arrived slowly.
 */
final class KubeSchedulerLoop implements AutoCloseable {

    /** How kube-scheduler is configured and how long its binding cycles take. */
    record Settings(boolean filterVerb, boolean bindVerb, int weight, Duration minBindDelay, Duration maxBindDelay) {}

    enum Pace {
        BURST,
        ONE_AT_A_TIME
    }

    /** A node: its allocatable CPU and its pod limit ({@code status.allocatable.pods}, checked by NodeResourcesFit). */
    record Node(String name, long cpuMilli, int maxPods) {
        Node(String name, long cpuMilli) {
            this(name, cpuMilli, Integer.MAX_VALUE);
        }
    }

    /** A pod to schedule and its CPU request. */
    record QueuedPod(Pod pod, long cpuMilli) {
        String uid() {
            return pod.getMetadata().getUid();
        }

        String key() {
            return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        }
    }

    /**
     * The outcome of one run.
     *
     * @param placements          pod UID → node, for pods whose binding succeeded
     * @param unscheduled         pods never bound within the attempts
     * @param failedAttempts      scheduling attempts that failed (filter error or no feasible node) or whose binding
     *                            failed
     * @param extenderNanosPerPod client-observed time of each scheduling cycle's extender calls (filter + prioritize),
     *                            one entry per attempt that called the extender
     * @param bindNanos           client-observed time of each {@code /bind} call
     */
    record Result(
            Map<String, String> placements,
            List<QueuedPod> unscheduled,
            int failedAttempts,
            List<Long> extenderNanosPerPod,
            List<Long> bindNanos) {}

    private static final int MAX_ATTEMPTS = 6;
    private static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);
    static final int MAX_SKEW = 1;

    private final Settings settings;
    private final URI extender;
    private final KubernetesClient api;
    private final BiPredicate<String, String> observed;
    private final Function<Pod, Optional<String>> spreadWorkload;
    private final AtomicInteger belowExtendersTop = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final ScheduledExecutorService binder = Executors.newScheduledThreadPool(4, task -> {
        Thread thread = new Thread(task, "binding-cycle");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param observed (pod UID, node) → whether the extender counts the pod on that node now and no longer holds it
     *                 in flight (before the next pod with {@link Pace#ONE_AT_A_TIME}, before retries)
     */
    /**
     * The {@code observed} probe for an extender in {@code harness}: the pod is counted on the node and is no longer a
     * doubt for the pods after it (the informer counts, then the in-flight attempt settles).
     */
    static BiPredicate<String, String> countedAndSettled(Harness harness) {
        InFlightPods inFlight = harness.bean(InFlightPods.class);
        return (uid, node) -> harness.engine().nodeOf(uid).filter(node::equals).isPresent()
                && inFlight.attempt(uid).isEmpty();
    }

    KubeSchedulerLoop(Settings settings, int extenderPort, KubernetesClient api, BiPredicate<String, String> observed) {
        this(settings, extenderPort, api, observed, pod -> Optional.empty());
    }

    /**
     * @param spreadWorkload the workload of a pod that carries a {@code DoNotSchedule} hostname spread constraint with
     *                       {@code maxSkew} {@value #MAX_SKEW} over its workload's pods (the constraint the chart's
     *                       webhook injects into replicas), empty for a pod without one
     */
    KubeSchedulerLoop(
            Settings settings,
            int extenderPort,
            KubernetesClient api,
            BiPredicate<String, String> observed,
            Function<Pod, Optional<String>> spreadWorkload) {
        this.settings = settings;
        this.extender = URI.create("http://127.0.0.1:" + extenderPort);
        this.api = api;
        this.observed = observed;
        this.spreadWorkload = spreadWorkload;
    }

    /** Schedules {@code queue} (in order) onto {@code nodes}; returns once every binding cycle has ended. */
    Result run(List<Node> nodes, List<QueuedPod> queue, Pace pace, Random random) {
        Map<String, Long> capacity = new LinkedHashMap<>();
        Map<String, Integer> maxPods = new HashMap<>();
        nodes.forEach(node -> {
            capacity.put(node.name(), node.cpuMilli());
            maxPods.put(node.name(), node.maxPods());
        });
        Map<String, Long> requested = new ConcurrentHashMap<>(); // kube-scheduler's cache: assumed and bound pods
        Map<String, Integer> podsOn = new ConcurrentHashMap<>();
        Map<String, Map<String, Integer>> workloadPodsOn = new ConcurrentHashMap<>();
        Cache cache = new Cache(capacity, maxPods, requested, podsOn, workloadPodsOn);
        Map<String, String> placements = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<QueuedPod> retries = new ConcurrentLinkedQueue<>();
        Map<String, Integer> attempts = new HashMap<>();
        List<Long> extenderNanos = new ArrayList<>();
        List<Long> bindNanos = java.util.Collections.synchronizedList(new ArrayList<>());
        List<QueuedPod> unscheduled = new ArrayList<>();
        AtomicInteger failed = new AtomicInteger();
        Phaser bindings = new Phaser(1);
        List<QueuedPod> current = new ArrayList<>(queue);
        while (!current.isEmpty()) {
            for (QueuedPod pod : current) {
                int attempt = attempts.merge(pod.uid(), 1, Integer::sum);
                if (attempt > MAX_ATTEMPTS) {
                    unscheduled.add(pod);
                    continue;
                }
                String host = scheduleOne(pod, cache, random, extenderNanos);
                if (host == null) {
                    failed.incrementAndGet();
                    retries.add(pod);
                    continue;
                }
                cache.assume(pod, host, spreadWorkload.apply(pod.pod()), 1);
                Runnable bindingCycle = () -> {
                    try {
                        if (bind(pod, host, bindNanos)) {
                            placements.put(pod.uid(), host);
                        } else {
                            cache.assume(pod, host, spreadWorkload.apply(pod.pod()), -1); // forget
                            failed.incrementAndGet();
                            retries.add(pod);
                        }
                    } finally {
                        bindings.arriveAndDeregister();
                    }
                };
                bindings.register();
                if (pace == Pace.ONE_AT_A_TIME) {
                    bindingCycle.run();
                    if (placements.containsKey(pod.uid())) {
                        Harness.awaitCondition(
                                "extender counts " + pod.key() + " on " + host, () -> observed.test(pod.uid(), host));
                    }
                } else {
                    long delay = delayNanos(random);
                    binder.schedule(bindingCycle, delay, TimeUnit.NANOSECONDS);
                }
            }
            bindings.arriveAndAwaitAdvance(); // the backoff: retries go after every pending binding cycle
            current = new ArrayList<>(retries);
            retries.clear();
            if (!current.isEmpty()) {
                awaitObserved(placements, INITIAL_BACKOFF);
            }
        }
        bindings.arriveAndDeregister();
        return new Result(Map.copyOf(placements), unscheduled, failed.get(), extenderNanos, List.copyOf(bindNanos));
    }

    /** Scheduling cycles so far whose host the extender scored below its best feasible node. */
    int belowExtendersTop() {
        return belowExtendersTop.get();
    }

    /** The rest of the backoff: until the extender counts every pod bound so far, at most {@code backoff}. */
    private void awaitObserved(Map<String, String> placements, Duration backoff) {
        long deadline = System.nanoTime() + backoff.toNanos();
        while (!placements.entrySet().stream().allMatch(p -> observed.test(p.getKey(), p.getValue()))
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private long delayNanos(Random random) {
        long min = settings.minBindDelay().toNanos();
        long max = settings.maxBindDelay().toNanos();
        return max <= min ? min : min + (long) (random.nextDouble() * (max - min));
    }

    /** kube-scheduler's cache of assumed and bound pods: CPU requested, pods, and each workload's pods per node. */
    private record Cache(
            Map<String, Long> capacity,
            Map<String, Integer> maxPods,
            Map<String, Long> requested,
            Map<String, Integer> podsOn,
            Map<String, Map<String, Integer>> workloadPodsOn) {

        /** Adds ({@code sign} 1, assume) or removes ({@code -1}, forget) the pod on {@code host}. */
        void assume(QueuedPod pod, String host, Optional<String> workload, int sign) {
            requested.merge(host, sign * pod.cpuMilli(), Long::sum);
            podsOn.merge(host, sign, Integer::sum);
            workload.ifPresent(w -> workloadPodsOn
                    .computeIfAbsent(w, k -> new ConcurrentHashMap<>())
                    .merge(host, sign, Integer::sum));
        }
    }

    /** One scheduling cycle: the host, or null when the attempt fails. */
    private String scheduleOne(QueuedPod pod, Cache cache, Random random, List<Long> extenderNanos) {
        Map<String, Long> capacity = cache.capacity();
        Map<String, Long> requested = cache.requested();
        Optional<String> workload = spreadWorkload.apply(pod.pod());
        // PodTopologySpread's filter: the global minimum over every node the constraint counts (PreFilter), assumed
        // pods included
        Map<String, Integer> replicasOn = workload.map(
                        w -> cache.workloadPodsOn().getOrDefault(w, Map.of()))
                .orElse(Map.of());
        int minReplicas = capacity.keySet().stream()
                .mapToInt(node -> replicasOn.getOrDefault(node, 0))
                .min()
                .orElse(0);
        List<String> feasible = new ArrayList<>();
        capacity.forEach((node, cpu) -> {
            boolean fits = requested.getOrDefault(node, 0L) + pod.cpuMilli() <= cpu
                    && cache.podsOn().getOrDefault(node, 0) < cache.maxPods().get(node);
            boolean skewAllows = workload.isEmpty() || replicasOn.getOrDefault(node, 0) + 1 - minReplicas <= MAX_SKEW;
            if (fits && skewAllows) {
                feasible.add(node);
            }
        });
        if (feasible.isEmpty()) {
            return null;
        }
        long started = System.nanoTime();
        try {
            if (settings.filterVerb()) {
                JsonNode result = post("/filter", Harness.argsWithNodeNames(pod.pod(), feasible));
                String error = text(result.get("Error"));
                if (!error.isEmpty()) {
                    return null;
                }
                List<String> passing = new ArrayList<>();
                JsonNode names = result.get("NodeNames");
                if (names != null && names.isArray()) {
                    names.forEach(name -> {
                        if (feasible.contains(name.asString())) { // nodeCacheCapable: a subset of what was sent
                            passing.add(name.asString());
                        }
                    });
                }
                feasible.retainAll(passing);
                if (feasible.isEmpty()) {
                    return null;
                }
            }
            if (feasible.size() == 1) {
                return feasible.get(0); // no scoring with one feasible node
            }
            Map<String, Long> extenderScores = new HashMap<>();
            JsonNode priorities = post("/prioritize", Harness.argsWithNodeNames(pod.pod(), feasible));
            priorities.forEach(entry -> extenderScores.put(
                    entry.get("Host").asString(), entry.get("Score").asLong()));
            String host = null;
            long best = Long.MIN_VALUE;
            int ties = 0;
            for (String node : feasible) {
                long cpu = capacity.get(node);
                long free = cpu - requested.getOrDefault(node, 0L) - pod.cpuMilli();
                long total = free * 100 / cpu + extenderScores.getOrDefault(node, 0L) * settings.weight() * 10;
                if (total > best) {
                    best = total;
                    host = node;
                    ties = 1;
                } else if (total == best) {
                    ties++;
                    if (random.nextInt(ties) == 0) {
                        host = node;
                    }
                }
            }
            long top = extenderScores.values().stream()
                    .mapToLong(Long::longValue)
                    .max()
                    .orElse(0);
            if (extenderScores.getOrDefault(host, 0L) < top) {
                belowExtendersTop.incrementAndGet();
            }
            return host;
        } finally {
            extenderNanos.add(System.nanoTime() - started);
        }
    }

    /** The binding cycle's bind: true when the pod is bound. */
    private boolean bind(QueuedPod queued, String host, List<Long> bindNanos) {
        Pod pod = queued.pod();
        if (settings.bindVerb()) {
            Map<String, String> args = new LinkedHashMap<>();
            args.put("PodName", pod.getMetadata().getName());
            args.put("PodNamespace", pod.getMetadata().getNamespace());
            args.put("PodUID", pod.getMetadata().getUid());
            args.put("Node", host);
            long started = System.nanoTime();
            JsonNode result = post("/bind", Harness.JSON.writeValueAsString(args));
            bindNanos.add(System.nanoTime() - started);
            return text(result.get("Error")).isEmpty();
        }
        Binding binding = new BindingBuilder()
                .withNewMetadata()
                .withName(pod.getMetadata().getName())
                .withNamespace(pod.getMetadata().getNamespace())
                .withUid(pod.getMetadata().getUid())
                .endMetadata()
                .withNewTarget()
                .withApiVersion("v1")
                .withKind("Node")
                .withName(host)
                .endTarget()
                .build();
        try {
            api.raw(
                    api.getMasterUrl().toString().replaceAll("/+$", "") + "/api/v1/namespaces/"
                            + pod.getMetadata().getNamespace() + "/pods/"
                            + pod.getMetadata().getName() + "/binding",
                    "POST",
                    binding);
            return true;
        } catch (KubernetesClientException e) {
            return false;
        }
    }

    private JsonNode post(String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(extender.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError(path + " answered " + response.statusCode() + ": " + response.body());
            }
            return Harness.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? "" : node.asString();
    }

    @Override
    public void close() {
        binder.shutdownNow();
    }
}
