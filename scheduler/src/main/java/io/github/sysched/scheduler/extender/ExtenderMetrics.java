package io.github.sysched.scheduler.extender;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Request metrics of the extender's verbs: {@code sysched.extender.requests} (timer, tags {@code verb} and
 * {@code outcome}: the whole request inside the extender, from the first body byte read to the answer written;
 * {@code error} for a rejected request or an answer with {@code Error}), {@code sysched.extender.request.nodes}
 * (candidate nodes per request, tag {@code verb}) and {@code sysched.extender.requests.cold} (requests answered
 * before the warm-up of the request path had finished, tag {@code verb}: each may have taken far longer than usual).
 * The meters are registered once; recording allocates nothing.
 */
public final class ExtenderMetrics {

    /** The verbs, as the {@code verb} tag spells them. */
    public enum Verb {
        FILTER,
        PRIORITIZE,
        PREEMPT,
        BIND,
        NOOP;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<Verb, Timer> successes = new EnumMap<>(Verb.class);
    private final Map<Verb, Timer> errors = new EnumMap<>(Verb.class);
    private final Map<Verb, DistributionSummary> nodes = new EnumMap<>(Verb.class);
    private final Map<Verb, Counter> cold = new EnumMap<>(Verb.class);

    public ExtenderMetrics(MeterRegistry registry) {
        for (Verb verb : Verb.values()) {
            successes.put(verb, timer(registry, verb, "success"));
            errors.put(verb, timer(registry, verb, "error"));
            cold.put(
                    verb,
                    Counter.builder("sysched.extender.requests.cold")
                            .description("Extender requests answered before the request path was warmed up")
                            .tag("verb", verb.tag())
                            .register(registry));
            if (verb == Verb.FILTER || verb == Verb.PRIORITIZE || verb == Verb.PREEMPT) {
                nodes.put(
                        verb,
                        DistributionSummary.builder("sysched.extender.request.nodes")
                                .description("Candidate nodes per extender request")
                                .tag("verb", verb.tag())
                                .register(registry));
            }
        }
    }

    private static Timer timer(MeterRegistry registry, Verb verb, String outcome) {
        return Timer.builder("sysched.extender.requests")
                .description("Extender request latency inside the extender (body read to answer written)")
                .tag("verb", verb.tag())
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry);
    }

    void request(Verb verb, boolean success, long nanos) {
        (success ? successes : errors).get(verb).record(nanos, TimeUnit.NANOSECONDS);
    }

    void nodes(Verb verb, int count) {
        nodes.get(verb).record(count);
    }

    void cold(Verb verb) {
        cold.get(verb).increment();
    }
}
