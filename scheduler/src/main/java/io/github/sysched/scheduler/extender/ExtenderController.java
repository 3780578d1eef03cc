package io.github.sysched.scheduler.extender;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The kube-scheduler extender verbs on the main port (8888). Metrics: {@code sysched.extender.requests}
 * (timer, tags verb and outcome) and {@code sysched.extender.request.nodes} (candidate nodes per request).
 */
@RestController
public class ExtenderController {

    private final ExtenderService service;
    private final ExtenderMetrics metrics;
    private final ExtenderRequestReader reader;

    public ExtenderController(ExtenderService service, ExtenderMetrics metrics, ExtenderRequestReader reader) {
        this.service = service;
        this.metrics = metrics;
        this.reader = reader;
    }

    @PostMapping(path = "/filter", consumes = MediaType.ALL_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    public ExtenderFilterResult filter(HttpServletRequest request) throws IOException {
        ExtenderArgs args = reader.read(request, ExtenderArgs.class);
        Timer.Sample sample = metrics.start();
        String outcome = "error";
        try {
            metrics.nodes("filter", ExtenderService.candidateNames(args).size());
            ExtenderFilterResult result = service.filter(args);
            outcome = result.error() == null || result.error().isEmpty() ? "success" : "error";
            return result;
        } finally {
            metrics.stop(sample, "filter", outcome);
        }
    }

    @PostMapping(path = "/prioritize", consumes = MediaType.ALL_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    public List<HostPriority> prioritize(HttpServletRequest request) throws IOException {
        ExtenderArgs args = reader.read(request, ExtenderArgs.class);
        Timer.Sample sample = metrics.start();
        String outcome = "error";
        try {
            metrics.nodes("prioritize", ExtenderService.candidateNames(args).size());
            List<HostPriority> result = service.prioritize(args);
            outcome = "success";
            return result;
        } finally {
            metrics.stop(sample, "prioritize", outcome);
        }
    }

    /** Request metrics shared by the verbs. */
    public static class ExtenderMetrics {
        private final MeterRegistry registry;

        public ExtenderMetrics(MeterRegistry registry) {
            this.registry = registry;
        }

        public Timer.Sample start() {
            return Timer.start(registry);
        }

        public void stop(Timer.Sample sample, String verb, String outcome) {
            sample.stop(Timer.builder("sysched.extender.requests")
                    .description("Extender request latency")
                    .tag("verb", verb).tag("outcome", outcome)
                    .publishPercentileHistogram()
                    .register(registry));
        }

        public void nodes(String verb, int count) {
            DistributionSummary.builder("sysched.extender.request.nodes")
                    .description("Candidate nodes per extender request")
                    .tag("verb", verb)
                    .register(registry)
                    .record(count);
        }
    }
}
