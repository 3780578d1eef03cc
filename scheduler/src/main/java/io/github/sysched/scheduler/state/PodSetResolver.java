package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.api.model.Pod;
import io.github.sysched.annotation.AnnotationSignature;
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
 * A pod's syscall set and the class it claims: the webhook's {@code exs.sysched.io/syscalls} and
 * {@code exs.sysched.io/ipp-class} annotations when {@link AnnotationTrust} believes them, else the
 * {@link UnannotatedPodResolver} (normally {@link SpoPodResolver}, i.e. common's
 * {@code io.github.sysched.pod.PodSyscallResolver} over the SeccompProfile cache) for the set and nothing for the class
 * (the pod's label then decides). Fallbacks are counted in {@code sysched.pods.fallback{source,reason}}, reason
 * {@code missing}, {@code malformed} or {@code untrusted} (an annotation without a valid signature).
 */
public class PodSetResolver {

    private static final Logger log = LoggerFactory.getLogger(PodSetResolver.class);

    public enum Origin {
        ANNOTATION,
        MISSING,
        MALFORMED,
        UNTRUSTED
    }

    /**
     * @param ippClassAnnotation the trusted {@code exs.sysched.io/ipp-class} value, or null (absent or untrusted)
     */
    public record Resolution(SyscallSet syscalls, Origin origin, String ippClassAnnotation) {
        public boolean fallback() {
            return origin != Origin.ANNOTATION;
        }
    }

    /** Where a resolution happens: the informer (pods already placed) or a request (the incoming pod). */
    public enum Source {
        INFORMER,
        REQUEST
    }

    private final UnannotatedPodResolver fallback;
    private final AnnotationTrust trust;
    private final Counter[][] counters = new Counter[Source.values().length][Origin.values().length];

    public PodSetResolver(UnannotatedPodResolver fallback, AnnotationTrust trust, MeterRegistry registry) {
        this.fallback = fallback;
        this.trust = trust;
        for (Source source : Source.values()) {
            for (Origin origin : Origin.values()) {
                if (origin != Origin.ANNOTATION) {
                    counters[source.ordinal()][origin.ordinal()] = Counter.builder("sysched.pods.fallback")
                            .description("Pods whose syscall set came from the fallback resolver (no valid, trusted "
                                    + "annotation)")
                            .tag("source", source.name().toLowerCase())
                            .tag("reason", origin.name().toLowerCase())
                            .register(registry);
                }
            }
        }
    }

    /** Believing every annotation ({@link AnnotationTrust#ANY}). */
    public PodSetResolver(UnannotatedPodResolver fallback, MeterRegistry registry) {
        this(fallback, AnnotationTrust.ANY, registry);
    }

    public Resolution resolve(Pod pod, Source source) {
        Map<String, String> annotations =
                pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(PlacementAnnotations.SYSCALLS);
        String ippClass = annotations == null ? null : annotations.get(PlacementAnnotations.IPP_CLASS);
        Origin origin = Origin.MISSING;
        if (value != null || ippClass != null) {
            AnnotationSignature.Verdict verdict = trust.verify(pod);
            if (!verdict.trusted()) {
                log.debug(
                        "pod {}/{}: annotations not trusted ({}); resolving it from its spec",
                        pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName(),
                        verdict);
                origin = value == null ? Origin.MISSING : Origin.UNTRUSTED;
                ippClass = null;
                value = null;
            }
        }
        if (value != null) {
            try {
                return new Resolution(SyscallAnnotation.decode(value).syscalls(), Origin.ANNOTATION, ippClass);
            } catch (MalformedAnnotationException e) {
                origin = Origin.MALFORMED;
                log.warn(
                        "pod {}/{}: malformed {} annotation ({}); using the fallback set",
                        pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName(),
                        PlacementAnnotations.SYSCALLS,
                        e.getMessage());
            }
        }
        counters[source.ordinal()][origin.ordinal()].increment();
        return new Resolution(fallback.resolve(pod), origin, ippClass);
    }
}
