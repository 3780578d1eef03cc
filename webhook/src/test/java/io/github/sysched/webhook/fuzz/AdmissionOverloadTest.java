package io.github.sysched.webhook.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.WebhookTestBase;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * When every admission worker is busy and the queue is full, a request is answered by the failure mode like any
 * other internal error (it used to escape as an HTTP 500, which the API server treats as a failed call).
 */
class AdmissionOverloadTest extends WebhookTestBase {

    @Autowired
    @Qualifier("admissionExecutor")
    ExecutorService admissionExecutor;

    @Test
    void aRequestThatFindsNoFreeWorkerGetsTheFailureModeAnswer() {
        ThreadPoolExecutor pool = (ThreadPoolExecutor) admissionExecutor;
        CountDownLatch release = new CountDownLatch(1);
        try {
            for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
                pool.execute(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            // every worker blocked before the queue is filled, or a worker would free a slot by taking a task
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.getActiveCount() == pool.getMaximumPoolSize());
            while (pool.getQueue().remainingCapacity() > 0) {
                pool.execute(() -> {});
            }
            ObjectNode pod = Reviews.pod("web-", "default", "nginx:1.16");
            ((ObjectNode) pod.path("metadata")).putObject("annotations").put("exs.sysched.io/syscalls", "v1;;;");
            ObjectNode review = Reviews.podCreate("default", pod);

            HttpResponse<String> response = post("/mutate", review.toString());

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode answer = Reviews.JSON.readTree(response.body()).path("response");
            assertThat(answer.path("uid").asString())
                    .isEqualTo(review.at("/request/uid").asString());
            assertThat(answer.path("allowed").asBoolean())
                    .as("failure-mode allow")
                    .isTrue();
            assertThat(answer.path("warnings").toString()).contains("sysched webhook internal error");
            assertThat(patched(review, answer).at("/metadata/annotations").has("exs.sysched.io/syscalls"))
                    .as("the forged annotation is removed even so")
                    .isFalse();
        } finally {
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.getQueue().isEmpty() && pool.getActiveCount() == 0);
        }
    }
}
