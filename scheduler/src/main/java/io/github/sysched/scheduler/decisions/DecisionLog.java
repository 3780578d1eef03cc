package io.github.sysched.scheduler.decisions;

import io.github.sysched.scheduler.extender.ExtenderObserver;
import io.github.sysched.scheduler.extender.NodeScores;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DEBUG line per extender call on the logger {@value #LOGGER}, e.g.
 * <pre>verb=prioritize pod=default/redis1-846ca16-nfx5w uid=… candidates=2 top=worker-b:exs=0:score=10,worker-a:exs=26:score=0 took=0.214ms</pre>
 * Off by default; {@code logging.level.io.github.sysched.scheduler.decisions=debug} (the chart's
 * {@code scheduler.logDecisions}) turns it on. Nothing is formatted while the level is off.
 */
public final class DecisionLog implements ExtenderObserver {

    public static final String LOGGER = "io.github.sysched.scheduler.decisions";
    /** How many candidates a prioritize line names. */
    public static final int TOP = 3;

    private final Logger log;

    public DecisionLog() {
        this(LoggerFactory.getLogger(LOGGER));
    }

    DecisionLog(Logger log) {
        this.log = log;
    }

    @Override
    public void filtered(PodRef pod, int candidates, Map<String, String> failed, long nanos) {
        if (log.isDebugEnabled()) {
            log.debug(
                    "verb=filter pod={} uid={} candidates={} failed={} took={}",
                    pod,
                    pod.uid(),
                    candidates,
                    failed.size(),
                    millis(nanos));
        }
    }

    @Override
    public void prioritized(PodRef pod, NodeScores scores, long nanos) {
        if (log.isDebugEnabled()) {
            StringJoiner top = new StringJoiner(",");
            for (int i : scores.top(TOP)) {
                top.add(scores.nodes().get(i) + ":exs=" + scores.exs()[i] + ":score=" + scores.scores()[i]);
            }
            log.debug(
                    "verb=prioritize pod={} uid={} candidates={} top={} took={}",
                    pod,
                    pod.uid(),
                    scores.size(),
                    top,
                    millis(nanos));
        }
    }

    @Override
    public void bound(PodRef pod, String node, long nanos) {
        if (log.isDebugEnabled()) {
            log.debug("verb=bind pod={} uid={} node={} took={}", pod, pod.uid(), node, millis(nanos));
        }
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3fms", nanos / 1e6);
    }
}
