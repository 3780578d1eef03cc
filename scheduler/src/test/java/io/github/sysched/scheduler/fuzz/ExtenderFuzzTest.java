package io.github.sysched.scheduler.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.fuzz.FuzzInputs;
import io.github.sysched.fuzz.FuzzReport;
import io.github.sysched.scheduler.Harness;
import io.github.sysched.syscall.SyscallSet;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Seeded fuzzing of the extender verbs over real HTTP ({@code /bind} enabled). Properties checked for every
 * input: the answer is 200, 400 or 413 (never 5xx), within the client timeout; a 4xx carries an {@code error}
 * message; a body that is not JSON is a 4xx, a body over the size cap a 413 (more than 2MB over the cap, the
 * connection may be closed before the client reads it); a 200 is well-formed for its verb
 * (filter: passing names a subset of the candidates, scores 0..10 for exactly the candidates, bind: an Error
 * field). Reproduce with {@code -Dfuzz.seed=<seed> -Dfuzz.inputs=<n>}.
 */
class ExtenderFuzzTest {

    private static final long SEED = FuzzInputs.seed("fuzz.seed", 20261126L);
    private static final int INPUTS = FuzzInputs.count("fuzz.inputs", 300);
    /** Tomcat reads (and drops) up to this much of an unread body; beyond it, it may close the connection. */
    private static final int TOMCAT_SWALLOW = 2 * 1024 * 1024;

    private static final int MAX_REQUEST_SIZE = 4 * 1024 * 1024;

    static KubernetesMockServer server;
    static KubernetesClient client;
    static Harness harness;

    @BeforeAll
    static void start() {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new BindingDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        harness = Harness.start(
                client,
                "sysched.scheduler.bind.enabled=true",
                "sysched.scheduler.max-request-size=" + MAX_REQUEST_SIZE + "B");
        SyscallSet nginx = Harness.profileSet("nginx");
        Pod placed = harness.create(Harness.pod("placed", nginx, Map.of("ipp-class", "tenant-b"), Map.of()));
        harness.bindInMock(placed, "node-b");
        harness.create(Harness.pod("pending", nginx));
    }

    /** The CRUD mock cannot serve pods/binding (it never answers for a pod it does not have): accept every one. */
    static final class BindingDispatcher extends KubernetesCrudDispatcher {
        @Override
        public MockResponse handleCreate(RecordedRequest request) {
            if (request.getPath().endsWith("/binding")) {
                return new MockResponse()
                        .setResponseCode(201)
                        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\",\"code\":201}");
            }
            return super.handleCreate(request);
        }
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
    void filterAnswersEveryInputWellFormedOrWithAClear4xx() {
        assertClean(fuzz("/filter", SEED));
    }

    @Test
    void prioritizeAnswersEveryInputWellFormedOrWithAClear4xx() {
        assertClean(fuzz("/prioritize", SEED + 1));
    }

    @Test
    void bindAnswersEveryInputWellFormedOrWithAClear4xx() {
        assertClean(fuzz("/bind", SEED + 2));
    }

    private static void assertClean(FuzzReport report) {
        assertThat(report.problems()).isEmpty();
        assertThat(report.serverErrors()).isZero();
        assertThat(report.count(200)).isPositive();
        assertThat(report.count(400)).isPositive();
        assertThat(report.count(413)).isPositive();
    }

    private static FuzzReport fuzz(String path, long seed) {
        List<JsonNode> seeds = path.equals("/bind") ? Harness.bindingArgsSeeds() : Harness.extenderArgsSeeds();
        FuzzInputs generator =
                new FuzzInputs(seed, seeds, List.of("/Pod"), PlacementAnnotations.OWNED, MAX_REQUEST_SIZE);
        FuzzReport report = new FuzzReport("extender " + path, seed);
        List<FuzzInputs.Input> inputs = new ArrayList<>(generator.take(INPUTS));
        inputs.addAll(generator.extremes());
        inputs.add(hugeNodeNames(inputs.size()));
        inputs.add(FuzzInputs.padded(inputs.size(), MAX_REQUEST_SIZE + 1));
        inputs.add(FuzzInputs.padded(inputs.size(), 2 * MAX_REQUEST_SIZE));
        inputs.add(FuzzInputs.padded(inputs.size(), 3 * MAX_REQUEST_SIZE)); // refused without being read
        for (FuzzInputs.Input input : inputs) {
            check(path, input, report);
        }
        System.out.println(report.summary());
        // still serving afterwards
        HttpResponse<String> after = harness.post(path, seeds.get(0).toString());
        assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
        return report;
    }

