package io.github.sysched.webhook.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fabric8.kubernetes.api.model.Pod;
import io.github.sysched.webhook.admission.AdmissionDeadline;
import io.github.sysched.webhook.admission.AdmissionMetrics;
import io.github.sysched.webhook.admission.AdmissionReviewCodec;
import io.github.sysched.webhook.admission.AdmissionService;
import io.github.sysched.webhook.admission.BadAdmissionReviewException;
import io.github.sysched.webhook.admission.Endpoint;
import io.github.sysched.webhook.admission.FailurePolicy;
import io.github.sysched.webhook.config.WebhookProperties;
import io.github.sysched.webhook.ipp.IppMutator;
import io.github.sysched.webhook.mutation.NamespacePolicy;
import io.github.sysched.webhook.mutation.OwnedAnnotations;
import io.github.sysched.webhook.mutation.PodMutations;
import io.github.sysched.webhook.mutation.PodMutator;
import io.github.sysched.webhook.mutation.ProfileMutator;
import io.github.sysched.webhook.mutation.SandboxMutator;
import io.github.sysched.webhook.support.AdmissionOracle;
import io.github.sysched.webhook.support.InMemoryClusterLookups;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.TestProperties;
import io.github.sysched.webhook.validation.OwnedAnnotationGuard;
import io.github.sysched.webhook.validation.ProfileBindingValidator;
import io.github.sysched.webhook.validation.SeccompProfileValidator;
import io.github.sysched.webhook.validation.Validations;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Coverage-guided fuzzing (Jazzer) of the whole admission path in memory: body → {@link AdmissionReviewCodec} →
 * mutators or validators against an in-memory cluster → encoded AdmissionReview, as {@code /mutate} and
 * {@code /validate} run it, minus HTTP (which {@link AdmissionFuzzTest} covers). Each input goes through
 * {@code /validate} and through {@code /mutate} twice: with the defaults, and with every mutator on (enforce mode,
 * IPP compat, sandbox). Invariants: nothing but {@link BadAdmissionReviewException} (with a message) escapes, and
 * only for a body that is not an answerable AdmissionReview; every answer satisfies {@link AdmissionOracle} (uid,
 * denial without patch, a patch that applies to the pod as sent and writes only what a mutator owns); a pod that
 * decodes never reaches the internal-error path; the metrics stay bounded whatever the client sends.
 *
 * <p>Regression inputs: {@code AdmissionPipelineFuzzTestInputs/admissionReview/} and the seeds below; campaign:
 * SECURITY.md "Fuzzing".
 */
class AdmissionPipelineFuzzTest {

    /** Meters one endpoint may register, whatever the bodies: kinds x operations x outcomes of real requests. */
    private static final int MAX_METERS = 200;

    /**
     * Built once: Jazzer's agent re-instruments loaded classes, after which Spring's binder no longer binds the
     * properties record (and a campaign reuses one instance anyway, so the meters are counted over all inputs).
     */
    private static final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static final AdmissionService defaults = pipeline();
    private static final AdmissionService everyMutator = pipeline(
            "mode",
            "enforce",
            "ipp.mode",
            "compat",
            "ipp.one-per-node-for-replicasets",
            "true",
            "sandbox.enabled",
            "true",
            "sandbox.runtime-class-name",
            "gvisor",
            "sandbox.ipp-class",
            "untrusted");

    static Stream<byte[]> admissionReview() {
        return AdmissionOracle.seeds().stream().map(Reviews.JSON::writeValueAsBytes);
    }

    @MethodSource
    @FuzzTest
    void admissionReview(byte[] body) {
        JsonNode request = AdmissionOracle.reviewable(body);
        answer(defaults, Endpoint.VALIDATE, body, request);
        answer(defaults, Endpoint.MUTATE, body, request);
        answer(everyMutator, Endpoint.MUTATE, body, request);
        assertThat(registry.getMeters().size()).as("meters registered").isLessThanOrEqualTo(MAX_METERS);
    }

    private static void answer(AdmissionService service, Endpoint endpoint, byte[] body, JsonNode request) {
        byte[] answer;
        try {
            answer = service.review(endpoint, body.clone());
        } catch (BadAdmissionReviewException e) {
            assertThat(e.getMessage()).isNotBlank();
            if (AdmissionOracle.isUtf8(body)) {
                assertThat(request)
                        .as("an answerable AdmissionReview refused: %s", e.getMessage())
                        .isNull();
            }
            return;
        }
        if (request == null) {
            fail("not an AdmissionReview, but answered: "
                    + new String(answer, java.nio.charset.StandardCharsets.UTF_8));
        }
        String path = endpoint == Endpoint.MUTATE ? "/mutate" : "/validate";
        AdmissionOracle.Verdict verdict = AdmissionOracle.check(path, request, answer);
        assertThat(verdict.problems()).isEmpty();
        if (verdict.internalError() && decodesAsPod(request)) {
            fail("a pod that decodes hit the internal-error path: "
                    + new String(answer, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private static boolean decodesAsPod(JsonNode request) {
        JsonNode object = request.path("request").path("object");
        if (!"Pod".equals(request.path("request").path("kind").path("kind").asString("")) || !object.isObject()) {
            return false;
        }
        try {
            Reviews.JSON.treeToValue(object, Pod.class);
            return true;
        } catch (JacksonException | IllegalArgumentException e) {
            return false;
        }
    }

    private static AdmissionService pipeline(String... settings) {
        List<String> all = new ArrayList<>(List.of(settings));
        all.addAll(List.of("request-deadline", "1h")); // the verdict, never the machine's load, decides
        WebhookProperties properties = TestProperties.webhook(all.toArray(String[]::new));
        InMemoryClusterLookups cluster = InMemoryClusterLookups.demo();
        NamespacePolicy namespaces = new NamespacePolicy(cluster, properties);
        OwnedAnnotations owned = new OwnedAnnotations(namespaces);
        List<PodMutator> mutators = new ArrayList<>(List.of(
                new IppMutator(properties, namespaces),
                new SandboxMutator(properties),
                new ProfileMutator(cluster, namespaces, properties, Reviews.JSON, registry),
                owned));
        AnnotationAwareOrderComparator.sort(mutators); // as Spring orders the beans it injects
        Validations validations = new Validations(List.of(
                new OwnedAnnotationGuard(properties),
                new ProfileBindingValidator(cluster),
                new SeccompProfileValidator(cluster)));
        return new AdmissionService(
                new AdmissionReviewCodec(Reviews.JSON),
                List.of(new PodMutations(mutators, owned, Reviews.JSON), validations),
                new AdmissionDeadline(new CallerRuns(), properties),
                new FailurePolicy(properties, List.of(owned)),
                new AdmissionMetrics(registry));
    }

    /** Runs each handler on the fuzzing thread: no thread hand-off, so every input is judged the same way. */
    private static final class CallerRuns extends AbstractExecutorService {
        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {}

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
