package io.github.sysched.scheduler.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.github.sysched.fuzz.FuzzInputs;
import io.github.sysched.scheduler.Harness;
import io.github.sysched.scheduler.extender.ExtenderRequestReader;
import io.github.sysched.syscall.SyscallSet;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The extender's answers to requests it cannot serve, each found by {@link ExtenderFuzzTest}: a clear 4xx with
 * {@code {"error": ...}} instead of a 500 or Spring's bare "Bad Request", a size and a token cap, and names
 * checked before they go into the binding URL.
 */
class ExtenderRejectionTest {

    private static final int CAP = 4 * 1024 * 1024;

    static KubernetesMockServer server;
    static KubernetesClient client;
    static Harness harness;

    @BeforeAll
    static void start() {
        server = Harness.newServer();
        client = server.createClient();
        harness = Harness.start(
                client, "sysched.scheduler.bind.enabled=true", "sysched.scheduler.max-request-size=" + CAP + "B");
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
        client.close();
        server.destroy();
    }

    private static String error(HttpResponse<String> response) {
        return Harness.JSON.readTree(response.body()).path("error").asString("");
    }

    @Test
    void bodyOverTheCapIsA413AndOneAtTheCapIsRead() {
        HttpResponse<String> over =
                harness.post("/filter", FuzzInputs.padded(0, CAP + 1).body());
        HttpResponse<String> twiceOver =
                harness.post("/prioritize", FuzzInputs.padded(0, 2 * CAP).body());
        HttpResponse<String> at =
                harness.post("/filter", FuzzInputs.padded(0, CAP).body());

        assertThat(over.statusCode()).isEqualTo(413);
        assertThat(error(over)).contains("exceeds the limit of " + CAP + " bytes");
        assertThat(twiceOver.statusCode()).isEqualTo(413);
        assertThat(at.statusCode()).as(at.body()).isEqualTo(200);
    }

    @Test
    void undecodableBodiesAreA400ThatSaysWhy() {
        HttpResponse<String> truncated = harness.post("/filter", "{\"Pod\":{\"metadata\":");
        // Nodes.items are kept as JSON trees: the parser's nesting limit (500) is what stops this one
        HttpResponse<String> deep = harness.post("/prioritize", "{\"Nodes\":{\"items\":" + "[".repeat(10_000));
        HttpResponse<String> empty = harness.post("/bind", "");

        assertThat(truncated.statusCode()).isEqualTo(400);
        assertThat(error(truncated)).startsWith("bad extender request: body is not a valid ExtenderArgs");
        assertThat(deep.statusCode()).isEqualTo(400);
        assertThat(error(deep)).contains("nesting depth");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(error(empty)).contains("empty body");
    }

    @Test
    void aBodyWithMoreTokensThanTheLimitIsA400() {
        String body = "{\"Nodes\":{\"items\":[" + "{},".repeat((int) (ExtenderRequestReader.MAX_TOKENS / 2)) + "{}]}}";

        HttpResponse<String> response = harness.post("/filter", body);

        assertThat(body.length()).isLessThan(CAP);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response)).contains("Token count");
        System.out.println("BOUNDS extender: " + body.length() / 1024 + " KB of '{},' refused with 400");
    }

    @Test
    void nullAmongTheNodeNamesIsA400() {
        String args = Harness.argsWithNodeNames(Harness.pod("p", SyscallSet.of("read")), Arrays.asList("node-a", null));

        for (String verb : List.of("/filter", "/prioritize")) {
            HttpResponse<String> response = harness.post(verb, args);
            assertThat(response.statusCode()).as(verb + ": " + response.body()).isEqualTo(400);
            assertThat(error(response)).contains("NodeNames must not contain null");
        }
    }

    /** Found by ExtenderFuzzTest: a lone surrogate in a node name made the answer writer throw, a 500. */
    @Test
    void aNodeNameThatIsNotValidUnicodeIsA400() {
        String args = Harness.argsWithNodeNames(Harness.pod("p", SyscallSet.of("read")), List.of("node-a", "node-x"))
                .replace("node-x", "node-\\ud800");

        for (String verb : List.of("/filter", "/prioritize")) {
            HttpResponse<String> response = harness.post(verb, args);
            assertThat(response.statusCode()).as(verb + ": " + response.body()).isEqualTo(400);
            assertThat(error(response)).contains("NodeNames must be valid Unicode");
        }
    }

    @Test
    void aPodThatCannotBeResolvedIsA400() {
        Pod nameless = new PodBuilder(Harness.pod("p", null))
                .editSpec()
                .editFirstContainer()
                .withName(null)
                .endContainer()
                .endSpec()
                .build();

        HttpResponse<String> response =
                harness.post("/prioritize", Harness.argsWithNodeNames(nameless, List.of("node-a", "node-b")));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(error(response)).contains("syscall set cannot be resolved");
    }

    @Test
    void bindRefusesNamesThatAreNotKubernetesNamesWithoutCallingTheApi() throws InterruptedException {
        while (server.takeRequest(50, TimeUnit.MILLISECONDS) != null) {
            // drop what the informers asked so far
        }
        List<String> errors = new ArrayList<>();
        String[][] attempts = {
            {"web/../../kube-system/pods/victim", "default", "node-a"},
            {"web", "default/../kube-system", "node-a"},
            {"web", "default", "node-a?dryRun=All"},
            {"WEB", "default", "node-a"}
        };
        for (String[] attempt : attempts) {
            JsonNode result = harness.postJson(
                    "/bind",
                    Harness.JSON.writeValueAsString(
                            java.util.Map.of("PodName", attempt[0], "PodNamespace", attempt[1], "Node", attempt[2])));
            errors.add(result.path("Error").asString());
        }

        assertThat(errors).allSatisfy(e -> assertThat(e).contains("is not a valid"));
        List<String> bindings = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null) {
            if (request.getPath().contains("binding")) {
                bindings.add(request.getMethod() + " " + request.getPath());
            }
        }
        assertThat(bindings).isEmpty();
    }
}
