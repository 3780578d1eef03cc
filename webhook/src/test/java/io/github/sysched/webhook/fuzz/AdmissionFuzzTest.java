package io.github.sysched.webhook.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.zjsonpatch.JsonPatch;
import io.github.sysched.annotation.MalformedAnnotationException;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.annotation.SyscallAnnotation;
import io.github.sysched.fuzz.FuzzInputs;
import io.github.sysched.fuzz.FuzzReport;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.WebhookTestBase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Seeded fuzzing of {@code /mutate} and {@code /validate} over the real HTTPS server. Properties checked for
 * every input: the answer is 200, 400 or 413 (never 5xx), within the client timeout; a 4xx carries an
 * {@code error} message; a body over the size cap is a 413 (more than 2MB over the cap, the connection may be
 * closed before the client reads it); an input the API server could have sent as an AdmissionReview envelope (uid, kind,
 * operation) is answered with an AdmissionReview (never a 4xx: the API server would apply its failure policy
 * instead of ours) whose uid matches, whose denial has a code >= 400 and a message, and whose patch applies
 * to the object; anything else is a 4xx. Reproduce with {@code -Dfuzz.seed=<seed> -Dfuzz.inputs=<n>}.
 */
class AdmissionFuzzTest extends WebhookTestBase {

    private static final long SEED = FuzzInputs.seed("fuzz.seed", 20261126L);
    private static final int INPUTS = FuzzInputs.count("fuzz.inputs", 300);
    /** Tomcat reads (and drops) up to this much of an unread body; beyond it, it may close the connection. */
    private static final int TOMCAT_SWALLOW = 2 * 1024 * 1024;
    private static final int MAX_REQUEST_SIZE = 8 * 1024 * 1024; // sysched.webhook.max-request-size default
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(20);
    private static final Set<String> OPERATIONS = Set.of("CREATE", "UPDATE", "DELETE", "CONNECT");
    private static final String INTERNAL_ERROR = "sysched webhook internal";

    @Test
    void mutateAnswersEveryInputWithAnAdmissionReviewOrAClear4xx() {
        FuzzReport report = fuzz("/mutate", SEED);

        assertThat(report.problems()).isEmpty();
        assertThat(report.serverErrors()).isZero();
        assertThat(report.count(200)).isPositive();
        assertThat(report.count(400)).isPositive();
        assertThat(report.count(413)).isPositive();
    }

    @Test
    void validateAnswersEveryInputWithAnAdmissionReviewOrAClear4xx() {
        FuzzReport report = fuzz("/validate", SEED + 1);

        assertThat(report.problems()).isEmpty();
        assertThat(report.serverErrors()).isZero();
        assertThat(report.count(200)).isPositive();
        assertThat(report.count(400)).isPositive();
        assertThat(report.count(413)).isPositive();
    }

    private FuzzReport fuzz(String path, long seed) {
        FuzzInputs generator = new FuzzInputs(seed, seeds(), List.of("/request/object", "/request/oldObject"),
                PlacementAnnotations.OWNED, MAX_REQUEST_SIZE);
        FuzzReport report = new FuzzReport("webhook " + path, seed);
        report.count("internal-error answers", 0);
        List<FuzzInputs.Input> inputs = new ArrayList<>(generator.take(INPUTS));
        inputs.addAll(generator.extremes());
        inputs.add(FuzzInputs.padded(inputs.size(), MAX_REQUEST_SIZE + 1));
        inputs.add(FuzzInputs.padded(inputs.size(), 2 * MAX_REQUEST_SIZE));
        inputs.add(FuzzInputs.padded(inputs.size(), 3 * MAX_REQUEST_SIZE)); // refused without being read
        for (FuzzInputs.Input input : inputs) {
            check(path, input, report);
        }
        System.out.println(report.summary());
        // still serving afterwards
        assertThat(admit(path, Reviews.fixture("/admission/pod-create-nginx-generatename.json"))
                .path("allowed").asBoolean()).isTrue();
        return report;
    }

