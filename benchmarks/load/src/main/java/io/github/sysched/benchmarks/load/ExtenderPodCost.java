package io.github.sysched.benchmarks.load;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.annotation.SyscallAnnotation;
import io.github.sysched.benchmarks.Fixtures;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.scoring.ExtenderScoring;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import io.github.sysched.testsupport.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * B7: what the extender costs kube-scheduler per pod, measured the way kube-scheduler calls it. The extender runs as
 * its own JVM (the shipped exec jar, with the chart's heap) against a loopback API holding {@value #NODES} nodes x
 * {@value #PODS_PER_NODE} bound pods (B1's syscall sets; each node's pods of one of {@value #CLASSES} isolation
 * classes), learned through its pod informer. The load generator plays kube-scheduler's scheduling loop: one pod at a
 * time, on one keep-alive connection, the pod's verbs in order ({@code /filter} when the chart registers it, i.e.
 * with IPP {@code fast}; {@code /prioritize}; optionally {@code /bind}), each request carrying the Pod as
 * kube-scheduler marshals it (a 5.6 KB Deployment pod with managed fields, {@code kube-scheduler-pod.json}) and 230
 * or 5,000 {@code NodeNames} ({@code nodeCacheCapable}; 230 is what kube-scheduler sent per call on a 500-node
 * cluster).
 *
 * <p>Per pod, the client-observed cost: first request byte written to last answer byte read, all verbs of the pod;
 * its p50/p99 over the measured pods, and the pods/s a scheduling loop that did nothing else could reach (1 / mean).
 * Next to it, in the same run and interleaved with it, the floor: the same requests (same bodies, same count) to
 * {@code /noop} on the same server, which reads the body and answers {@code {}}. Extenders measured: this build's
 * jar over plain HTTP and over mutual TLS as the chart deploys it (kube-scheduler's client certificate, CA-verified
 * both ways), and, with {@code -Db7.compareJar=...}, another build's jar over plain HTTP (e.g. main before this
 * change), interleaved in rounds so that the machine's load moves all alike. Also: the first request after each
 * extender reports ready (what the warm-up is for), and the extender's CPU per pod. Every answer must be 200, and
 * answers are checked against {@link ExsEngine} on the same placements (and against the other jar's, byte for byte).
 */
public final class ExtenderPodCost {

    static final int NODES = 5_000;
    static final int PODS_PER_NODE = 6;
    static final int CLASSES = 20;
    /** B1's seed: the same syscall sets. */
    static final long SEED = 20240601L;

    static final double TARGET_P50_230_MICROS = 500;
    static final double TARGET_P99_230_MICROS = 2_000;
    static final double TARGET_P50_5000_MICROS = 2_000;

    private static final String PODS_PATH = "/api/v1/namespaces/default/pods";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * @param jar        the scheduler exec jar measured
     * @param compareJar another build's exec jar, measured over plain HTTP next to it (null: none)
     * @param pods       measured pods per scenario and extender
     * @param warmUp     pods sent before measuring, per scenario and extender
     * @param rounds     the measured pods are sent in this many rounds, alternating the extenders
     * @param bind       also measure the sequences with {@code /bind}
     * @param nodeNames  the NodeNames per request measured (230 and 5,000 by default)
     * @param ippOffOnly measure {@code /prioritize} alone (IPP off), not filter + prioritize
     * @param mtls       also measure this build over mutual TLS
     * @param extenderJvmOptions JVM options added to every extender's command (e.g. a flight recording)
     * @param pinning    CPUs of this load generator and of the extenders (null: not pinned)
     * @param weights    the syscall weights every extender scores with and the answers are checked with
     */
    public record Settings(
            Path jar,
            Path compareJar,
            int pods,
            int warmUp,
            int rounds,
            boolean bind,
            List<Integer> nodeNames,
            boolean ippOffOnly,
            boolean mtls,
            List<String> extenderJvmOptions,
            Pinning pinning,
            SyscallWeights weights) {

        /** The JVM options of every extender: the weights as properties, then {@link #extenderJvmOptions}. */
        List<String> extenderOptions() {
            List<String> options = new ArrayList<>();
            if (weights.defaultWeight() != 1) {
                throw new IllegalArgumentException(
                        "the extender weighs unlisted syscalls 1; got a default weight of " + weights.defaultWeight());
            }
            weights.listed()
                    .forEach((name, weight) -> options.add("-Dsysched.scheduler.weights." + name + "=" + weight));
            options.addAll(extenderJvmOptions);
            return options;
        }
    }

    /**
     * The load generator on {@code clientCpus}, the extenders on {@code extenderCpus} ({@code taskset} CPU lists): on a
     * 2-core machine unpinned, the client's and the extender's threads wait for each other's core, and the tail
     * percentiles measure that sharing as much as the extender.
     */
    public record Pinning(String clientCpus, String extenderCpus) {

        private static final java.util.regex.Pattern CPU_LIST = java.util.regex.Pattern.compile("[0-9,-]+");

        static Pinning parse(picocli.CommandLine.Model.CommandSpec spec, String text) {
            String[] parts = text.split(":", -1);
            if (parts.length != 2
                    || !CPU_LIST.matcher(parts[0]).matches()
                    || !CPU_LIST.matcher(parts[1]).matches()) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "--pin-cpus: CLIENT:EXTENDERS, taskset CPU lists such as 0:1, got " + text);
            }
            return new Pinning(parts[0], parts[1]);
        }

        /** Pins every thread of this JVM to the client CPUs. */
        void pinThisProcess() throws IOException, InterruptedException {
            Process taskset = new ProcessBuilder(
                            "taskset",
                            "-a",
                            "-p",
                            "-c",
                            clientCpus,
                            Long.toString(ProcessHandle.current().pid()))
                    .redirectErrorStream(true)
                    .start();
            String output = new String(taskset.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (taskset.waitFor() != 0) {
                throw new IllegalStateException("taskset could not pin the load generator: " + output);
            }
        }
    }

    /** The calls kube-scheduler makes per pod. */
    enum Sequence {
        PRIORITIZE("prioritize (IPP off: the chart registers no filterVerb)", List.of("/prioritize")),
        FILTER_PRIORITIZE("filter + prioritize (IPP fast)", List.of("/filter", "/prioritize")),
        WITH_BIND("filter + prioritize + bind", List.of("/filter", "/prioritize", "/bind"));

        final String label;
        final List<String> paths;

        Sequence(String label, List<String> paths) {
            this.label = label;
            this.paths = paths;
        }
    }

    /** One extender under test and its connection (null for the noop floor of the jars that have none). */
    private record Target(String label, ExtenderProcess process, HttpConnection connection, boolean hasNoop) {}

    /** One pod's request bodies: ExtenderArgs with n NodeNames, and ExtenderBindingArgs. */
    private record PodRequests(byte[] args, byte[] bind) {}

    private final PrintStream out;
    private final Settings settings;
    private int failures;

    public ExtenderPodCost(PrintStream out, Settings settings) {
        this.out = out;
        this.settings = settings;
    }

    /** Runs B7; false when an answer was wrong. */
    public boolean run() throws Exception {
        out.println("[b7] machine: " + MachineState.describe());
        if (settings.pinning() != null) {
            settings.pinning().pinThisProcess();
            out.println(
                    "[b7] pinned: load generator on CPUs " + settings.pinning().clientCpus() + ", extenders on CPUs "
                            + settings.pinning().extenderCpus());
        }
        Path work = Files.createTempDirectory("sysched-b7");
        TestCertificates.Issued ca = TestCertificates.authority("sysched B7 CA");
        Path tlsDir = TestCertificates.writeSecretVolume(
                work.resolve("extender-tls"), TestCertificates.server(ca, "sysched-scheduler", true), ca);
        SSLContext kubeScheduler =
                TestCertificates.sslContext(TestCertificates.client(ca, "sysched-kube-scheduler"), ca);
        List<ExtenderProcess> processes = new ArrayList<>();
        try (LoopbackApi api = new LoopbackApi()) {
            Path kubeconfig = api.writeKubeconfig(work.resolve("kubeconfig"));
            processes.add(start("after-plain", settings.jar(), kubeconfig, work, null));
            if (settings.mtls()) {
                processes.add(start("after-mtls", settings.jar(), kubeconfig, work, tlsDir));
            }
            if (settings.compareJar() != null) {
                processes.add(start("before-plain", settings.compareJar(), kubeconfig, work, null));
            }
            Cluster cluster = cluster();
            warmClientTls(kubeScheduler, ca);
            Map<String, Double> firstRequest = new LinkedHashMap<>();
            for (ExtenderProcess process : processes) {
                process.awaitReady();
                firstRequest.put(process.name, firstRequestMillis(process, kubeScheduler, cluster));
            }
            long started = System.nanoTime();
            for (Map.Entry<String, Pod> pod : cluster.placed.entrySet()) {
                api.store(PODS_PATH, pod.getValue());
            }
            for (ExtenderProcess process : processes) {
                awaitTracked(process, cluster.placed.size());
            }
            out.printf(
                    Locale.ROOT,
                    "[b7] %,d pods on %,d nodes stored and tracked by %d extenders in %.1f s%n",
                    cluster.placed.size(),
                    NODES,
                    processes.size(),
                    (System.nanoTime() - started) / 1e9);
            List<Target> targets = new ArrayList<>();
            for (ExtenderProcess process : processes) {
                HttpConnection connection = process.tls
                        ? HttpConnection.tls(process.base(), kubeScheduler)
                        : HttpConnection.plain(process.base());
                targets.add(new Target(process.name, process, connection.open(), !process.name.startsWith("before")));
            }
            check(targets, cluster);
            List<Sequence> sequences = new ArrayList<>(List.of(Sequence.values()));
            if (!settings.bind()) {
                sequences.remove(Sequence.WITH_BIND);
            }
            if (settings.ippOffOnly()) {
                sequences.retainAll(List.of(Sequence.PRIORITIZE));
            }
            started = System.nanoTime();
            for (Sequence sequence : sequences) {
                for (int nodeNames : settings.nodeNames()) {
                    warmUp(targets, cluster, sequence, nodeNames);
                }
            }
            out.printf(
                    Locale.ROOT,
                    "[b7] warm-up: %,d pods per extender, sequence and size, in %.1f s%n",
                    settings.warmUp(),
                    (System.nanoTime() - started) / 1e9);
            List<Row> rows = new ArrayList<>();
            for (Sequence sequence : sequences) {
                for (int nodeNames : settings.nodeNames()) {
                    rows.addAll(measure(targets, cluster, sequence, nodeNames));
                }
            }
            for (Target target : targets) {
                target.connection().close();
            }
            print(rows, firstRequest, processes);
            for (ExtenderProcess process : processes) {
                double cold = process.metric("sysched_extender_requests_cold_total");
                if (!Double.isNaN(cold)) {
                    out.printf(
                            Locale.ROOT,
                            "[b7] %s: %.0f requests answered before its warm-up had run "
                                    + "(sysched_extender_requests_cold_total)%n",
                            process.name,
                            cold);
                }
            }
        } finally {
            for (ExtenderProcess process : processes) {
                process.close();
            }
        }
        return failures == 0;
    }

    // ---- the cluster and the requests ---------------------------------------------------------------------------

    private record Cluster(
            Map<String, Pod> placed,
            ExsEngine mirror,
            List<String> nodes,
            Map<Integer, List<PodRequests>> requests,
            List<SyscallSet> incomingSets) {}

    private Cluster cluster() {
        SplittableRandom random = new SplittableRandom(SEED);
        Map<String, Pod> placed = new LinkedHashMap<>();
        ExsEngine mirror = new ExsEngine(settings.weights());
        List<String> nodes = new ArrayList<>(NODES);
        for (int n = 0; n < NODES; n++) {
            String node = "node-" + n;
            nodes.add(node);
            for (int p = 0; p < PODS_PER_NODE; p++) {
                SyscallSet syscalls = SyscallSet.of(Fixtures.randomNames(random));
                String name = node + "-pod-" + p;
                String uid = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8))
                        .toString();
                placed.put(
                        uid,
                        new PodBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .withNamespace("default")
                                .withUid(uid)
                                .addToLabels("app", "bench")
                                .addToAnnotations(PlacementAnnotations.SYSCALLS, annotation(syscalls))
                                .addToAnnotations(PlacementAnnotations.IPP_CLASS, "tenant-" + (n % CLASSES))
                                .endMetadata()
                                .withNewSpec()
                                .withNodeName(node)
                                .withSchedulerName("sysched-scheduler")
                                .addNewContainer()
                                .withName("app")
                                .withImage("registry.example/bench:1")
                                .endContainer()
                                .endSpec()
                                .withNewStatus()
                                .withPhase("Running")
                                .endStatus()
                                .build());
                mirror.place(uid, node, syscalls);
            }
        }
        String template = resource("kube-scheduler-pod.json");
        int distinct = Math.max(50, Math.min(500, settings.pods()));
        List<SyscallSet> incomingSets = new ArrayList<>(distinct);
        List<String> pods = new ArrayList<>(distinct);
        for (int i = 0; i < distinct; i++) {
            SyscallSet syscalls = SyscallSet.of(Fixtures.randomNames(random));
            incomingSets.add(syscalls);
            String pod = template.replace("@NAME@", "web-7d9f8b6c5d-" + Integer.toString(36 * 36 * 36 + i, 36))
                    .replace(
                            "@UID@",
                            UUID.nameUUIDFromBytes(("incoming-" + i).getBytes(StandardCharsets.UTF_8))
                                    .toString())
                    .replace("@SYSCALLS@", annotation(syscalls));
            pods.add(pod);
        }
        Map<Integer, List<PodRequests>> requests = new LinkedHashMap<>();
        for (int size : settings.nodeNames()) {
            List<PodRequests> bodies = new ArrayList<>(distinct);
            for (int i = 0; i < distinct; i++) {
                // kube-scheduler sends the nodes its own filters passed: a window of the cluster's nodes
                List<String> window = new ArrayList<>(size);
                for (int k = 0; k < size; k++) {
                    window.add(nodes.get((i * 37 + k) % NODES));
                }
                String args = "{\"Pod\":" + pods.get(i) + ",\"Nodes\":null,\"NodeNames\":"
                        + JSON.writeValueAsString(window) + "}";
                JsonNode pod = JSON.readTree(pods.get(i));
                String bind = "{\"PodName\":\"" + pod.at("/metadata/name").asString() + "\",\"PodNamespace\":\"shop\","
                        + "\"PodUID\":\"" + pod.at("/metadata/uid").asString() + "\",\"Node\":\"" + window.get(0)
                        + "\"}";
                bodies.add(
                        new PodRequests(args.getBytes(StandardCharsets.UTF_8), bind.getBytes(StandardCharsets.UTF_8)));
            }
            requests.put(size, bodies);
        }
        return new Cluster(placed, mirror, nodes, requests, incomingSets);
    }

    private static String annotation(SyscallSet syscalls) {
        return new SyscallAnnotation(syscalls, List.of("SeccompProfile/bench")).encode();
    }

    private static String resource(String name) {
        try (InputStream in = ExtenderPodCost.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ExtenderProcess start(String name, Path jar, Path kubeconfig, Path work, Path tlsDir) {
        return ExtenderProcess.start(
                name,
                jar,
                kubeconfig,
                work,
                tlsDir,
                settings.extenderOptions(),
                settings.pinning() == null ? null : settings.pinning().extenderCpus());
    }

    private void awaitTracked(ExtenderProcess process, int pods) throws Exception {
        long deadline = System.nanoTime() + 600_000_000_000L;
        double tracked = 0;
        while (System.nanoTime() < deadline) {
            tracked = process.metric("sysched_pods_tracked");
            if (tracked == pods) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(
                process.name + " tracks " + tracked + " pods after 10 minutes, expected " + pods);
    }

    // ---- checks ---------------------------------------------------------------------------------------------

    /**
     * Handshakes and small exchanges with a TLS server in this JVM, so that the first request to each extender measures
     * the extender's first request, not this load generator's first TLS handshake (kube-scheduler's Go TLS stack is
     * warm).
     */
    private void warmClientTls(SSLContext client, TestCertificates.Issued ca) throws Exception {
        SSLContext serverTls = TestCertificates.sslContext(TestCertificates.server(ca, "b7-client-warm-up", false), ca);
        try (javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) serverTls
                .getServerSocketFactory()
                .createServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            server.setNeedClientAuth(true);
            Thread echo = new Thread(
                    () -> {
                        while (!server.isClosed()) {
                            try (java.net.Socket socket = server.accept()) {
                                socket.getOutputStream()
                                        .write(socket.getInputStream().readNBytes(1024));
                            } catch (IOException e) {
                                // closed
                            }
                        }
                    },
                    "b7-client-tls-warm-up");
            echo.setDaemon(true);
            echo.start();
            byte[] payload = new byte[1024];
            for (int i = 0; i < 200; i++) {
                try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) client.getSocketFactory()
                        .createSocket(java.net.InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    socket.getOutputStream().write(payload);
                    socket.getInputStream().readNBytes(payload.length);
                }
            }
        }
    }

    /** The very first /prioritize after the extender reported ready, on a new connection (handshake included). */
    private double firstRequestMillis(ExtenderProcess process, SSLContext tls, Cluster cluster) throws IOException {
        byte[] body = cluster.requests.get(settings.nodeNames().get(0)).get(0).args();
        URI uri = process.base().resolve("/prioritize");
        long started = System.nanoTime();
        try (HttpConnection connection = process.tls ? HttpConnection.tls(uri, tls) : HttpConnection.plain(uri)) {
            HttpConnection.Response response = connection.post(body);
            double millis = (System.nanoTime() - started) / 1e6;
            if (response.status() != 200) {
                failure(process.name + " /prioritize answered HTTP " + response.status() + ": " + response.bodyText());
            }
            return millis;
        }
    }

    /** /prioritize against the mirror; /filter passes exactly the nodes of the pod's class; jars agree. */
    private void check(List<Target> targets, Cluster cluster) throws IOException {
        for (int size : settings.nodeNames()) {
            PodRequests request = cluster.requests.get(size).get(0);
            List<String> names = new ArrayList<>();
            JSON.readTree(request.args()).get("NodeNames").forEach(n -> names.add(n.asString()));
            // the extender's default score (the chart's too), computed on the mirror of the same placements
            int[] scores = ExtenderScoring.DEFAULT.scores(cluster.mirror, names, cluster.incomingSets.get(0));
            StringBuilder expected = new StringBuilder("[");
            for (int i = 0; i < names.size(); i++) {
                expected.append(i == 0 ? "" : ",")
                        .append("{\"Host\":\"")
                        .append(names.get(i))
                        .append("\",\"Score\":")
                        .append(scores[i])
                        .append('}');
            }
            String prioritize = expected.append(']').toString();
            byte[] firstFilter = null;
            for (Target target : targets) {
                target.connection().retarget("/prioritize");
                String answer = target.connection().post(request.args()).bodyText();
                if (!answer.equals(prioritize)) {
                    failure(target.label() + " /prioritize (" + size + " nodes) differs from ExS on the placements: "
                            + abbreviate(answer));
                }
                target.connection().retarget("/filter");
                byte[] filter = target.connection().post(request.args()).body();
                if (firstFilter == null) {
                    firstFilter = filter;
                    JsonNode result = JSON.readTree(filter);
                    // the template pod has no class: every node passes
                    if (result.get("NodeNames").size() != size
                            || !result.get("FailedNodes").isEmpty()) {
                        failure(target.label() + " /filter did not pass every node: " + abbreviate(result.toString()));
                    }
                } else if (!Arrays.equals(firstFilter, filter)) {
                    failure(target.label() + " /filter answers differently from "
                            + targets.get(0).label());
                }
            }
        }
        out.println("[b7] checked: /prioritize equals ExS on the stored placements and /filter passes every node, "
                + "for every extender, at " + settings.nodeNames() + " NodeNames");
    }

    private void failure(String what) {
        failures++;
        if (failures <= 10) {
            out.println("[b7] FAILURE " + what);
        }
    }

    // ---- measurement ----------------------------------------------------------------------------------------

    private record Row(
            String target,
            Sequence sequence,
            int nodeNames,
            Latencies cost,
            Latencies floor,
            double cpuMicrosPerPod,
            int reconnects) {}

    /** Untimed pods: the extenders' JIT and the client's settle before anything is measured. */
    private void warmUp(List<Target> targets, Cluster cluster, Sequence sequence, int nodeNames) throws IOException {
        List<PodRequests> requests = cluster.requests.get(nodeNames);
        for (Target target : targets) {
            for (int i = 0; i < settings.warmUp(); i++) {
                pod(target, sequence, requests.get(i % requests.size()), false);
                if (target.hasNoop()) {
                    pod(target, sequence, requests.get(i % requests.size()), true);
                }
            }
        }
    }

    private List<Row> measure(List<Target> targets, Cluster cluster, Sequence sequence, int nodeNames)
            throws IOException {
        List<PodRequests> requests = cluster.requests.get(nodeNames);
        Map<String, Latencies> costs = new LinkedHashMap<>();
        Map<String, Latencies> floors = new LinkedHashMap<>();
        Map<String, Long> cpu = new LinkedHashMap<>();
        Map<String, Integer> reconnects = new LinkedHashMap<>();
        for (Target target : targets) {
            costs.put(target.label(), new Latencies());
            floors.put(target.label(), new Latencies());
            cpu.put(target.label(), 0L);
            reconnects.put(target.label(), target.connection().reconnects());
        }
        int perRound = Math.max(1, settings.pods() / settings.rounds());
        int sent = 0;
        for (int round = 0; round < settings.rounds(); round++) {
            for (Target target : targets) {
                long cpuBefore = target.process().cpuNanos();
                for (int i = 0; i < perRound; i++) {
                    PodRequests pod = requests.get((sent + i) % requests.size());
                    costs.get(target.label()).record(pod(target, sequence, pod, false));
                    if (target.hasNoop()) {
                        floors.get(target.label()).record(pod(target, sequence, pod, true));
                    }
                }
                cpu.merge(target.label(), target.process().cpuNanos() - cpuBefore, Long::sum);
            }
            sent += perRound;
        }
        List<Row> rows = new ArrayList<>();
        for (Target target : targets) {
            // with the floor in the same block, the block's CPU is split by the two parts' client time
            Latencies cost = costs.get(target.label());
            Latencies floor = floors.get(target.label());
            double share = floor.count() == 0 ? 1 : cost.meanMicros() / (cost.meanMicros() + floor.meanMicros());
            rows.add(new Row(
                    target.label(),
                    sequence,
                    nodeNames,
                    cost,
                    floor,
                    cpu.get(target.label()) * share / 1e3 / cost.count(),
                    target.connection().reconnects() - reconnects.get(target.label())));
        }
        out.printf(
                Locale.ROOT,
                "[b7] %s, %,d NodeNames: %,d pods per extender in %d rounds; load average %s%n",
                sequence.label,
                nodeNames,
                sent,
                settings.rounds(),
                MachineState.loadAverage());
        return rows;
    }

    /** One pod's verbs in order (or as many {@code /noop} calls); the nanoseconds from first byte to last. */
    private long pod(Target target, Sequence sequence, PodRequests pod, boolean noop) throws IOException {
        HttpConnection connection = target.connection();
        long started = System.nanoTime();
        for (String path : sequence.paths) {
            connection.retarget(noop ? "/noop" : path);
            HttpConnection.Response response = connection.post(path.equals("/bind") ? pod.bind() : pod.args());
            if (response.status() != 200) {
                failure(target.label() + " " + (noop ? "/noop" : path) + " answered HTTP " + response.status() + ": "
                        + abbreviate(response.bodyText()));
            } else if (path.equals("/bind") && !noop && !response.bodyText().equals("{\"Error\":\"\"}")) {
                failure(target.label() + " /bind answered " + abbreviate(response.bodyText()));
            }
        }
        return System.nanoTime() - started;
    }

    // ---- report ---------------------------------------------------------------------------------------------

    private void print(List<Row> rows, Map<String, Double> firstRequest, List<ExtenderProcess> processes) {
        out.println();
        out.printf(
                Locale.ROOT,
                "B7 extender cost per pod, kube-scheduler-shaped: %,d nodes x %d pods; one pod at a time "
                        + "on one keep-alive connection; %,d measured pods per row after %,d warm-up%n",
                NODES,
                PODS_PER_NODE,
                settings.pods(),
                settings.warmUp());
        out.println("client-observed per pod, microseconds; floor: the same requests to /noop on the same server, "
                + "interleaved; pods/s = 1 / mean");
        out.println("| extender | calls per pod | NodeNames | p50 | p99 | mean | pods/s | floor p50 | floor p99 "
                + "| p50 / floor p50 | extender CPU per pod | reconnects |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row row : rows) {
            boolean floor = row.floor.count() > 0;
            out.printf(
                    Locale.ROOT,
                    "| %s | %s | %,d | %.0f | %.0f | %.0f | %,.0f | %s | %s | %s | %.0f | %d |%n",
                    row.target,
                    row.sequence.label,
                    row.nodeNames,
                    row.cost.percentileMicros(0.5),
                    row.cost.percentileMicros(0.99),
                    row.cost.meanMicros(),
                    1e6 / row.cost.meanMicros(),
                    floor ? String.format(Locale.ROOT, "%.0f", row.floor.percentileMicros(0.5)) : "–",
                    floor ? String.format(Locale.ROOT, "%.0f", row.floor.percentileMicros(0.99)) : "–",
                    floor
                            ? String.format(
                                    Locale.ROOT,
                                    "%.2f",
                                    row.cost.percentileMicros(0.5) / row.floor.percentileMicros(0.5))
                            : "–",
                    row.cpuMicrosPerPod,
                    row.reconnects);
        }
        out.println();
        out.println("first /prioritize (" + settings.nodeNames().get(0)
                + " NodeNames) after the extender reported ready, new connection: "
                + firstRequest.entrySet().stream()
                        .map(e -> String.format(Locale.ROOT, "%s %.1f ms", e.getKey(), e.getValue()))
                        .toList());
        for (String target : List.of("after-mtls", "after-plain")) {
            Row at230 = find(rows, target, Sequence.PRIORITIZE, 230);
            Row at5000 = find(rows, target, Sequence.PRIORITIZE, 5_000);
            if (at230 == null || at5000 == null) {
                continue;
            }
            double p50 = at230.cost.percentileMicros(0.5);
            double p99 = at230.cost.percentileMicros(0.99);
            double p50Large = at5000.cost.percentileMicros(0.5);
            out.printf(
                    Locale.ROOT,
                    "B7 %s, IPP off: 230 NodeNames p50 %.0f us (target <= %.0f: %s), p99 %.0f us "
                            + "(target <= %.0f: %s); 5,000 NodeNames p50 %.0f us (target <= %.0f: %s); %d wrong answers%n",
                    target,
                    p50,
                    TARGET_P50_230_MICROS,
                    verdict(p50 <= TARGET_P50_230_MICROS),
                    p99,
                    TARGET_P99_230_MICROS,
                    verdict(p99 <= TARGET_P99_230_MICROS),
                    p50Large,
                    TARGET_P50_5000_MICROS,
                    verdict(p50Large <= TARGET_P50_5000_MICROS),
                    failures);
        }
    }

    private static Row find(List<Row> rows, String target, Sequence sequence, int nodeNames) {
        return rows.stream()
                .filter(r -> r.target.equals(target) && r.sequence == sequence && r.nodeNames == nodeNames)
                .findFirst()
                .orElse(null);
    }

    private static String verdict(boolean met) {
        return met ? "MET" : "MISSED";
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
