package io.github.sysched.scheduler.extender;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the extender tells about each decision once it has answered: the per-call debug log line and the placement
 * Events listen here ({@code io.github.sysched.scheduler.decisions}). The verbs call it after their answer is
 * computed; an implementation returns quickly, never blocks and never throws (the composite the service gets catches
 * anyway), so scheduling never waits for an explanation.
 */
public interface ExtenderObserver {

    /** Observes nothing. */
    ExtenderObserver NONE = new ExtenderObserver() {};

    /** {@code /filter} answered: {@code failed} nodes of {@code candidates} did not pass (node → reason). */
    default void filtered(PodRef pod, int candidates, Map<String, String> failed, long nanos) {}

    /** {@code /prioritize} answered {@code scores} (candidates in request order, their ExS and scores). */
    default void prioritized(PodRef pod, NodeScores scores, long nanos) {}

    /** {@code /bind} bound the pod to {@code node}. */
    default void bound(PodRef pod, String node, long nanos) {}

    /** The pod a decision was about; {@code uid} may be null when the request did not carry it. */
    record PodRef(String namespace, String name, String uid) {

        public static PodRef of(Pod pod) {
            if (pod == null || pod.getMetadata() == null) {
                return new PodRef(null, null, null);
            }
            return new PodRef(
                    pod.getMetadata().getNamespace(),
                    pod.getMetadata().getName(),
                    pod.getMetadata().getUid());
        }

        @Override
        public String toString() {
            return namespace + "/" + name;
        }
    }

    /** Calls each of {@code observers} in order; one that throws is logged and skipped. */
    static ExtenderObserver all(List<ExtenderObserver> observers) {
        return new Composite(List.copyOf(observers));
    }

    /** See {@link #all}. */
    record Composite(List<ExtenderObserver> observers) implements ExtenderObserver {

        private static final Logger log = LoggerFactory.getLogger(ExtenderObserver.class);

        @Override
        public void filtered(PodRef pod, int candidates, Map<String, String> failed, long nanos) {
            for (ExtenderObserver observer : observers) {
                try {
                    observer.filtered(pod, candidates, failed, nanos);
                } catch (RuntimeException e) {
                    log.warn("observer {} failed on filter of {}: {}", observer, pod, e.toString());
                }
            }
        }

        @Override
        public void prioritized(PodRef pod, NodeScores scores, long nanos) {
            for (ExtenderObserver observer : observers) {
                try {
                    observer.prioritized(pod, scores, nanos);
                } catch (RuntimeException e) {
                    log.warn("observer {} failed on prioritize of {}: {}", observer, pod, e.toString());
                }
            }
        }

        @Override
        public void bound(PodRef pod, String node, long nanos) {
            for (ExtenderObserver observer : observers) {
                try {
                    observer.bound(pod, node, nanos);
                } catch (RuntimeException e) {
                    log.warn("observer {} failed on bind of {}: {}", observer, pod, e.toString());
                }
            }
        }
    }
}
