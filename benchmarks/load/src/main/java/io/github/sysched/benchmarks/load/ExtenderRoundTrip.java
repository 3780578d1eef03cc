package io.github.sysched.benchmarks.load;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.annotation.SyscallAnnotation;
import io.github.sysched.benchmarks.Fixtures;
import io.github.sysched.demo.DemoHarness;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.scoring.ExtenderScoring;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.testsupport.TestNodes;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * B2: the extender's {@code /filter} and {@code /prioritize} over HTTP on loopback, as kube-scheduler calls a
 * {@code nodeCacheCapable} extender: 5,000 {@code NodeNames} per request, while the extender's state holds
 * 5,000 nodes × 30 pods (B1's syscall sets), learned by its pod informer from the embedded API.
 *
 * <p>Client side: one keep-alive connection per verb, requests one after the other (kube-scheduler sends one
 * pod's filter, then its prioritize); the time from the first request byte to the last answer byte. Server
 * side, from the extender's {@code /actuator/prometheus}: {@code http.server.requests} (the servlet
 * request: JSON read, filter or scoring, JSON written) and the extender's own {@code sysched.extender.requests}
 * (the verb's work only, after the body is parsed), both given fine buckets at launch
 * ({@code management.metrics.distribution.slo.*}); their difference across the measured phase gives its
 * percentiles, as bucket upper bounds. Every answer is compared with the first, which is checked against
 * scores computed here with {@link ExsEngine} on the same placements.
 */
final class ExtenderRoundTrip {

    static final int NODES = 5_000;
    static final int PODS_PER_NODE = 30;
    /** B1's seed: the same syscall sets, in the same order. */
    static final long SEED = 20240601L;

    static final double TARGET_SERVER_P99_MICROS = 1_000;

    private static final String PODS_PATH = "/api/v1/namespaces/default/pods";
    private static final String NODES_PATH = "/api/v1/nodes";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final PrintStream out;
    private final int warmUp;
    private final int requests;

    ExtenderRoundTrip(PrintStream out, int warmUp, int requests) {
        this.out = out;
        this.warmUp = warmUp;
        this.requests = requests;
    }

    /** Runs B2 and returns whether every answer was right. */
    boolean run() throws Exception {
        String buckets = sloBuckets();
        System.setProperty("management.metrics.distribution.slo.http.server.requests", buckets);
        System.setProperty("management.metrics.distribution.slo.sysched.extender.requests", buckets);
        out.println("[b2] machine: " + MachineState.describe());
        try (DemoHarness harness = DemoHarness.start(List.of())) {
            long started = System.nanoTime();
            Cluster cluster = loadCluster(new StoreLoader(harness.store(), harness.client()));
            out.printf(
                    Locale.ROOT,
                    "[b2] stored %,d nodes and %,d bound pods in the embedded API in %.1f s%n",
                    NODES,
                    NODES * PODS_PER_NODE,
                    seconds(started));
            awaitTrackedPods(harness, NODES * PODS_PER_NODE);
            long clusterExs = Math.round(harness.schedulerGauge("sysched_cluster_exs"));
            if (clusterExs != cluster.mirror.clusterExs()) {
                throw new IllegalStateException("the extender's cluster ExS is " + clusterExs + ", the placements give "
                        + cluster.mirror.clusterExs());
            }
            out.printf(
                    Locale.ROOT,
                    "[b2] the extender's pod informer tracks %,d pods on %,d nodes (cluster ExS %,d, as "
                            + "the placements give) %.1f s after the first was stored%n",
                    NODES * PODS_PER_NODE,
                    NODES,
                    clusterExs,
                    seconds(started));
            // Steady state: the 150,000 pods in the old generation, not copied by the young collections measured.
            System.gc();
            return measure(harness, cluster);
        }
    }

    /**
     * Waits until the extender counts {@code pods} pods: they reach it one watch event each. (Stored before it
     * starts, they would come in its initial list and then once more, because the embedded API replays every
     * object to a new watch, which would still run during the measurement.) Unlike the demo, it polls once a
     * second (each scrape renders 10,000 per-node gauges) and allows minutes, as 150,000 events take on a busy
     * machine.
     */
    void awaitTrackedPods(DemoHarness harness, int pods) throws Exception {
        long deadline = System.nanoTime() + 600_000_000_000L;
        double tracked = 0;
        while (System.nanoTime() < deadline) {
            tracked = harness.schedulerGauge("sysched_pods_tracked");
            if (tracked == pods) {
                return;
            }
            Thread.sleep(1_000);
        }
        throw new IllegalStateException("the extender tracks " + tracked + " pods after 10 minutes, expected " + pods);
    }

    /** Nodes, and pods bound to them, stored in the API; the extender's pod informer learns them from its watch. */
    Cluster loadCluster(StoreLoader store) {
        SplittableRandom random = new SplittableRandom(SEED);
        ExsEngine mirror = new ExsEngine();
        List<String> nodeNames = new ArrayList<>(NODES);
        for (int n = 0; n < NODES; n++) {
            String node = "node-" + n;
            nodeNames.add(node);
            store.create(NODES_PATH, TestNodes.ready(node));
            for (int p = 0; p < PODS_PER_NODE; p++) {
                SyscallSet syscalls = SyscallSet.of(Fixtures.randomNames(random));
                String uid = UUID.nameUUIDFromBytes((node + "/" + p).getBytes(StandardCharsets.UTF_8))
                        .toString();
                Pod pod = pod(node + "-pod-" + p, uid, syscalls);
                pod.getSpec().setNodeName(node);
                pod.setStatus(new PodStatusBuilder().withPhase("Running").build());
                store.create(PODS_PATH, pod);
                mirror.place(uid, node, syscalls);
            }
        }
        SyscallSet incomingSet = SyscallSet.of(Fixtures.randomNames(random));
        Pod incoming = pod(
                "incoming",
                UUID.nameUUIDFromBytes("incoming".getBytes(StandardCharsets.UTF_8))
                        .toString(),
                incomingSet);
        return new Cluster(mirror, nodeNames, incoming, incomingSet);
    }

    /** A pod as the webhook leaves it: the syscall annotation set, not yet bound. */
    private static Pod pod(String name, String uid, SyscallSet syscalls) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .withUid(uid)
                .addToLabels("app", "bench")
                .addToAnnotations(
                        PlacementAnnotations.SYSCALLS,
                        new SyscallAnnotation(syscalls, List.of("SeccompProfile/bench")).encode())
                .endMetadata()
                .withNewSpec()
                .withSchedulerName("sysched-scheduler")
                .addNewContainer()
                .withName("app")
                .withImage("registry.example/bench:1")
                .endContainer()
                .endSpec()
                .build();
    }

    private record Cluster(ExsEngine mirror, List<String> nodeNames, Pod incoming, SyscallSet incomingSet) {}

    private boolean measure(DemoHarness harness, Cluster cluster) throws Exception {
        URI base = harness.extenderUri();
        byte[] body = harness.extenderArgs(cluster.incoming, cluster.nodeNames).getBytes(StandardCharsets.UTF_8);
        try (HttpConnection filter =
                        HttpConnection.plain(base.resolve("/filter")).open();
                HttpConnection prioritize =
                        HttpConnection.plain(base.resolve("/prioritize")).open()) {
            byte[] expectedFilter = firstAnswer(filter, "/filter", body);
            byte[] expectedPrioritize = firstAnswer(prioritize, "/prioritize", body);
            checkFilter(expectedFilter, cluster);
            checkPrioritize(expectedPrioritize, cluster);

            Verb filterVerb = new Verb("filter", filter, expectedFilter);
            Verb prioritizeVerb = new Verb("prioritize", prioritize, expectedPrioritize);
            long started = System.nanoTime();
            for (int i = 0; i < warmUp; i++) {
                filterVerb.call(body, null);
                prioritizeVerb.call(body, null);
            }
            out.printf(Locale.ROOT, "[b2] warm-up: %,d requests per verb in %.1f s%n", warmUp, seconds(started));

            String before = scrape(harness.schedulerMetrics());
            long cpuBefore = MachineState.processCpuNanos();
            started = System.nanoTime();
            Latencies filterClient = new Latencies();
            Latencies prioritizeClient = new Latencies();
            for (int i = 0; i < requests; i++) {
                filterVerb.call(body, filterClient);
                prioritizeVerb.call(body, prioritizeClient);
            }
            double measuredSeconds = seconds(started);
            double cpuPerPairMicros = (MachineState.processCpuNanos() - cpuBefore) / 1e3 / requests;
            String after = scrape(harness.schedulerMetrics());
            out.printf(
                    Locale.ROOT,
                    "[b2] measured: %,d requests per verb in %.1f s, load average now %s%n",
                    requests,
                    measuredSeconds,
                    MachineState.loadAverage());

            Row filterRow = row(filterVerb, filterClient, before, after, body.length);
            Row prioritizeRow = row(prioritizeVerb, prioritizeClient, before, after, body.length);
            print(List.of(prioritizeRow, filterRow), filterVerb.failures + prioritizeVerb.failures, cpuPerPairMicros);
            return filterVerb.failures + prioritizeVerb.failures == 0;
        }
    }

    private static byte[] firstAnswer(HttpConnection connection, String verb, byte[] body) throws Exception {
        HttpConnection.Response response = connection.post(body);
        if (response.status() != 200) {
            throw new IllegalStateException(verb + " answered HTTP " + response.status() + ": " + response.bodyText());
        }
        return response.body();
    }

    /** One verb's connection, its reference answer and the count of answers that differ from it. */
    private final class Verb {
        final String name;
        final HttpConnection connection;
        final byte[] expected;
        int failures;
        int responseBytes;

        Verb(String name, HttpConnection connection, byte[] expected) {
            this.name = name;
            this.connection = connection;
            this.expected = expected;
            this.responseBytes = expected.length;
        }

        void call(byte[] body, Latencies latencies) throws Exception {
            long start = System.nanoTime();
            HttpConnection.Response response = connection.post(body);
            long elapsed = System.nanoTime() - start;
            if (latencies != null) {
                latencies.record(elapsed);
            }
            if (response.status() != 200 || !Arrays.equals(response.body(), expected)) {
                failures++;
                if (failures <= 5) {
                    String text = response.bodyText();
                    out.println("[b2] FAILURE /" + name + ": HTTP " + response.status() + ", answer differs from the "
                            + "checked one: " + text.substring(0, Math.min(300, text.length())));
                }
            }
        }
    }

    private record Row(
            String verb,
            Latencies client,
            PrometheusHistogram http,
            PrometheusHistogram extender,
            int requestBytes,
            int responseBytes,
            int reconnects) {}

    private Row row(Verb verb, Latencies client, String before, String after, int requestBytes) {
        Map<String, String> httpLabels = Map.of("uri", "/" + verb.name, "status", "200");
        Map<String, String> extenderLabels = Map.of("verb", verb.name, "outcome", "success");
        PrometheusHistogram http = PrometheusHistogram.parse(after, "http_server_requests_seconds", httpLabels)
                .minus(PrometheusHistogram.parse(before, "http_server_requests_seconds", httpLabels));
        PrometheusHistogram extender = PrometheusHistogram.parse(
                        after, "sysched_extender_requests_seconds", extenderLabels)
                .minus(PrometheusHistogram.parse(before, "sysched_extender_requests_seconds", extenderLabels));
        for (PrometheusHistogram h : List.of(http, extender)) {
            if (Math.round(h.count()) != client.count()) {
                throw new IllegalStateException("server recorded " + h.count() + " /" + verb.name
                        + " requests, the client sent " + client.count() + " (is the SLO property applied?)");
            }
        }
        return new Row(
                verb.name, client, http, extender, requestBytes, verb.responseBytes, verb.connection.reconnects());
    }

    private void print(List<Row> rows, int failures, double cpuPerPairMicros) {
        out.println();
        out.printf(
                Locale.ROOT,
                "B2 extender round trip on loopback: %,d NodeNames per request; state %,d nodes x %d pods "
                        + "(%,d pods) from the pod informer; %,d requests per verb after %,d warm-up%n",
                NODES,
                NODES,
                PODS_PER_NODE,
                NODES * PODS_PER_NODE,
                requests,
                warmUp);
        out.println(
                "times in microseconds; server columns are bucket upper bounds (true value in (previous bound, shown])");
        out.println(
                "| verb | client p50 | client p99 | client max | server http p50 | server http p99 | server http mean "
                        + "| extender timer p50 | extender timer p99 | request / answer bytes | reconnects |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            out.printf(
                    Locale.ROOT,
                    "| /%s | %.0f | %.0f | %.0f | %s | %s | %.0f | %s | %s | %,d / %,d | %d |%n",
                    r.verb,
                    r.client.percentileMicros(0.5),
                    r.client.percentileMicros(0.99),
                    r.client.maxMicros(),
                    bound(r.http, 0.5),
                    bound(r.http, 0.99),
                    r.http.meanSeconds() * 1e6,
                    bound(r.extender, 0.5),
                    bound(r.extender, 0.99),
                    r.requestBytes,
                    r.responseBytes,
                    r.reconnects);
        }
        out.printf(
                Locale.ROOT,
                "JVM CPU time (load generator + services + GC) per /filter + /prioritize pair: %.0f us%n",
                cpuPerPairMicros);
        Row prioritize = rows.get(0);
        double serverP99 = prioritize.http.quantileUpperBound(0.99) * 1e6;
        double serverP99Low = prioritize.http.lowerBoundBelow(prioritize.http.quantileUpperBound(0.99)) * 1e6;
        String verdict = serverP99 <= TARGET_SERVER_P99_MICROS
                ? "MET"
                : serverP99Low >= TARGET_SERVER_P99_MICROS ? "MISSED" : "UNDECIDED (bucket straddles 1 ms)";
        out.printf(
                Locale.ROOT,
                "B2 extender /prioritize, %,d nodes x %d pods: server p99 %s us (http.server.requests; "
                        + "extender timer p99 %s us), client p99 %.0f us; target server p99 <= 1 ms: %s; %d wrong answers%n",
                NODES,
                PODS_PER_NODE,
                bound(prioritize.http, 0.99),
                bound(prioritize.extender, 0.99),
                prioritize.client.percentileMicros(0.99),
                verdict,
                failures);
    }

    private static String bound(PrometheusHistogram histogram, double q) {
        double upper = histogram.quantileUpperBound(q);
        return Double.isInfinite(upper) ? "> 50000" : String.format(Locale.ROOT, "<= %.0f", upper * 1e6);
    }

    private void checkFilter(byte[] answer, Cluster cluster) {
        JsonNode result = JSON.readTree(answer);
        List<String> passed = new ArrayList<>();
        result.path("NodeNames").forEach(n -> passed.add(n.asString()));
        if (!passed.equals(cluster.nodeNames)
                || !result.path("FailedNodes").isEmpty()
                || !result.path("Error").asString().isEmpty()) {
            throw new IllegalStateException(
                    "/filter did not pass every node: " + new String(answer, StandardCharsets.UTF_8).substring(0, 300));
        }
    }

    /** The extender's scores against its default score computed here on the same placements. */
    private void checkPrioritize(byte[] answer, Cluster cluster) {
        int[] scores = ExtenderScoring.DEFAULT.scores(cluster.mirror, cluster.nodeNames, cluster.incomingSet);
        Map<String, Long> expected = new LinkedHashMap<>();
        for (int i = 0; i < scores.length; i++) {
            expected.put(cluster.nodeNames.get(i), (long) scores[i]);
        }
        Map<String, Long> actual = new LinkedHashMap<>();
        JSON.readTree(answer)
                .forEach(e ->
                        actual.put(e.path("Host").asString(), e.path("Score").asLong()));
        if (!actual.equals(expected) || !List.copyOf(actual.keySet()).equals(cluster.nodeNames)) {
            throw new IllegalStateException("/prioritize scores differ from ExS on the stored placements");
        }
        long distinct = expected.values().stream().distinct().count();
        out.printf(
                Locale.ROOT,
                "[b2] checked: /filter passes all %,d nodes; /prioritize scores match ExsEngine on the "
                        + "same placements (%d distinct scores)%n",
                cluster.nodeNames.size(),
                distinct);
    }

    private static String scrape(URI metrics) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(metrics + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    /**
     * Bucket bounds for the server timers: 10 µs steps to 500 µs, 25 µs to 2 ms, 100 µs to 10 ms, 1 ms to 50 ms.
     */
    static String sloBuckets() {
        List<String> bounds = new ArrayList<>();
        for (int us = 10; us <= 500; us += 10) {
            bounds.add(us + "us");
        }
        for (int us = 525; us <= 2_000; us += 25) {
            bounds.add(us + "us");
        }
        for (int us = 2_100; us <= 10_000; us += 100) {
            bounds.add(us + "us");
        }
        for (int ms = 11; ms <= 50; ms++) {
            bounds.add(ms + "ms");
        }
        return String.join(",", bounds);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
