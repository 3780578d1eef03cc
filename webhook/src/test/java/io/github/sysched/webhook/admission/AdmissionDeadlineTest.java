package io.github.sysched.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.TestProperties;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The request deadline: a verdict in time, a timeout (worker interrupted), an error, no free worker. */
class AdmissionDeadlineTest {

    private final ThreadPoolExecutor executor =
            new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1));
    private final AdmissionDeadline deadline =
            new AdmissionDeadline(executor, TestProperties.webhook("request-deadline", "200ms"));

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private AdmissionContext request() {
        return new AdmissionReviewCodec(Reviews.JSON)
                .decode(
                        Reviews.JSON.writeValueAsBytes(
                                Reviews.podCreate("default", Reviews.pod("x-", "default", "nginx:1.16"))),
                        deadline.fromNow());
    }

    private static AdmissionHandler handler(java.util.function.Function<AdmissionContext, AdmissionVerdict> body) {
        return new AdmissionHandler() {
            @Override
            public Endpoint endpoint() {
                return Endpoint.MUTATE;
            }

            @Override
            public AdmissionVerdict handle(AdmissionContext request) {
                return body.apply(request);
            }
        };
    }

    @Test
    void aVerdictInTimeIsTheAnswer() throws Exception {
        AdmissionVerdict verdict = new AdmissionVerdict();

        assertThat(deadline.run(handler(r -> verdict), request())).isSameAs(verdict);
    }

    @Test
    void aSlowHandlerTimesOutAndIsInterrupted() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        AdmissionContext request = request();

        assertThatThrownBy(() -> deadline.run(
                        handler(r -> {
                            try {
                                Thread.sleep(10_000);
                            } catch (InterruptedException e) {
                                interrupted.countDown();
                            }
                            return new AdmissionVerdict();
                        }),
                        request))
                .isInstanceOfSatisfying(
                        AdmissionFailure.class, e -> assertThat(e.outcome()).isEqualTo("timeout"));
        assertThat(Instant.now()).isBefore(request.deadline().plusSeconds(5));
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aFailingHandlerIsAnErrorWithItsCause() {
        IllegalStateException bug = new IllegalStateException("simulated bug");

        assertThatThrownBy(() -> deadline.run(
                        handler(r -> {
                            throw bug;
                        }),
                        request()))
                .isInstanceOfSatisfying(AdmissionFailure.class, e -> {
                    assertThat(e.outcome()).isEqualTo("error");
                    assertThat(e.getCause()).isSameAs(bug);
                });
    }

    @Test
    void noFreeWorkerIsAnErrorAtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        executor.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        executor.execute(() -> {}); // fills the queue

        try {
            assertThatThrownBy(() -> deadline.run(handler(r -> new AdmissionVerdict()), request()))
                    .isInstanceOfSatisfying(AdmissionFailure.class, e -> {
                        assertThat(e.outcome()).isEqualTo("error");
                        assertThat(e.getMessage()).contains("every admission worker is busy");
                    });
        } finally {
            release.countDown();
        }
    }
}
