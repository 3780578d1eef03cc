package io.github.sysched.scheduler.extender;

import io.github.sysched.pod.ScoringPod;
import io.github.sysched.scheduler.extender.ExtenderMetrics.Verb;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extender's HTTP edge on the main port (8888): {@code POST /filter}, {@code /prioritize}, {@code /preempt}
 * ({@link ExtenderPreemption}), {@code /bind} (with
 * {@code sysched.scheduler.bind.enabled}) and {@code /noop}, as a plain servlet on the embedded Tomcat (no Spring MVC
 * dispatch, argument resolution or message conversion on the way: BENCHMARKS.md B7 gives what that saves).
 *
 * <p>Per request: the body is read with the size cap ({@link ExtenderRequestReader}), decoded by a streaming parser
 * into the {@link ScoringPod} and canonical node names ({@link ExtenderRequestDecoder}), decided by
 * {@link ExtenderService} (or {@link BindController}), and the answer written by a streaming generator into one
 * buffer sent with its {@code Content-Length} ({@link ExtenderAnswerWriter}). Refusals: 413 for a body over the cap,
 * 400 for one that cannot be decoded or a pod that cannot be resolved, each {@code {"error": "..."}}. Tomcat keeps
 * connections alive for as long as kube-scheduler reuses them ({@code server.tomcat.max-keep-alive-requests: -1}).
 *
 * <p>{@code /noop} reads the body (with the same cap) and answers {@code {}}: the floor any extender on this server
 * pays for a request of that size, against which B7 measures the verbs.
 */
final class ExtenderServlet extends HttpServlet {

    private static final Logger log = LoggerFactory.getLogger(ExtenderServlet.class);
    private static final String JSON = "application/json";

    private final transient ExtenderRequestReader reader;
    private final transient ExtenderRequestDecoder decoder;
    private final transient ExtenderAnswerWriter writer;
    private final transient ExtenderService service;
    private final transient BindController binder;
    private final transient ExtenderMetrics metrics;
    private final transient ExtenderWarmUp warmUp;

    ExtenderServlet(
            ExtenderRequestReader reader,
            ExtenderRequestDecoder decoder,
            ExtenderAnswerWriter writer,
            ExtenderService service,
            BindController binder,
            ExtenderMetrics metrics,
            ExtenderWarmUp warmUp) {
        this.reader = reader;
        this.decoder = decoder;
        this.writer = writer;
        this.service = service;
        this.binder = binder;
        this.metrics = metrics;
        this.warmUp = warmUp;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long started = System.nanoTime();
        Verb verb = verb(request.getServletPath());
        if (verb == null || (verb == Verb.BIND && binder == null)) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        // decided once: the warm-up may finish (and stop recognizing its requests) while this one is answered
        boolean warmUpRequest = warmUp.isWarmUpRequest(request);
        ExtenderAnswer answer = new ExtenderAnswer(4 * 1024);
        boolean success = false;
        try {
            byte[] body = reader.body(request);
            success = answer(verb, body, answer, !warmUpRequest);
        } catch (BadExtenderRequestException e) {
            log.debug("bad extender request: {}", e.getMessage());
            answer.reject(HttpServletResponse.SC_BAD_REQUEST, "bad extender request: " + e.getMessage(), writer);
        } catch (ExtenderRequestReader.TooLargeException e) {
            log.debug("extender request refused: {}", e.getMessage());
            answer.reject(413, e.getMessage(), writer);
        }
        response.setStatus(answer.status());
        response.setContentType(JSON);
        response.setContentLength(answer.size());
        answer.writeTo(response.getOutputStream());
        if (!warmUpRequest) {
            metrics.request(verb, success, System.nanoTime() - started);
            if (!warmUp.warm()) {
                metrics.cold(verb);
            }
        }
    }

    /**
     * Decides {@code verb} on {@code body} and writes the 200 answer into {@code answer}; false when that answer
     * carries an {@code Error}. Also what the warm-up runs in-process.
     */
    boolean answer(Verb verb, byte[] body, ExtenderAnswer answer) {
        return answer(verb, body, answer, false); // the warm-up's in-process calls
    }

    /**
     * {@code inFlight}: whether the pod takes part in the in-flight registry ({@link ExtenderService}); false for the
     * warm-up's made-up pods, which must never make a real pod wait or be refused on doubt.
     */
    private boolean answer(Verb verb, byte[] body, ExtenderAnswer answer, boolean inFlight) {
        switch (verb) {
            case FILTER -> {
                ExtenderRequest request = decoder.decodeArgs(body, body.length);
                List<String> candidates = request.filterCandidates();
                metrics.nodes(Verb.FILTER, candidates.size());
                String refusal = request.pod() == null ? "extender request without a Pod" : service.notReady();
                if (refusal != null) {
                    writer.filterError(answer, refusal);
                    return false;
                }
                writer.filter(
                        answer,
                        request,
                        service.filterNodes(request.pod(), candidates, inFlight).failed());
                return true;
            }
            case PRIORITIZE -> {
                ExtenderRequest request = decoder.decodeArgs(body, body.length);
                List<String> candidates = request.candidates();
                metrics.nodes(Verb.PRIORITIZE, candidates.size());
                int[] scores = service.prioritizeNodes(request.pod(), candidates, inFlight);
                writer.prioritize(answer, request, candidates, scores);
                return true;
            }
            case PREEMPT -> {
                ExtenderPreemption.Args args = ExtenderPreemption.decode(body);
                metrics.nodes(Verb.PREEMPT, args.metaVictims().size());
                ExtenderPreemption.answer(service, args, answer);
                return true;
            }
            case BIND -> {
                String error = binder.bind(decoder.decodeBindingArgs(body, body.length))
                        .error();
                writer.bind(answer, error);
                return error.isEmpty();
            }
            default -> {
                writer.empty(answer);
                return true;
            }
        }
    }

    static Verb verb(String path) {
        return switch (path) {
            case "/filter" -> Verb.FILTER;
            case "/prioritize" -> Verb.PRIORITIZE;
            case "/preempt" -> Verb.PREEMPT;
            case "/bind" -> Verb.BIND;
            case "/noop" -> Verb.NOOP;
            default -> null;
        };
    }
}
