package io.github.sysched.benchmarks.load;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.zjsonpatch.JsonPatch;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.annotation.SyscallAnnotation;
import io.github.sysched.demo.DemoHarness;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.profile.SeccompAction;
import io.github.sysched.spo.SpoApi;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.syscall.SyscallSet;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * B3: the webhook's {@code /mutate} over TLS on loopback under load. Each request is the AdmissionReview
 * kube-apiserver sends for a ReplicaSet's pod CREATE (the demo's nginx1 pod with the fields the API server defaults,
 * its container with a Localhost seccomp profile that names an SPO SeccompProfile, resolved from the webhook's
 * informer cache), with its own uid.
 *
 * <p>Closed loop at concurrency 1, 16 and 64 (one keep-alive connection per worker, each sending its next
 * request when the previous answer is in): throughput and client latency. Then open loop at a fixed rate: request
 * i is due at start + i/rate; a pool of workers sends each when due (or as soon as one is free: a request that
 * starts more than 1 ms after its due time missed the schedule). Every answer must be the checked one: the first
 * answer is parsed and its JSON patch applied (exactly the two sysched annotations added, the syscall set being the
 * profile's ALLOW/LOG names); every later answer must be byte-identical to it apart from the echoed uid.
 */
final class AdmissionLoad {

    static final int[] CONCURRENCY = {1, 16, 64};
    static final double TARGET_THROUGHPUT = 3_000;
    static final double TARGET_P99_MICROS = 5_000;
    static final long LATE_NANOS = 1_000_000;

    private static final String PROFILE = "nginx-seccomp";
    private static final String WORKLOAD = "nginx1";
    private static final String UID_PLACEHOLDER = "ffffffff-ffff-4fff-bfff-ffffffffffff";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final PrintStream out;
    private final double phaseSeconds;
    private final double rate;
    private final double rateSeconds;
    private final int rateWorkers;
    private final Failures failures;

    AdmissionLoad(PrintStream out, double phaseSeconds, double rate, double rateSeconds, int rateWorkers) {
        this.out = out;
        this.phaseSeconds = phaseSeconds;
        this.rate = rate;
        this.rateSeconds = rateSeconds;
        this.rateWorkers = rateWorkers;
        this.failures = new Failures(out);
    }

    /** Runs B3 and returns whether every answer was right. */
    boolean run() throws Exception {
        out.println("[b3] machine: " + MachineState.describe());
        try (DemoHarness harness = DemoHarness.start(List.of("node-a", "node-b"))) {
            Pod pod = podWithLocalhostProfile(harness);
            Review review =
                    new Review(harness.admissionReview(pod, DemoHarness.REPLICASET_CONTROLLER, UID_PLACEHOLDER));
            URI mutate = harness.mutateUri();
            SSLContext tls = harness.webhookTls();
            Answer answer = probe(mutate, tls, review, expectedSyscalls(harness));

            List<Result> results = new ArrayList<>();
            closedLoop(mutate, tls, review, answer, 16, Math.max(2, phaseSeconds / 2), "warm-up");
            for (int concurrency : CONCURRENCY) {
                results.add(closedLoop(
                        mutate, tls, review, answer, concurrency, phaseSeconds, "concurrency " + concurrency));
            }
            results.add(fixedRate(mutate, tls, review, answer));
            print(results, review.body(UID_PLACEHOLDER).length, answer.length(UID_PLACEHOLDER));
            return failures.count() == 0;
        }
    }

    // ---- the request and the expected answer ------------------------------------------------------------

    /**
     * nginx1's first pod as its ReplicaSet creates it and as a mutating webhook receives it: with the fields the
     * API server defaults before admission (service account token volume, tolerations, policies) and its container
     * confined by the SPO profile as a Localhost profile. The image is one no ProfileBinding names, so the profile
     * comes from the Localhost path alone.
     */
    private static Pod podWithLocalhostProfile(DemoHarness harness) {
        Deployment nginx = harness.workloads().stream()
                .filter(d -> d.getMetadata().getName().equals(WORKLOAD))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + WORKLOAD + " in the demo manifests"));
        CustomResourceDefinition crd = harness.client()
                .apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(SpoApi.SECCOMP_PROFILE_CRD)
                .get();
        String localhostProfile =
                ProfileKey.inScope(SpoScope.of(crd), "default", PROFILE).localhostProfile();
        Pod pod = DemoHarness.podsOf(nginx).get(0);
        String token = "kube-api-access-7xk2p";
        return new PodBuilder(pod)
                .editSpec()
                .withRestartPolicy("Always")
                .withTerminationGracePeriodSeconds(30L)
                .withDnsPolicy("ClusterFirst")
                .withServiceAccountName("default")
                .withServiceAccount("default")
                .withEnableServiceLinks(true)
                .withPreemptionPolicy("PreemptLowerPriority")
                .withPriority(0)
                .withNewSecurityContext()
                .endSecurityContext()
                .addNewToleration()
                .withKey("node.kubernetes.io/not-ready")
                .withOperator("Exists")
                .withEffect("NoExecute")
                .withTolerationSeconds(300L)
                .endToleration()
                .addNewToleration()
                .withKey("node.kubernetes.io/unreachable")
                .withOperator("Exists")
                .withEffect("NoExecute")
                .withTolerationSeconds(300L)
                .endToleration()
                .addNewVolume()
                .withName(token)
                .withNewProjected()
                .withDefaultMode(420)
                .addNewSource()
                .withNewServiceAccountToken()
                .withExpirationSeconds(3607L)
                .withPath("token")
                .endServiceAccountToken()
                .endSource()
                .addNewSource()
                .withNewConfigMap()
                .withName("kube-root-ca.crt")
                .addNewItem()
                .withKey("ca.crt")
                .withPath("ca.crt")
                .endItem()
                .endConfigMap()
                .endSource()
                .addNewSource()
                .withNewDownwardAPI()
                .addNewItem()
                .withPath("namespace")
                .withNewFieldRef()
                .withApiVersion("v1")
                .withFieldPath("metadata.namespace")
                .endFieldRef()
                .endItem()
                .endDownwardAPI()
                .endSource()
                .endProjected()
                .endVolume()
                .editFirstContainer()
                .withImage("nginx:1.17")
                .withImagePullPolicy("IfNotPresent")
                .withTerminationMessagePath("/dev/termination-log")
                .withTerminationMessagePolicy("File")
                .withNewResources()
                .endResources()
                .addNewVolumeMount()
                .withName(token)
                .withMountPath("/var/run/secrets/kubernetes.io/serviceaccount")
                .withReadOnly(true)
                .endVolumeMount()
                .withSecurityContext(new SecurityContextBuilder()
                        .withNewSeccompProfile()
                        .withType("Localhost")
                        .withLocalhostProfile(localhostProfile)
                        .endSeccompProfile()
                        .build())
                .endContainer()
                .endSpec()
                .build();
    }

    /** The ALLOW and LOG names of the profile's manifest (the SySched rule), read here without the webhook's code. */
    @SuppressWarnings("unchecked")
    private static SyscallSet expectedSyscalls(DemoHarness harness) {
        GenericKubernetesResource profile = harness.profiles().stream()
                .filter(p -> p.getMetadata().getName().equals(PROFILE))
                .findFirst()
                .orElseThrow();
        Map<String, Object> spec =
                (Map<String, Object>) profile.getAdditionalProperties().get("spec");
        if (spec.get("baseProfileName") != null) {
            throw new IllegalStateException(PROFILE + " has a base profile: the expected set would need its chain");
        }
        List<String> names = new ArrayList<>();
        for (Map<String, Object> rule : (List<Map<String, Object>>) spec.get("syscalls")) {
            if (SeccompAction.parse((String) rule.get("action")).letsCallThrough()) {
                names.addAll((List<String>) rule.get("names"));
            }
        }
        return SyscallSet.of(names);
    }

    /** The AdmissionReview as bytes around its uid, so that each request gets its own uid cheaply. */
    private static final class Review {
        private final byte[] prefix;
        private final byte[] suffix;
        private final JsonNode object;

        Review(ObjectNode review) {
            String text = JSON.writeValueAsString(review);
            int at = text.indexOf(UID_PLACEHOLDER);
            if (at < 0 || text.indexOf(UID_PLACEHOLDER, at + 1) >= 0) {
                throw new IllegalStateException("the review must hold the uid exactly once");
            }
            prefix = text.substring(0, at).getBytes(StandardCharsets.UTF_8);
            suffix = text.substring(at + UID_PLACEHOLDER.length()).getBytes(StandardCharsets.UTF_8);
            object = review.path("request").path("object");
        }

        byte[] body(String uid) {
            return concat(prefix, uid.getBytes(StandardCharsets.US_ASCII), suffix);
        }
    }

    /** The checked answer, as bytes around the echoed uid. */
    private record Answer(byte[] prefix, byte[] suffix) {

        boolean matches(byte[] body, String uid) {
            byte[] id = uid.getBytes(StandardCharsets.US_ASCII);
            if (body.length != prefix.length + id.length + suffix.length) {
                return false;
            }
            return java.util.Arrays.equals(body, 0, prefix.length, prefix, 0, prefix.length)
                    && java.util.Arrays.equals(body, prefix.length, prefix.length + id.length, id, 0, id.length)
                    && java.util.Arrays.equals(body, prefix.length + id.length, body.length, suffix, 0, suffix.length);
        }

        int length(String uid) {
            return prefix.length + uid.length() + suffix.length;
        }
    }

    /**
     * Sends one review and checks its answer in full: uid echoed, allowed, a JSONPatch that adds exactly the
     * syscall annotation (the profile's set, with the profile among its sources) and the profiles annotation.
     */
    private Answer probe(URI mutate, SSLContext tls, Review review, SyscallSet expected) throws Exception {
        String uid = uid(0, 0);
        HttpConnection.Response response;
        try (HttpConnection connection = HttpConnection.tls(mutate, tls)) {
            response = connection.post(review.body(uid));
        }
        String text = response.bodyText();
        JsonNode answer = JSON.readTree(text).path("response");
        if (response.status() != 200
                || !uid.equals(answer.path("uid").asString())
                || !answer.path("allowed").asBoolean(false)
                || !"JSONPatch".equals(answer.path("patchType").asString())) {
            throw new IllegalStateException("the webhook's answer is not an allowed JSONPatch for this uid: " + text);
        }
        JsonNode patch =
                JSON.readTree(Base64.getDecoder().decode(answer.path("patch").asString()));
        JsonNode patched = JsonPatch.apply(patch, review.object);
        ObjectNode annotations = (ObjectNode) patched.path("metadata").path("annotations");
        SyscallAnnotation stamped = SyscallAnnotation.decode(
                annotations.path(PlacementAnnotations.SYSCALLS).asString());
        String profiles = annotations.path(PlacementAnnotations.PROFILES).asString();
        if (!stamped.syscalls().equals(expected)) {
            throw new IllegalStateException("the syscall annotation holds "
                    + stamped.syscalls().cardinality() + " syscalls, the profile allows " + expected.cardinality());
        }
        if (stamped.sources().stream().noneMatch(s -> s.contains(PROFILE)) || !profiles.contains(PROFILE)) {
            throw new IllegalStateException(
                    "the annotations do not name " + PROFILE + ": " + stamped.sources() + " / " + profiles);
        }
        annotations.remove(PlacementAnnotations.SYSCALLS);
        annotations.remove(PlacementAnnotations.PROFILES);
        if (annotations.isEmpty() && !review.object.path("metadata").has("annotations")) {
            ((ObjectNode) patched.path("metadata")).remove("annotations");
        }
        if (!patched.equals(review.object)) {
            throw new IllegalStateException("the patch changes more than the two sysched annotations: " + patch);
        }
        out.printf(
                Locale.ROOT,
                "[b3] checked: allowed, JSONPatch adds %s (%d syscalls of %s) and %s = %s; warnings %s%n",
                PlacementAnnotations.SYSCALLS,
                expected.cardinality(),
                PROFILE,
                PlacementAnnotations.PROFILES,
                profiles,
                answer.path("warnings"));
        int at = text.indexOf(uid);
        if (at < 0 || text.indexOf(uid, at + 1) >= 0) {
            throw new IllegalStateException("the answer must hold the uid exactly once: " + text);
        }
        return new Answer(
                text.substring(0, at).getBytes(StandardCharsets.UTF_8),
                text.substring(at + uid.length()).getBytes(StandardCharsets.UTF_8));
    }

    // ---- load ----------------------------------------------------------------------------------------------

    /** One phase's figures. */
    private record Result(
            String phase,
            int connections,
            long requests,
            double seconds,
            Latencies latencies,
            Latencies fromDue,
            long late,
            double maxLateMicros,
            int reconnects,
            double cpuMicros) {
        double throughput() {
            return requests / seconds;
        }
    }

    private Result closedLoop(
            URI mutate, SSLContext tls, Review review, Answer answer, int concurrency, double seconds, String phase)
            throws Exception {
        List<Latencies> perWorker = new ArrayList<>();
        List<HttpConnection> connections = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            perWorker.add(new Latencies());
            connections.add(HttpConnection.tls(mutate, tls).open());
        }
        CyclicBarrier start = new CyclicBarrier(concurrency + 1);
        CountDownLatch done = new CountDownLatch(concurrency);
        AtomicLong startNanos = new AtomicLong();
        long durationNanos = (long) (seconds * 1e9);
        for (int w = 0; w < concurrency; w++) {
            int worker = w;
            new Thread(
                            () -> {
                                try {
                                    start.await();
                                    long deadline = startNanos.get() + durationNanos;
                                    for (long i = 0; System.nanoTime() < deadline; i++) {
                                        exchange(
                                                connections.get(worker),
                                                review,
                                                answer,
                                                uid(worker, i),
                                                perWorker.get(worker),
                                                null);
                                    }
                                } catch (Exception e) {
                                    failures.add("worker " + worker + ": " + e);
                                } finally {
                                    done.countDown();
                                }
                            },
                            "b3-" + phase + "-" + w)
                    .start();
        }
        long cpuBefore = MachineState.processCpuNanos();
        startNanos.set(System.nanoTime());
        start.await();
        done.await();
        double elapsed = (System.nanoTime() - startNanos.get()) / 1e9;
        long cpu = MachineState.processCpuNanos() - cpuBefore;
        int reconnects = close(connections);
        Latencies all = Latencies.merge(perWorker);
        out.printf(
                Locale.ROOT,
                "[b3] %s: %,d requests in %.1f s, load average %s%n",
                phase,
                all.count(),
                elapsed,
                MachineState.loadAverage());
        return new Result(
                phase, concurrency, all.count(), elapsed, all, null, 0, 0, reconnects, cpu / 1e3 / all.count());
    }

    private Result fixedRate(URI mutate, SSLContext tls, Review review, Answer answer) throws Exception {
        long total = Math.round(rate * rateSeconds);
        double intervalNanos = 1e9 / rate;
        List<Latencies> service = new ArrayList<>();
        List<Latencies> fromDue = new ArrayList<>();
        List<HttpConnection> connections = new ArrayList<>();
        for (int w = 0; w < rateWorkers; w++) {
            service.add(new Latencies());
            fromDue.add(new Latencies());
            connections.add(HttpConnection.tls(mutate, tls).open());
        }
        AtomicLong next = new AtomicLong();
        AtomicLong late = new AtomicLong();
        AtomicLong maxLate = new AtomicLong();
        CountDownLatch done = new CountDownLatch(rateWorkers);
        long cpuBefore = MachineState.processCpuNanos();
        long start = System.nanoTime() + 50_000_000;
        for (int w = 0; w < rateWorkers; w++) {
            int worker = w;
            new Thread(
                            () -> {
                                try {
                                    for (long i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                                        long due = start + (long) (i * intervalNanos);
                                        for (long wait = due - System.nanoTime();
                                                wait > 0;
                                                wait = due - System.nanoTime()) {
                                            LockSupport.parkNanos(wait);
                                        }
                                        long lateBy = System.nanoTime() - due;
                                        if (lateBy > LATE_NANOS) {
                                            late.incrementAndGet();
                                        }
                                        maxLate.accumulateAndGet(lateBy, Math::max);
                                        exchange(
                                                connections.get(worker),
                                                review,
                                                answer,
                                                uid(worker, i),
                                                service.get(worker),
                                                new Due(due, fromDue.get(worker)));
                                    }
                                } catch (Exception e) {
                                    failures.add("rate worker " + worker + ": " + e);
                                } finally {
                                    done.countDown();
                                }
                            },
                            "b3-rate-" + w)
                    .start();
        }
        done.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        long cpu = MachineState.processCpuNanos() - cpuBefore;
        int reconnects = close(connections);
        Latencies all = Latencies.merge(service);
        out.printf(
                Locale.ROOT,
                "[b3] fixed rate %.0f/s: %,d requests in %.1f s, load average %s%n",
                rate,
                all.count(),
                elapsed,
                MachineState.loadAverage());
        return new Result(
                String.format(Locale.ROOT, "fixed rate %.0f/s", rate),
                rateWorkers,
                all.count(),
                elapsed,
                all,
                Latencies.merge(fromDue),
                late.get(),
                maxLate.get() / 1e3,
                reconnects,
                cpu / 1e3 / all.count());
    }

    /** When an open-loop request was due, and where to record its latency counted from then. */
    private record Due(long dueNanos, Latencies fromDue) {}

    private void exchange(
            HttpConnection connection, Review review, Answer answer, String uid, Latencies latencies, Due due)
            throws Exception {
        byte[] body = review.body(uid);
        long start = System.nanoTime();
        HttpConnection.Response response = connection.post(body);
        long end = System.nanoTime();
        latencies.record(end - start);
        if (due != null) {
            due.fromDue.record(end - due.dueNanos);
        }
        if (response.status() != 200 || !answer.matches(response.body(), uid)) {
            failures.add("uid " + uid + ": HTTP " + response.status() + " " + response.bodyText());
        }
    }

    private static int close(List<HttpConnection> connections) {
        int reconnects = 0;
        for (HttpConnection connection : connections) {
            reconnects += connection.reconnects();
            connection.close();
        }
        return reconnects;
    }

    /** A uid in UUID form, unique per worker and request. */
    private static String uid(int worker, long request) {
        return String.format(Locale.ROOT, "%08x-0000-4000-8000-%012x", worker, request);
    }

    private static byte[] concat(byte[] a, byte[] b, byte[] c) {
        byte[] all = new byte[a.length + b.length + c.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        System.arraycopy(c, 0, all, a.length + b.length, c.length);
        return all;
    }

    // ---- report --------------------------------------------------------------------------------------------

    private void print(List<Result> results, int requestBytes, int answerBytes) {
        out.println();
        out.printf(
                Locale.ROOT,
                "B3 webhook /mutate over TLS on loopback: pod CREATE AdmissionReview (%,d bytes, answer "
                        + "%,d bytes), Localhost SPO profile from the informer cache; keep-alive connections; %d wrong answers%n",
                requestBytes,
                answerBytes,
                failures.count());
        out.println(
                "latency in microseconds, client side (first request byte to last answer byte); JVM CPU = load generator "
                        + "+ services + GC, in microseconds");
        out.println(
                "| phase | connections | requests | seconds | requests/s | p50 | p99 | max | missed schedule (> 1 ms late) "
                        + "| p99 from due time | reconnects | JVM CPU per request |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            boolean open = r.fromDue != null;
            out.printf(
                    Locale.ROOT,
                    "| %s | %d | %,d | %.1f | %,.0f | %.0f | %.0f | %.0f | %s | %s | %d | %.0f |%n",
                    r.phase,
                    r.connections,
                    r.requests,
                    r.seconds,
                    r.throughput(),
                    r.latencies.percentileMicros(0.5),
                    r.latencies.percentileMicros(0.99),
                    r.latencies.maxMicros(),
                    open
                            ? String.format(
                                    Locale.ROOT,
                                    "%,d (%.2f%%, max %.0f us late)",
                                    r.late,
                                    100.0 * r.late / r.requests,
                                    r.maxLateMicros)
                            : "-",
                    open ? String.format(Locale.ROOT, "%.0f", r.fromDue.percentileMicros(0.99)) : "-",
                    r.reconnects,
                    r.cpuMicros);
        }
        Result best = results.stream()
                .filter(r -> r.fromDue == null)
                .max(java.util.Comparator.comparingDouble(Result::throughput))
                .orElseThrow();
        Result fixed = results.get(results.size() - 1);
        double p99 = fixed.latencies.percentileMicros(0.99);
        out.printf(
                Locale.ROOT,
                "B3 webhook /mutate TLS: max %,.0f req/s (concurrency %d; target >= %,.0f: %s); at %.0f/s "
                        + "p50 %.0f us, p99 %.0f us (target <= 5 ms: %s), %,d of %,d missed the schedule; %d wrong answers%n",
                best.throughput(),
                best.connections,
                TARGET_THROUGHPUT,
                best.throughput() >= TARGET_THROUGHPUT ? "MET" : "MISSED",
                rate,
                fixed.latencies.percentileMicros(0.5),
                p99,
                p99 <= TARGET_P99_MICROS ? "MET" : "MISSED",
                fixed.late,
                fixed.requests,
                failures.count());
        failures.printAll();
    }

    /** Wrong answers and worker errors: counted, the first ones kept for the report. */
    private static final class Failures {
        private static final int KEEP = 10;
        private final PrintStream out;
        private final List<String> kept = new ArrayList<>();
        private int count;

        Failures(PrintStream out) {
            this.out = out;
        }

        synchronized void add(String failure) {
            count++;
            if (kept.size() < KEEP) {
                kept.add(failure);
            }
        }

        synchronized int count() {
            return count;
        }

        synchronized void printAll() {
            for (String failure : kept) {
                out.println("B3 FAILURE " + failure.substring(0, Math.min(failure.length(), 600)));
            }
            if (count > kept.size()) {
                out.println("B3 ... and " + (count - kept.size()) + " more failures");
            }
        }
    }
}