    private void check(String path, FuzzInputs.Input input, FuzzReport report) {
        long start = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                    .timeout(CLIENT_TIMEOUT).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(input.body())).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            if (input.body().length > MAX_REQUEST_SIZE + TOMCAT_SWALLOW) {
                report.closed(input);
            } else {
                report.problem(input, "no answer: " + e);
            }
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        int status = response.statusCode();
        report.answered(input, status, System.nanoTime() - start);
        JsonNode envelope = reviewable(input.body());
        if (input.body().length > MAX_REQUEST_SIZE) {
            if (status != 413) {
                report.problem(input, "oversized body answered " + status);
            }
            checkError(input, response, report);
            return;
        }
        if (envelope == null) {
            if (status != 400) {
                report.problem(input, "not an AdmissionReview but answered " + status + ": " + response.body());
            }
            checkError(input, response, report);
            return;
        }
        if (status != 200) {
            report.problem(input, "reviewable request answered " + status + ": " + response.body());
            return;
        }
        checkReview(path, input, envelope, response.body(), report);
    }

    private static void checkError(FuzzInputs.Input input, HttpResponse<String> response, FuzzReport report) {
        try {
            JsonNode body = Reviews.JSON.readTree(response.body());
            if (!body.path("error").isString() || !isClearMessage(body.path("error").stringValue())) {
                report.problem(input, response.statusCode() + " without an error message: " + response.body());
            }
        } catch (JacksonException e) {
            report.problem(input, response.statusCode() + " with a body that is not JSON: " + response.body());
        }
    }

    /** Not blank and not just the reason phrase, which Spring's default error body repeats. */
    private static boolean isClearMessage(String message) {
        return !message.isBlank() && !message.matches("(?i)bad request|(payload|content) too large|internal server error");
    }

    private static void checkReview(String path, FuzzInputs.Input input, JsonNode request, String body,
                                    FuzzReport report) {
        JsonNode review = Reviews.JSON.readTree(body);
        JsonNode response = review.path("response");
        if (!"admission.k8s.io/v1".equals(review.path("apiVersion").asString(""))
                || !"AdmissionReview".equals(review.path("kind").asString(""))
                || !response.path("uid").asString("").equals(request.path("request").path("uid").stringValue())
                || !response.path("allowed").isBoolean()) {
            report.problem(input, "malformed AdmissionReview answer: " + abbreviate(body));
            return;
        }
        boolean internalError = response.path("warnings").toString().contains(INTERNAL_ERROR)
                || response.path("status").path("message").asString("").contains(INTERNAL_ERROR);
        if (internalError) {
            report.count("internal-error answers");
            if (input.kind().equals("valid")) {
                report.problem(input, "a valid request hit the internal-error path: " + abbreviate(body));
            }
        }
        if (!response.path("allowed").asBoolean()) {
            report.count("denied");
            JsonNode status = response.path("status");
            if (status.path("code").asInt(0) < 400 || status.path("message").asString("").isBlank()) {
                report.problem(input, "denial without code >= 400 and message: " + abbreviate(body));
            }
            if (response.has("patch") || response.has("patchType")) {
                report.problem(input, "a denial carries a patch");
            }
            return;
        }
        JsonNode object = request.path("request").path("object");
        JsonNode patched = object;
        if (response.has("patch")) {
            report.count("patched");
            if (path.equals("/validate")) {
                report.problem(input, "a validating answer carries a patch");
            }
            if (!"JSONPatch".equals(response.path("patchType").asString(""))) {
                report.problem(input, "patch without patchType JSONPatch");
            }
            try {
                JsonNode patch = Reviews.JSON.readTree(Base64.getDecoder().decode(response.path("patch").asString()));
                patched = JsonPatch.apply(patch, object);
            } catch (RuntimeException e) {
                report.problem(input, "patch does not apply: " + e.getMessage() + " / " + abbreviate(body));
                return;
            }
        } else if (response.has("patchType")) {
            report.problem(input, "patchType without patch");
        }
        if (path.equals("/mutate") && isPodCreateWeGuard(request)) {
            checkOurAnnotations(input, internalError, patched, report);
        }
    }

    /** A pod CREATE outside the exempt namespace: the only requests whose annotations /mutate answers for. */
    private static boolean isPodCreateWeGuard(JsonNode review) {
        JsonNode request = review.path("request");
        return "Pod".equals(request.path("kind").path("kind").asString(""))
                && "".equals(request.path("kind").path("group").asString(""))
                && request.path("subResource").asString("").isEmpty()
                && "CREATE".equals(request.path("operation").asString(""))
                && !"kube-system".equals(request.path("namespace").asString(""));
    }

    /**
     * What the admitted pod may carry of our annotations: a syscall set that decodes, and after an internal error
     * nothing at all (the client's values must not survive a failure).
     */
    private static void checkOurAnnotations(FuzzInputs.Input input, boolean internalError, JsonNode pod,
                                            FuzzReport report) {
        JsonNode annotations = pod.path("metadata").path("annotations");
        if (internalError) {
            List<String> kept = PlacementAnnotations.OWNED.stream().filter(annotations::has).toList();
            if (!kept.isEmpty()) {
                report.count("internal errors keeping client values of our annotations");
                report.problem(input, "after an internal error the pod keeps " + kept);
            }
            return;
        }
        JsonNode syscalls = annotations.path(PlacementAnnotations.SYSCALLS);
        if (!syscalls.isMissingNode()) {
            try {
                SyscallAnnotation.decode(syscalls.asString(""));
            } catch (MalformedAnnotationException e) {
                report.problem(input, "the admitted pod keeps a malformed " + PlacementAnnotations.SYSCALLS + ": "
                        + abbreviate(syscalls.toString()));
            }
        }
    }

    /**
     * The request as the API server's AdmissionReview contract describes it (the oracle, written independently
     * of the service's decoder), or null when the body is not one.
     */
    private static JsonNode reviewable(byte[] body) {
        JsonNode root;
        try {
            root = Reviews.JSON.readTree(body);
        } catch (JacksonException e) {
            return null;
        }
        if (root == null || !root.isObject()
                || !"admission.k8s.io/v1".equals(root.path("apiVersion").asString(null))
                || !"AdmissionReview".equals(root.path("kind").asString(null))) {
            return null;
        }
        JsonNode request = root.path("request");
        JsonNode uid = request.path("uid");
        JsonNode kind = request.path("kind").path("kind");
        JsonNode operation = request.path("operation");
        boolean ok = request.isObject() && uid.isString() && !uid.stringValue().isEmpty()
                && request.path("kind").isObject() && kind.isString() && !kind.stringValue().isEmpty()
                && operation.isString() && OPERATIONS.contains(operation.stringValue());
        return ok ? root : null;
    }

    /** Valid requests of every shape the webhook handles, several carrying client values of our annotations. */
    private static List<JsonNode> seeds() {
        List<JsonNode> seeds = new ArrayList<>();
        seeds.add(Reviews.fixture("/admission/pod-create-nginx-generatename.json"));

        ObjectNode forged = Reviews.pod("busybox-", "default", "busybox:1.36", "nginx:1.16");
        ObjectNode annotations = ((ObjectNode) forged.path("metadata")).putObject("annotations");
        annotations.put(PlacementAnnotations.SYSCALLS, "v1;AQ;;forged");
        annotations.put(PlacementAnnotations.PROFILES, "c0=default/tiny");
        annotations.put(PlacementAnnotations.IPP_CLASS, "victim");
        seeds.add(Reviews.podCreate("default", forged));

        ObjectNode named = Reviews.pod("ignored-", "default", "custom:1");
        ((ObjectNode) named.path("metadata")).put("name", "named-pod");
        ObjectNode spec = (ObjectNode) named.path("spec");
        spec.putObject("securityContext").putObject("seccompProfile").put("type", "RuntimeDefault");
        spec.putArray("initContainers").addObject().put("name", "init").put("image", "busybox:1.36")
                .putObject("securityContext").putObject("seccompProfile").put("type", "Localhost")
                .put("localhostProfile", "operator/default/nginx-seccomp.json");
        ObjectNode dryRun = Reviews.podCreate("default", named);
        ((ObjectNode) dryRun.path("request")).put("dryRun", true);
        seeds.add(dryRun);

        seeds.add(Reviews.podCreate("kube-system", forged.deepCopy()));

        ObjectNode old = forged.deepCopy();
        ((ObjectNode) old.path("metadata")).put("name", "busybox-abc");
        ObjectNode changed = old.deepCopy();
        ((ObjectNode) changed.path("metadata").path("annotations")).put(PlacementAnnotations.SYSCALLS, "v1;;;");
        seeds.add(Reviews.podUpdate("default", changed, old, "alice"));
        seeds.add(Reviews.podUpdate("default", old.deepCopy(), old, "alice"));

        seeds.add(Reviews.review("security-profiles-operator.x-k8s.io", "v1alpha1", "ProfileBinding",
                "profilebindings", "CREATE", "default", Reviews.json("""
                        {"apiVersion":"security-profiles-operator.x-k8s.io/v1alpha1","kind":"ProfileBinding",
                         "metadata":{"name":"fuzz-binding","namespace":"default"},
                         "spec":{"image":"fuzz:1","profileRef":{"kind":"SeccompProfile","name":"nginx-seccomp"}}}
                        """), null, "alice"));
        seeds.add(Reviews.review("security-profiles-operator.x-k8s.io", "v1beta1", "SeccompProfile",
                "seccompprofiles", "CREATE", "default", Reviews.json("""
                        {"apiVersion":"security-profiles-operator.x-k8s.io/v1beta1","kind":"SeccompProfile",
                         "metadata":{"name":"fuzz-profile","namespace":"default"},
                         "spec":{"defaultAction":"SCMP_ACT_ERRNO","baseProfileName":"nginx-seccomp",
                                 "syscalls":[{"action":"SCMP_ACT_ALLOW","names":["read","write","procexit"]}]}}
                        """), null, "alice"));
        seeds.add(Reviews.review("", "v1", "ConfigMap", "configmaps", "CREATE", "default",
                Reviews.json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\"}}"), null,
                "alice"));
        return seeds;
    }

    private static String abbreviate(String text) {
        return text.length() > 400 ? text.substring(0, 400) + "..." : text;
    }
}