    private static void check(String path, FuzzInputs.Input input, FuzzReport report) {
        long start = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = harness.post(path, input.body());
        } catch (UncheckedIOException e) {
            if (input.body().length > MAX_REQUEST_SIZE + TOMCAT_SWALLOW) {
                report.closed(input);
            } else {
                report.problem(input, "no answer: " + e.getCause());
            }
            return;
        }
        int status = response.statusCode();
        report.answered(input, status, System.nanoTime() - start);
        if (input.body().length > MAX_REQUEST_SIZE) {
            if (status != 413) {
                report.problem(input, "oversized body answered " + status);
            }
        } else if (status == 200) {
            checkAnswer(path, input, response.body(), report);
            return;
        } else if (status != 400) {
            report.problem(input, "answered " + status + ": " + abbreviate(response.body()));
        } else if (input.kind().equals("valid")) {
            report.problem(input, "a valid request answered 400: " + abbreviate(response.body()));
        }
        try {
            JsonNode body = Harness.JSON.readTree(response.body());
            if (!body.path("error").isString()
                    || !isClearMessage(body.path("error").stringValue())) {
                report.problem(input, status + " without an error message: " + abbreviate(response.body()));
            }
        } catch (JacksonException e) {
            report.problem(input, status + " with a body that is not JSON: " + abbreviate(response.body()));
        }
    }

    private static void checkAnswer(String path, FuzzInputs.Input input, String body, FuzzReport report) {
        JsonNode request;
        JsonNode answer;
        try {
            request = Harness.JSON.readTree(input.body());
            answer = Harness.JSON.readTree(body);
        } catch (JacksonException e) {
            report.problem(input, "200 for a body that is not JSON, or an answer that is not: " + abbreviate(body));
            return;
        }
        switch (path) {
            case "/filter" -> {
                if (!answer.isObject() || !answer.path("Error").isString()) {
                    report.problem(input, "filter answer without Error: " + abbreviate(body));
                    return;
                }
                Set<String> candidates = textValues(field(request, "NodeNames"));
                if (answer.has("NodeNames") && !candidates.containsAll(textValues(answer.get("NodeNames")))) {
                    report.problem(input, "filter passed a node it was not asked about: " + abbreviate(body));
                }
                report.count(answer.path("Error").stringValue().isEmpty() ? "filter results" : "filter errors");
            }
            case "/prioritize" -> {
                if (!answer.isArray()) {
                    report.problem(input, "prioritize answer is not a list: " + abbreviate(body));
                    return;
                }
                for (JsonNode priority : answer) {
                    long score = priority.path("Score").asLong(-1);
                    if (!priority.path("Host").isString() || score < 0 || score > 10) {
                        report.problem(input, "bad HostPriority " + priority);
                        return;
                    }
                }
                report.count("scored hosts", answer.size());
            }
            default -> {
                if (!answer.path("Error").isString()) {
                    report.problem(input, "bind answer without Error: " + abbreviate(body));
                }
            }
        }
    }

    /** Not blank and not just the reason phrase, which Spring's default error body repeats. */
    private static boolean isClearMessage(String message) {
        return !message.isBlank()
                && !message.matches("(?i)bad request|(payload|content) too large|internal server error");
    }

    /** The value of a key read case-insensitively, as the extender and kube-scheduler read them. */
    private static JsonNode field(JsonNode object, String name) {
        for (var entry : object.properties()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }

    private static Set<String> textValues(JsonNode array) {
        Set<String> values = new HashSet<>();
        if (array != null) {
            array.forEach(v -> values.add(v.asString("")));
        }
        return values;
    }

    /** kube-scheduler with nodeCacheCapable: 150,000 node names, far more than any cluster has. */
    private static FuzzInputs.Input hugeNodeNames(int index) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 150_000; i++) {
            names.add("node-" + i);
        }
        String body = Harness.argsWithNodeNames(Harness.pod("many", SyscallSet.of("read")), names);
        return new FuzzInputs.Input(index, "huge-node-names", body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String abbreviate(String text) {
        return text.length() > 400 ? text.substring(0, 400) + "..." : text;
    }
}
