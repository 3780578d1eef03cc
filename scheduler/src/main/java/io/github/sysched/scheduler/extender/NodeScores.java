package io.github.sysched.scheduler.extender;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What the extender decided for one pod: per candidate node (in request order), the ExS the pod would add there
 * ({@code exs}, what the score is built from; lower is better) and the extender score it answered ({@code scores},
 * 0..10). With the default marginal score {@code exs} is exactly what the pod adds (0 on an empty node, which the
 * score nevertheless ranks at the opening cost, so a node where the pod adds a little can outscore an empty one);
 * with {@code scoring.mode=upstream} it is upstream's raw figure, the node's ExS after the placement.
 * {@link ExtenderService#scores} is the one place that computes it: {@code /prioritize}, the placement Events and
 * the {@code explain} command all read this. The arrays are not copied: neither side changes them.
 */
public record NodeScores(List<String> nodes, long[] exs, int[] scores) {

    public NodeScores {
        if (nodes.size() != exs.length || nodes.size() != scores.length) {
            throw new IllegalArgumentException("one ExS and one score per node");
        }
    }

    public int size() {
        return nodes.size();
    }

    /** The index of {@code node}, or -1. */
    public int indexOf(String node) {
        return nodes.indexOf(node);
    }

    /** The candidate with the lowest ExS (the first of equals); -1 when there is none. */
    public int best() {
        int best = -1;
        for (int i = 0; i < exs.length; i++) {
            if (best < 0 || exs[i] < exs[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The candidate with the highest ExS (the first of equals); -1 when there is none. */
    public int worst() {
        int worst = -1;
        for (int i = 0; i < exs.length; i++) {
            if (worst < 0 || exs[i] > exs[worst]) {
                worst = i;
            }
        }
        return worst;
    }

    /** 1 + the number of candidates with a lower ExS (equal ExS, equal rank). */
    public int rank(int index) {
        int lower = 0;
        for (long value : exs) {
            if (value < exs[index]) {
                lower++;
            }
        }
        return lower + 1;
    }

    /** The indices of the highest extender score: where sysched would send the pod (kube-scheduler breaks ties). */
    public List<Integer> chosen() {
        int max = Arrays.stream(scores).max().orElse(-1);
        return IntStream.range(0, scores.length)
                .filter(i -> scores[i] == max)
                .boxed()
                .toList();
    }

    /** At most {@code n} indices, highest score first, then lowest ExS, then request order. */
    public List<Integer> top(int n) {
        List<Integer> order =
                new ArrayList<>(IntStream.range(0, nodes.size()).boxed().toList());
        order.sort(Comparator.<Integer>comparingInt(i -> -scores[i]).thenComparingLong(i -> exs[i]));
        return order.subList(0, Math.min(n, order.size()));
    }
}
