package io.github.sysched.webhook.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.fuzz.FuzzInputs;
import io.github.sysched.fuzz.FuzzReport;
import io.github.sysched.webhook.support.AdmissionOracle;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.WebhookTestBase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

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
        FuzzInputs generator = new FuzzInputs(
                seed,
                AdmissionOracle.seeds(),
                List.of("/request/object", "/request/oldObject"),
                PlacementAnnotations.OWNED,
                MAX_REQUEST_SIZE);
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
                        .path("allowed")
                        .asBoolean())
                .isTrue();
        return report;
    }

    private void check(String path, FuzzInputs.Input input, FuzzReport report) {
        long start = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = https.send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                            .timeout(CLIENT_TIMEOUT)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(input.body()))
                            .build(),
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
        JsonNode envelope = AdmissionOracle.reviewable(input.body());
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
            if (!body.path("error").isString()
                    || !isClearMessage(body.path("error").stringValue())) {
                report.problem(input, response.statusCode() + " without an error message: " + response.body());
            }
        } catch (JacksonException e) {
            report.problem(input, response.statusCode() + " with a body that is not JSON: " + response.body());
        }
    }

    /** Not blank and not just the reason phrase, which Spring's default error body repeats. */
    private static boolean isClearMessage(String message) {
        return !message.isBlank()
                && !message.matches("(?i)bad request|(payload|content) too large|internal server error");
    }

    private static void checkReview(
            String path, FuzzInputs.Input input, JsonNode request, String body, FuzzReport report) {
        AdmissionOracle.Verdict verdict = AdmissionOracle.check(path, request, body.getBytes(StandardCharsets.UTF_8));
        verdict.problems().forEach(problem -> report.problem(input, problem));
        if (verdict.internalError()) {
            report.count("internal-error answers");
            if (input.kind().equals("valid")) {
                report.problem(input, "a valid request hit the internal-error path: " + abbreviate(body));
            }
        }
        if (verdict.denied()) {
            report.count("denied");
        }
        if (verdict.patched()) {
            report.count("patched");
        }
    }

    private static String abbreviate(String text) {
        return AdmissionOracle.abbreviate(text);
    }
}
