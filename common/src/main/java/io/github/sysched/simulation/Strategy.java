package io.github.sysched.simulation;

import java.util.Locale;

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

    /** Spreading: the feasible node with the fewest pods, ties to the lowest node index. */
    record Spread() implements Strategy {
        @Override
        public String label() {
            return "spread";
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
        return new Spread();
    }

    static Strategy random(long seed) {
        return new Random(seed);
    }

    /** Parses {@code exs}, {@code spread}, {@code random} (seed 1) or {@code random:<seed>}. */
    static Strategy parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("exs")) {
            return exs();
        }
        if (value.equals("spread") || value.equals("spreading")) {
            return spread();
        }
        if (value.equals("random")) {
            return random(1);
        }
        if (value.startsWith("random:")) {
            try {
                return random(Long.parseLong(value.substring("random:".length())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad seed in strategy '" + text + "'", e);
            }
        }
        throw new IllegalArgumentException("unknown strategy '" + text + "' (exs, spread, random, random:<seed>)");
    }
}
