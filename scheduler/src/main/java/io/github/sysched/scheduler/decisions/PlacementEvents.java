package io.github.sysched.scheduler.decisions;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.kube.EventRecorder;
import io.github.sysched.scheduler.extender.ExtenderObserver;
import io.github.sysched.scheduler.extender.NodeScores;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code SyschedPlacement} Event: when a pod the extender scored is bound, a Normal Event on the pod names the
 * node, the ExS the pod adds there, the node's rank among the candidates, and the best and worst candidate, e.g.
 * <pre>Bound to worker-b: adds ExS 47 there, rank 1 of 2 candidates (sysched score 3 of 10); best worker-b (ExS 47),
 * worst worker-a (ExS 66)</pre>
 *
 * <p>The extender learns of the binding either way, whichever comes first: its own {@code /bind}
 * ({@link #bound}) or the pod informer seeing {@code spec.nodeName} set ({@link #podChanged}); the scores are taken out
 * of the memory by the first, so the second finds nothing and a pod gets one Event. The memory keeps the last
 * prioritize of each pod by UID for {@code scoresKeptFor} after it was written, at most {@value #MAX_CANDIDATES_KEPT}
 * candidates in all (the least recently written pods go first). A pod kube-scheduler did not ask the extender to score
 * (one feasible node: no prioritize call) gets no Event. Events go through the {@link EventRecorder} (queued, rate
 * limited, never waited for).
 */
public final class PlacementEvents implements ExtenderObserver, ClusterView.PodListener {

    public static final String REASON = "SyschedPlacement";
    /** The action of kube-scheduler's own {@code Scheduled} Event. */
    public static final String ACTION = "Binding";
    /** Bounds the memory: ~40 bytes per candidate (name, ExS, score), about 8 MB. */
    public static final long MAX_CANDIDATES_KEPT = 200_000;

    private record Scored(NodeScores scores) {}

    private final EventRecorder recorder;
    private final Cache<String, Scored> lastScores;
    private final AtomicLong posted = new AtomicLong();

    public PlacementEvents(EventRecorder recorder, Duration scoresKeptFor) {
        this.recorder = recorder;
        this.lastScores = Caffeine.newBuilder()
                .expireAfterWrite(scoresKeptFor)
                .maximumWeight(MAX_CANDIDATES_KEPT)
                .<String, Scored>weigher((uid, scored) -> 1 + scored.scores().size())
                .executor(Runnable::run) // the little maintenance there is runs on the caller, no pool of its own
                .build();
    }

    @Override
    public void prioritized(PodRef pod, NodeScores scores, long nanos) {
        if (pod.uid() != null && scores.size() > 0) {
            lastScores.put(pod.uid(), new Scored(scores));
        }
    }

    @Override
    public void bound(PodRef pod, String node, long nanos) {
        if (pod.uid() != null && pod.namespace() != null) {
            post(reference(pod), node);
        }
    }

    @Override
    public void podChanged(Pod pod) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (node != null
                && !node.isEmpty()
                && pod.getMetadata() != null
                && pod.getMetadata().getUid() != null) {
            post(reference(PodRef.of(pod)), node);
        }
    }

    @Override
    public void podDeleted(Pod pod, boolean finalStateUnknown) {
        if (pod.getMetadata() != null && pod.getMetadata().getUid() != null) {
            lastScores.invalidate(pod.getMetadata().getUid());
        }
    }

    /** Events handed to the recorder (each pod at most once). */
    public long posted() {
        return posted.get();
    }

    /** Pods whose scores are kept. */
    public long remembered() {
        lastScores.cleanUp();
        return lastScores.estimatedSize();
    }

    private void post(ObjectReference pod, String node) {
        Scored scored = lastScores.asMap().remove(pod.getUid());
        if (scored == null) {
            return;
        }
        posted.incrementAndGet();
        recorder.post(new EventRecorder.Occurrence(
                pod,
                new ObjectReferenceBuilder()
                        .withApiVersion("v1")
                        .withKind("Node")
                        .withName(node)
                        .build(),
                "Normal",
                REASON,
                ACTION,
                note(node, scored.scores())));
    }

    private static ObjectReference reference(PodRef pod) {
        return new ObjectReferenceBuilder()
                .withApiVersion("v1")
                .withKind("Pod")
                .withNamespace(pod.namespace())
                .withName(pod.name())
                .withUid(pod.uid())
                .build();
    }

    /** The Event's note: where the pod went, what it adds there, and how that compares with the other candidates. */
    static String note(String node, NodeScores scores) {
        int best = scores.best();
        int worst = scores.worst();
        String range = "best " + scores.nodes().get(best) + " (ExS " + scores.exs()[best] + "), worst "
                + scores.nodes().get(worst) + " (ExS " + scores.exs()[worst] + ")";
        int index = scores.indexOf(node);
        if (index < 0) {
            return "Bound to " + node + ", which was not among the " + scores.size()
                    + " candidates sysched scored last: " + range;
        }
        return "Bound to " + node + ": adds ExS " + scores.exs()[index] + " there, rank " + scores.rank(index) + " of "
                + scores.size() + (scores.size() == 1 ? " candidate" : " candidates") + " (sysched score "
                + scores.scores()[index] + " of 10); " + range;
    }
}
