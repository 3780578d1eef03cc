package io.github.sysched.scoring;

/**
 * Turns raw ExS values (lower is better) into scheduler scores (higher is better).
 *
 * <p>{@link #normalize} is upstream's {@code DefaultNormalizeScore(MaxNodeScore=100, reverse=true)}: with
 * max the largest raw value, max = 0 gives every node 100, otherwise a node scores
 * {@code 100 − 100·raw/max} with integer division. A scheduler extender answers in 0..10
 * (MaxExtenderPriority), so {@link #toExtenderScore} rounds that to the nearest tenth, halves up.
 */
public final class ExsNormalizer {

    public static final int MAX_NODE_SCORE = 100;
    public static final int MAX_EXTENDER_PRIORITY = 10;

    private ExsNormalizer() {}

    public static int[] normalize(long[] raw) {
        long max = 0;
        for (long score : raw) {
            if (score < 0) {
                throw new IllegalArgumentException("raw ExS cannot be negative: " + score);
            }
            max = Math.max(max, score);
        }
        int[] normalized = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            normalized[i] = max == 0 ? MAX_NODE_SCORE : (int) (MAX_NODE_SCORE - MAX_NODE_SCORE * raw[i] / max);
        }
        return normalized;
    }

    public static int toExtenderScore(int normalized) {
        if (normalized < 0 || normalized > MAX_NODE_SCORE) {
            throw new IllegalArgumentException("normalized score out of 0..100: " + normalized);
        }
        return (normalized + 5) / 10;
    }
}
