package io.github.sysched.webhook.admission;

import io.github.sysched.webhook.config.WebhookProperties;
import io.github.sysched.webhook.config.WebhookProperties.FailureMode;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The only place that knows the AdmissionReview wire format: decodes the request, dispatches to the
 * {@link Mutator} / {@link Validator} beans that support it within the request deadline, and encodes the
 * response (uid echoed, JSONPatch only when there is a patch, warnings, status code >= 400 on denial).
 */
@Service
public class AdmissionService {

    public static final String API_VERSION = "admission.k8s.io/v1";
    public static final String KIND = "AdmissionReview";
    /**
     * Tokens one AdmissionReview may have. The API server sends at most about 3MB (object and oldObject of at
     * most 1.5MB each), a few hundred thousand tokens even in dense JSON; the byte cap alone would let a small
     * body of {@code {},{},...} expand to millions of nodes (an 8MB body: over 200MB of tree, copied again
     * for the patch).
     */
    public static final long MAX_TOKENS = 1_000_000;

    private static final Logger log = LoggerFactory.getLogger(AdmissionService.class);

    private final ObjectMapper mapper;
    private final ObjectMapper bodyParser = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxTokenCount(MAX_TOKENS).build()).build()).build();
    private final List<Mutator> mutators;
    private final List<Validator> validators;
    private final WebhookProperties properties;
    private final AdmissionMetrics metrics;
    private final ExecutorService executor;
    private final Clock clock;

    public AdmissionService(ObjectMapper mapper, ObjectProvider<Mutator> mutators, ObjectProvider<Validator> validators,
                            WebhookProperties properties, AdmissionMetrics metrics,
                            @Qualifier("admissionExecutor") ExecutorService executor) {
        this.mapper = mapper;
        this.mutators = mutators.orderedStream().toList();
        this.validators = validators.orderedStream().toList();
        this.properties = properties;
        this.metrics = metrics;
        this.executor = executor;
        this.clock = Clock.systemUTC();
        log.info("admission handlers: mutators {}, validators {}", names(this.mutators), names(this.validators));
    }

    public enum Endpoint { MUTATE, VALIDATE }

    /** Handles one body; throws {@link BadAdmissionReviewException} for anything that is not an AdmissionReview. */
    public byte[] review(Endpoint endpoint, byte[] body) {
        Timer.Sample sample = metrics.start();
        String endpointTag = endpoint.name().toLowerCase();
        AdmissionContext request;
        try {
            request = decode(body);
        } catch (BadAdmissionReviewException e) {
            metrics.stop(sample, endpointTag, "unknown", "unknown", "bad-request");
            throw e;
        }
        MDC.put("uid", request.uid());
        try {
            Answer answer = respond(endpoint, request);
            metrics.stop(sample, endpointTag, request.kind(), request.operation().name(), answer.outcome());
            ObjectNode review = mapper.createObjectNode();
            review.put("apiVersion", API_VERSION);
            review.put("kind", KIND);
            review.set("response", answer.response());
            return mapper.writeValueAsBytes(review);
        } finally {
            MDC.remove("uid");
        }
    }

    /** The {@code response} object and the metrics outcome (allowed, patched, denied, error, timeout). */
    private record Answer(ObjectNode response, String outcome) {
        static Answer of(ObjectNode response) {
            return new Answer(response, !response.path("allowed").asBoolean() ? "denied"
                    : response.has("patch") ? "patched" : "allowed");
        }
    }

    private Answer respond(Endpoint endpoint, AdmissionContext request) {
        Duration budget = properties.requestDeadline();
        Future<AdmissionVerdict> future = null;
        String failure;
        try {
            future = executor.submit(() -> {
                MDC.put("uid", request.uid());
                try {
                    return endpoint == Endpoint.MUTATE ? mutate(request) : validate(request);
                } finally {
                    MDC.remove("uid");
                }
            });
            AdmissionVerdict verdict = future.get(
                    Math.max(1, Duration.between(clock.instant(), request.deadline()).toMillis()), TimeUnit.MILLISECONDS);
            return Answer.of(encode(request, verdict));
        } catch (RejectedExecutionException e) {
            failure = "error";
            log.error("admission of {} ({} {}) not started: every admission worker is busy and the queue is full; "
                    + "failure mode {}", request.describe(), request.operation(), endpoint, properties.failureMode());
        } catch (TimeoutException e) {
            future.cancel(true);
            failure = "timeout";
            log.error("admission of {} ({} {}) exceeded its {} deadline; failure mode {}", request.describe(),
                    request.operation(), endpoint, budget, properties.failureMode());
        } catch (ExecutionException e) {
            failure = "error";
            log.error("admission of {} ({} {}) failed; failure mode {}", request.describe(), request.operation(),
                    endpoint, properties.failureMode(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "error";
        } catch (RuntimeException e) {
            failure = "error";
            log.error("encoding the admission response for {} failed", request.describe(), e);
        }
        ObjectNode response = mapper.createObjectNode();
        response.put("uid", request.uid());
        String message = "sysched webhook internal " + failure + " (request uid " + request.uid() + ")";
        if (properties.failureMode() == FailureMode.DENY) {
            response.put("allowed", false);
            ObjectNode status = response.putObject("status");
            status.put("code", 500);
            status.put("reason", "InternalError");
            status.put("message", message);
            return new Answer(response, failure);
        }
        response.put("allowed", true);
        ArrayNode failSafe = endpoint == Endpoint.MUTATE ? failSafePatch(request) : null;
        if (failSafe == null || failSafe.isEmpty()) {
            response.putArray("warnings").add(message + "; admitted unchanged");
        } else {
            response.put("patchType", "JSONPatch");
            response.put("patch", Base64.getEncoder().encodeToString(mapper.writeValueAsBytes(failSafe)));
            response.putArray("warnings").add(message + "; admitted without sysched's changes, but without the "
                    + "client's values of sysched's own annotations");
        }
        return new Answer(response, failure);
    }

    /**
     * What the mutators must do even when the request failed and is admitted anyway ({@link Mutator#mutateOnFailure});
     * null when that fails too (the request is then admitted unchanged).
     */
    private ArrayNode failSafePatch(AdmissionContext request) {
        try {
            MutationVerdict verdict = new MutationVerdict(request.object());
            for (Mutator mutator : mutators) {
                mutator.mutateOnFailure(request, verdict);
            }
            return verdict.patch().operations();
        } catch (RuntimeException e) {
            log.error("the fail-safe patch for {} failed too; admitted unchanged", request.describe(), e);
            return null;
        }
    }

    private AdmissionVerdict mutate(AdmissionContext request) {
        MutationVerdict verdict = new MutationVerdict(request.object());
        for (Mutator mutator : mutators) {
            checkDeadline(request);
            if (mutator.supports(request)) {
                mutator.mutate(request, verdict);
            }
        }
        return verdict;
    }

    private AdmissionVerdict validate(AdmissionContext request) {
        AdmissionVerdict verdict = new AdmissionVerdict();
        for (Validator validator : validators) {
            checkDeadline(request);
            if (validator.supports(request)) {
                validator.validate(request, verdict);
            }
        }
        return verdict;
    }

    private void checkDeadline(AdmissionContext request) {
        if (Thread.currentThread().isInterrupted() || clock.instant().isAfter(request.deadline())) {
            throw new IllegalStateException("deadline exceeded");
        }
    }

    private ObjectNode encode(AdmissionContext request, AdmissionVerdict verdict) {
        ObjectNode response = mapper.createObjectNode();
        response.put("uid", request.uid());
        if (verdict.denied()) {
            response.put("allowed", false);
            ObjectNode status = response.putObject("status");
            status.put("code", verdict.denial().code());
            status.put("reason", verdict.denial().reason());
            status.put("message", verdict.denial().message());
            log.info("denied {} {}: {}", request.operation(), request.describe(), verdict.denial().message());
        } else {
            response.put("allowed", true);
            if (verdict instanceof MutationVerdict mutation && !mutation.patch().isEmpty()) {
                ArrayNode ops = mutation.patch().operations();
                response.put("patchType", "JSONPatch");
                response.put("patch", Base64.getEncoder().encodeToString(mapper.writeValueAsBytes(ops)));
                log.debug("patched {} {}: {}", request.operation(), request.describe(), ops);
            }
        }
        if (!verdict.warnings().isEmpty()) {
            ArrayNode warnings = response.putArray("warnings");
            verdict.warnings().forEach(warnings::add);
        }
        return response;
    }

    AdmissionContext decode(byte[] body) {
        JsonNode root;
        try {
            root = bodyParser.readTree(body);
        } catch (StreamConstraintsException e) {
            throw new BadAdmissionReviewException("body exceeds a parser limit: " + e.getOriginalMessage(), e);
        } catch (JacksonException e) {
            throw new BadAdmissionReviewException("body is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new BadAdmissionReviewException("body is not a JSON object");
        }
        String apiVersion = root.path("apiVersion").asString("");
        String kind = root.path("kind").asString("");
        if (!KIND.equals(kind) || !API_VERSION.equals(apiVersion)) {
            throw new BadAdmissionReviewException("expected apiVersion " + API_VERSION + " kind " + KIND
                    + ", got apiVersion '" + apiVersion + "' kind '" + kind + "'");
        }
        JsonNode req = root.path("request");
        if (!req.isObject()) {
            throw new BadAdmissionReviewException("AdmissionReview has no request");
        }
        String uid = text(req, "uid");
        if (uid.isEmpty()) {
            throw new BadAdmissionReviewException("request.uid is missing");
        }
        JsonNode kindNode = req.path("kind");
        if (!kindNode.isObject() || text(kindNode, "kind").isEmpty()) {
            throw new BadAdmissionReviewException("request.kind is missing");
        }
        AdmissionContext.Operation operation;
        try {
            operation = AdmissionContext.Operation.valueOf(text(req, "operation"));
        } catch (IllegalArgumentException e) {
            throw new BadAdmissionReviewException("request.operation '" + text(req, "operation")
                    + "' is not CREATE, UPDATE, DELETE or CONNECT");
        }
        List<String> groups = new ArrayList<>();
        req.path("userInfo").path("groups").forEach(g -> groups.add(g.asString("")));
        Instant deadline = clock.instant().plus(properties.requestDeadline());
        return new AdmissionContext(uid, text(kindNode, "group"), text(kindNode, "version"), text(kindNode, "kind"),
                text(req, "subResource"), text(req, "namespace"), text(req, "name"), operation,
                text(req.path("userInfo"), "username"), groups, req.path("dryRun").asBoolean(false),
                req.get("object"), req.get("oldObject"), deadline, mapper);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() ? value.stringValue() : "";
    }

    private static List<String> names(List<?> beans) {
        return beans.stream().map(b -> b.getClass().getSimpleName()).toList();
    }
}
