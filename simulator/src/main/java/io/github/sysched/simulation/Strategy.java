package io.github.sysched.simulation;

import java.util.Locale;
import java.util.OptionalLong;

/** How the simulator picks a node among the feasible ones. */
public sealed interface Strategy {

    /** Short name used in reports: {@code exs}, {@code spread}, {@code random(seed=…)}. */
    String label();

    /**
     * ExS, as the extender ranks nodes: {@code ExsEngine.rawScores} over the feasible nodes,
     * {@code ExsNormalizer.normalize}, the highest normalized score wins, ties go to the lowest node index.
     */
    record Exs() implements Strategy {
        @Override
        public String label() {
            return "exs";
        }
    }

    /**
     * Spreading: a feasible node with the fewest pods. Ties go to the lowest node index, or, with a seed, to a
     * uniformly random one of the tied nodes ({@code new java.util.SplittableRandom(seed)}), as kube-scheduler picks among
     * equally scored nodes.
     */
    record Spread(OptionalLong tieSeed) implements Strategy {
        public Spread {
            java.util.Objects.requireNonNull(tieSeed, "tieSeed");
        }

        @Override
        public String label() {
            return tieSeed.isPresent() ? "spread(ties seed=" + tieSeed.getAsLong() + ")" : "spread";
        }
    }

    /** A uniformly random feasible node, from {@code new java.util.Random(seed)}: reproducible. */
    record Random(long seed) implements Strategy {
        @Override
        public String label() {
            return "random(seed=" + seed + ")";
        }
    }

    static Strategy exs() {
        return new Exs();
    }

    static Strategy spread() {
        return new Spread(OptionalLong.empty());
    }

    /** Spreading with random tie-breaking, reproducible from {@code seed}. */
    static Strategy spread(long seed) {
        return new Spread(OptionalLong.of(seed));
    }

    static Strategy random(long seed) {
        return new Random(seed);
    }

    /**
     * Parses {@code exs}, {@code spread} (ties to the lowest index), {@code spread:<seed>} (random ties),
     * {@code random} (seed 1) or {@code random:<seed>}.
     */
    static Strategy parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("exs")) {
            return exs();
        }
        if (value.equals("spread") || value.equals("spreading")) {
            return spread();
        }
        if (value.startsWith("spread:")) {
            return spread(seed(value.substring("spread:".length()), text));
        }
        if (value.equals("random")) {
            return random(1);
        }
        if (value.startsWith("random:")) {
            return random(seed(value.substring("random:".length()), text));
        }
        throw new IllegalArgumentException("unknown strategy '" + text
                + "' (exs, spread, spread:<seed>, random, random:<seed>)");
    }

    private static long seed(String value, String text) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad seed in strategy '" + text + "'", e);
        }
    }
}
