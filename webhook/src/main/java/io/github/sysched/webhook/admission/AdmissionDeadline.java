package io.github.sysched.webhook.admission;

import io.github.sysched.webhook.config.WebhookProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * The request deadline ({@code sysched.webhook.request-deadline}): a handler runs on the bounded admission
 * executor, so the servlet thread can give up when the deadline passes (the worker is interrupted and its
 * result dropped) and answer by the failure mode, well before the API server's own timeout.
 */
@Component
public class AdmissionDeadline {

    private final ExecutorService executor;
    private final Duration budget;

    public AdmissionDeadline(@Qualifier("admissionExecutor") ExecutorService executor, WebhookProperties properties) {
        this.executor = executor;
        this.budget = properties.requestDeadline();
    }

    /** The deadline of a request that starts now. */
    public Instant fromNow() {
        return Instant.now().plus(budget);
    }

    /**
     * The handler's verdict, if it comes before the request's deadline.
     *
     * @throws UndecodableObjectException as the handler threw it (the request, not the webhook, is at fault)
     */
    public AdmissionVerdict run(AdmissionHandler handler, AdmissionContext request) throws AdmissionFailure {
        Future<AdmissionVerdict> future;
        try {
            future = executor.submit(() -> {
                MDC.put("uid", request.uid());
                try {
                    return handler.handle(request);
                } finally {
                    MDC.remove("uid");
                }
            });
        } catch (RejectedExecutionException e) {
            throw new AdmissionFailure(
                    "error", "not started: every admission worker is busy and the queue is full", null);
        }
        try {
            return future.get(Math.max(1, request.remaining().toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AdmissionFailure("timeout", "exceeded its " + budget + " deadline", null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UndecodableObjectException undecodable) {
                throw undecodable;
            }
            throw new AdmissionFailure("error", "failed", e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new AdmissionFailure("error", "interrupted", e);
        }
    }
}
