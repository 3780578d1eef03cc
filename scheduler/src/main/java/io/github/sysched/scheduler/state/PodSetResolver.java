package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.api.model.Pod;
import io.github.sysched.annotation.MalformedAnnotationException;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.annotation.SyscallAnnotation;
import io.github.sysched.syscall.SyscallSet;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pod's syscall set: the webhook's {@code exs.sysched.io/syscalls} annotation, or the
 * {@link UnannotatedPodResolver} (normally {@link SpoPodResolver}, i.e. common's
 * {@code io.github.sysched.pod.PodSyscallResolver} over the SeccompProfile cache) when it is missing or
 * malformed (counted in {@code sysched.pods.fallback{source,reason}}).
 */
public class PodSetResolver {

    private static final Logger log = LoggerFactory.getLogger(PodSetResolver.class);

    public enum Origin { ANNOTATION, MISSING, MALFORMED }

    public record Resolution(SyscallSet syscalls, Origin origin) {
        public boolean fallback() {
            return origin != Origin.ANNOTATION;
        }
    }

    /** Where a resolution happens: the informer (pods already placed) or a request (the incoming pod). */
    public enum Source { INFORMER, REQUEST }

    private final UnannotatedPodResolver fallback;
    private final Counter[][] counters = new Counter[Source.values().length][Origin.values().length];

    public PodSetResolver(UnannotatedPodResolver fallback, MeterRegistry registry) {
        this.fallback = fallback;
        for (Source source : Source.values()) {
            for (Origin origin : Origin.values()) {
                if (origin != Origin.ANNOTATION) {
                    counters[source.ordinal()][origin.ordinal()] = Counter.builder("sysched.pods.fallback")
                            .description("Pods whose syscall set came from the fallback resolver (no valid annotation)")
                            .tag("source", source.name().toLowerCase())
                            .tag("reason", origin.name().toLowerCase())
                            .register(registry);
                }
            }
        }
    }

    public Resolution resolve(Pod pod, Source source) {
        Map<String, String> annotations = pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(PlacementAnnotations.SYSCALLS);
        Origin origin = Origin.MISSING;
        if (value != null) {
            try {
                return new Resolution(SyscallAnnotation.decode(value).syscalls(), Origin.ANNOTATION);
            } catch (MalformedAnnotationException e) {
                origin = Origin.MALFORMED;
                log.warn("pod {}/{}: malformed {} annotation ({}); using the fallback set",
                        pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                        PlacementAnnotations.SYSCALLS, e.getMessage());
            }
        }
        counters[source.ordinal()][origin.ordinal()].increment();
        return new Resolution(fallback.resolve(pod), origin);
    }
}
