package io.github.sysched.webhook.admission;

import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Service;

/**
 * One admission request, protocol in, domain call, protocol out: {@link AdmissionReviewCodec} decodes it, the
 * endpoint's {@link AdmissionHandler} judges it within the {@link AdmissionDeadline}, the {@link FailurePolicy}
 * answers when that fails, and the codec encodes the verdict.
 */
@Service
public class AdmissionService {

    private static final Logger log = LoggerFactory.getLogger(AdmissionService.class);

    private final AdmissionReviewCodec codec;
    private final Map<Endpoint, AdmissionHandler> handlers = new EnumMap<>(Endpoint.class);
    private final AdmissionDeadline deadline;
    private final FailurePolicy failurePolicy;
    private final AdmissionMetrics metrics;

    public AdmissionService(
            AdmissionReviewCodec codec,
            List<AdmissionHandler> handlers,
            AdmissionDeadline deadline,
            FailurePolicy failurePolicy,
            AdmissionMetrics metrics) {
        this.codec = codec;
        handlers.forEach(h -> this.handlers.put(h.endpoint(), h));
        if (this.handlers.size() != Endpoint.values().length) {
            throw new IllegalStateException("one AdmissionHandler per endpoint expected, got " + handlers);
        }
        this.deadline = deadline;
        this.failurePolicy = failurePolicy;
        this.metrics = metrics;
    }

    /** Handles one body; throws {@link BadAdmissionReviewException} for anything that cannot be answered. */
    public byte[] review(Endpoint endpoint, byte[] body) {
        Timer.Sample sample = metrics.start();
        String endpointTag = endpoint.name().toLowerCase();
        AdmissionContext request;
        try {
            request = codec.decode(body, deadline.fromNow());
        } catch (AdmissionReviewCodec.UnreadableRequest e) {
            metrics.stop(sample, endpointTag, e.kind(), e.operation(), "bad-request");
            AdmissionVerdict verdict = new AdmissionVerdict();
            verdict.deny(400, "BadRequest", e.getMessage());
            return codec.encode(e.uid(), verdict);
        } catch (BadAdmissionReviewException e) {
            metrics.stop(sample, endpointTag, "unknown", "unknown", "bad-request");
            throw e;
        }
        MDC.put("uid", request.uid());
        try {
            AdmissionVerdict verdict;
            String outcome;
            try {
                verdict = deadline.run(handlers.get(endpoint), request);
                outcome = verdict.outcome();
                logVerdict(request, verdict);
            } catch (UndecodableObjectException e) {
                verdict = new AdmissionVerdict();
                verdict.deny(400, "BadRequest", e.getMessage());
                outcome = "bad-request";
                logVerdict(request, verdict);
            } catch (AdmissionFailure e) {
                verdict = failurePolicy.answer(request, endpoint, e);
                outcome = e.outcome();
            }
            metrics.stop(
                    sample, endpointTag, request.kind(), request.operation().name(), outcome);
            return codec.encode(request.uid(), verdict);
        } finally {
            MDC.remove("uid");
        }
    }

    private static void logVerdict(AdmissionContext request, AdmissionVerdict verdict) {
        if (verdict.denied()) {
            log.info(
                    "denied {} {}: {}",
                    request.operation(),
                    request.describe(),
                    verdict.denial().message());
        } else if (verdict.patch() != null) {
            log.debug("patched {} {}: {}", request.operation(), request.describe(), verdict.patch());
        }
    }
}
