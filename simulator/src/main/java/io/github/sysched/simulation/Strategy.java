package io.github.sysched.simulation;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How the simulator picks a node among the feasible ones. Every strategy scores the feasible nodes and picks one of
 * the best uniformly at random ({@code java.util.SplittableRandom(seed)}, reservoir sampling), as kube-scheduler's
 * {@code selectHost} does: never the lowest index.
 *
 * <p>Written as {@code base[+rule...][+weighted][@seed]}:
 * <ul>
 *   <li>{@code spread}: the fewest pods; {@code random}: any feasible node;</li>
 *   <li>{@code exs} / {@code marginal}: the extender's 0..10 score alone ({@link Scorer});</li>
 *   <li>{@code kube}: kube-scheduler v1.26's default score plugins ({@link KubeSchedulerModel}), and
 *       {@code kube+exs:W} / {@code kube+marginal:W} those plus the extender's score × W × 10, exactly as
 *       kube-scheduler adds an extender with {@code weight: W};</li>
 *   <li>rules, for the pods the replica-spread guard covers: {@code guard} (the extender's filter:
 *       ⌈r/N⌉ + maxSkew − 1 per node and zone), {@code tsc} (a webhook-injected {@code topologySpreadConstraint},
 *       {@code whenUnsatisfiable: DoNotSchedule}, enforced by kube-scheduler's PodTopologySpread filter),
 *       {@code tsc-soft} (the same with {@code ScheduleAnyway}: a PodTopologySpread score, {@code kube} only);</li>
 *   <li>{@code anneal}: no scheduler's rule but an offline bound: the finished placement is improved by
 *       {@link ClairvoyantSearch} (every pod known, pods moved freely within node limits and the guard's bound),
 *       minimizing the cluster ExS (weighted with {@code weighted});</li>
 *   <li>{@code rebalance[:K]}: after the online placement a descheduler-style rebalancer evicts up to K pods (no
 *       K: until no eviction gains enough), one at a time, each the one {@code RebalancePlanner} predicts lowers the
 *       cluster ExS most, and each replacement is placed again by this strategy (needs an extender score);</li>
 *   <li>{@code weighted}: the extender scores with the {@code --weights} syscall weights;</li>
 *   <li>{@code @seed}: the tie-breaking seed (default 1).</li>
 * </ul>
 * For compatibility {@code spread:SEED} and {@code random:SEED} mean {@code spread@SEED} and {@code random@SEED}.
 *
 * @param base           what ranks the nodes
 * @param scorer         the extender's score, for {@link Base#EXTENDER} and optionally {@link Base#KUBE}
 * @param extenderWeight the extender's weight in kube-scheduler's configuration ({@link Base#KUBE} with a scorer)
 * @param rules          placement rules for guarded pods
 * @param weighted       the extender scores with the configured syscall weights
 * @param seed           seed of the tie-breaking random generator
 * @param evictions      with {@link Rule#REBALANCE}, the most evictions ({@link #UNLIMITED_EVICTIONS}: no limit);
 *                       0 without it
 */
public record Strategy(
        Base base,
        Optional<Scorer> scorer,
        int extenderWeight,
        Set<Rule> rules,
        boolean weighted,
        long seed,
        int evictions) {

    /** {@code +rebalance} without a K: evict until no eviction gains enough. */
    public static final int UNLIMITED_EVICTIONS = Integer.MAX_VALUE;

    /** What ranks the feasible nodes. */
    public enum Base {
        SPREAD("spread"),
        RANDOM("random"),
        EXTENDER(""),
        KUBE("kube");

        private final String token;

        Base(String token) {
            this.token = token;
        }
    }

    /** The extender's prioritize score (0..10). */
    public enum Scorer {
        /** Today's: upstream SySched's raw ExS, {@code DefaultNormalizeScore(100, reverse)}, rounded to 0..10. */
        EXS("exs"),
        /** {@code io.github.sysched.scoring.MarginalExs}: the exposure the pod adds, levels spent where nodes differ. */
        MARGINAL("marginal");

        private final String token;

        Scorer(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }
    }

    /** A placement rule for the pods the replica-spread guard covers (and {@link #ANNEAL}, the offline search). */
    public enum Rule {
        /** The extender's filter: at most ⌈r/N⌉ + maxSkew − 1 replicas per node (and per zone). */
        GUARD("guard"),
        /** Injected {@code topologySpreadConstraints}, {@code DoNotSchedule}: kube-scheduler's filter. */
        SPREAD_HARD("tsc"),
        /** Injected {@code topologySpreadConstraints}, {@code ScheduleAnyway}: kube-scheduler's score. */
        SPREAD_SOFT("tsc-soft"),
        /**
         * Not a scheduler's rule: after the online placement, {@link ClairvoyantSearch} improves the finished
         * placement offline under the guard's bound, to show what any placement can reach.
         */
        ANNEAL("anneal"),
        /**
         * Not a scheduling rule but a controller next to the scheduler: after the online placement, evict the pod
         * whose replacement lowers the cluster ExS most and let the strategy place the replacement, up to K times.
         */
        REBALANCE("rebalance"),
        /**
         * The extender follows a plan of the demand it knows ({@code io.github.sysched.scoring.PlacementPlanner}):
         * the nodes the plan holds for the pod's workload get the top level, every other node one level less.
         */
        PLAN("plan");

        private final String token;

        Rule(String token) {
            this.token = token;
        }

        public String token() {
            return token;
        }
    }

    public Strategy {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(scorer, "scorer");
        rules = rules.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(rules));
        if (base == Base.EXTENDER && scorer.isEmpty()) {
            throw new IllegalArgumentException("an extender strategy needs a scorer (exs or marginal)");
        }
        if ((base == Base.SPREAD || base == Base.RANDOM) && scorer.isPresent()) {
            throw new IllegalArgumentException(base.token + " takes no extender score");
        }
        if (scorer.isPresent() && base == Base.KUBE && extenderWeight < 1) {
            throw new IllegalArgumentException("the extender weight must be at least 1, got " + extenderWeight);
        }
        if (rules.contains(Rule.SPREAD_SOFT) && base != Base.KUBE) {
            throw new IllegalArgumentException("tsc-soft is a kube-scheduler score: use it with kube");
        }
        if (rules.contains(Rule.SPREAD_SOFT) && rules.contains(Rule.SPREAD_HARD)) {
            throw new IllegalArgumentException("tsc and tsc-soft inject the same constraint: pick one");
        }
        if (rules.contains(Rule.PLAN) && scorer.isEmpty()) {
            throw new IllegalArgumentException(
                    "plan lifts the extender's score: use it with exs, marginal or kube+S:W");
        }
        if (weighted && scorer.isEmpty()) {
            throw new IllegalArgumentException("weighted applies to an extender score (exs or marginal)");
        }
        if (rules.contains(Rule.REBALANCE)) {
            if (scorer.isEmpty()) {
                throw new IllegalArgumentException(
                        "rebalance predicts with the extender's score: use it with exs, marginal or kube+S:W");
            }
            if (rules.contains(Rule.ANNEAL)) {
                throw new IllegalArgumentException("rebalance and anneal both rework the placement: pick one");
            }
            if (evictions < 1) {
                throw new IllegalArgumentException("rebalance needs at least 1 eviction, got " + evictions);
            }
        } else if (evictions != 0) {
            throw new IllegalArgumentException("an eviction budget needs the rebalance rule");
        }
    }

    /** Without an eviction budget: {@link Rule#REBALANCE}, if present, is unlimited. */
    public Strategy(
            Base base, Optional<Scorer> scorer, int extenderWeight, Set<Rule> rules, boolean weighted, long seed) {
        this(
                base,
                scorer,
                extenderWeight,
                rules,
                weighted,
                seed,
                rules.contains(Rule.REBALANCE) ? UNLIMITED_EVICTIONS : 0);
    }

    /** The canonical spelling, which {@link #parse} reads back: e.g. {@code kube+marginal:1+tsc}, {@code spread@2}. */
    public String label() {
        return labelWithoutSeed() + (seed == 1 ? "" : "@" + seed);
    }

    /** {@link #label()} without the seed, naming runs over several seeds. */
    public String labelWithoutSeed() {
        List<String> parts = new ArrayList<>();
        if (base != Base.EXTENDER) {
            parts.add(base.token);
        }
        scorer.ifPresent(s -> parts.add(s.token + (base == Base.KUBE ? ":" + extenderWeight : "")));
        for (Rule rule : Rule.values()) {
            if (rules.contains(rule)) {
                parts.add(rule.token
                        + (rule == Rule.REBALANCE && evictions != UNLIMITED_EVICTIONS ? ":" + evictions : ""));
            }
        }
        if (weighted) {
            parts.add("weighted");
        }
        return String.join("+", parts);
    }

    /** The same strategy breaking ties with {@code newSeed}. */
    public Strategy withSeed(long newSeed) {
        return new Strategy(base, scorer, extenderWeight, rules, weighted, newSeed, evictions);
    }

    public boolean has(Rule rule) {
        return rules.contains(rule);
    }

    /** Today's extender score alone. */
    public static Strategy exs() {
        return new Strategy(Base.EXTENDER, Optional.of(Scorer.EXS), 1, Set.of(), false, 1);
    }

    /** Spreading, ties at random with seed 1. */
    public static Strategy spread() {
        return spread(1);
    }

    /** Spreading: the fewest pods, ties at random, reproducible from {@code seed}. */
    public static Strategy spread(long seed) {
        return new Strategy(Base.SPREAD, Optional.empty(), 1, Set.of(), false, seed);
    }

    public static Strategy random(long seed) {
        return new Strategy(Base.RANDOM, Optional.empty(), 1, Set.of(), false, seed);
    }

    /** kube-scheduler's default plugins, with {@code scorer} at {@code weight} when present. */
    public static Strategy kube(Optional<Scorer> scorer, int weight, Set<Rule> rules, long seed) {
        return new Strategy(Base.KUBE, scorer, weight, rules, false, seed);
    }

    /** Parses the written form (see the class comment); the message of a bad spelling names what was wrong. */
    public static Strategy parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        long seed = 1;
        int at = value.lastIndexOf('@');
        if (at >= 0) {
            seed = seed(value.substring(at + 1), text);
            value = value.substring(0, at);
        }
        String[] parts = value.split("\\+", -1);
        String head = parts[0];
        if (head.startsWith("spread:") || head.startsWith("random:")) {
            if (parts.length > 1 || at >= 0) {
                throw new IllegalArgumentException(
                        "strategy '" + text + "': write " + head.substring(0, 6) + "@SEED with rules");
            }
            seed = seed(head.substring(7), text);
            head = head.substring(0, 6);
        }
        Base base;
        Optional<Scorer> scorer = Optional.empty();
        int weight = 1;
        int next = 1;
        switch (head) {
            case "spread", "spreading" -> base = Base.SPREAD;
            case "random" -> base = Base.RANDOM;
            case "kube" -> {
                base = Base.KUBE;
                if (parts.length > 1 && scorerOf(parts[1].split(":", 2)[0]).isPresent()) {
                    String[] scorerAndWeight = parts[1].split(":", 2);
                    scorer = scorerOf(scorerAndWeight[0]);
                    weight = scorerAndWeight.length == 2 ? weight(scorerAndWeight[1], text) : 1;
                    next = 2;
                }
            }
            default -> {
                base = Base.EXTENDER;
                scorer = scorerOf(head);
                if (scorer.isEmpty()) {
                    throw new IllegalArgumentException("unknown strategy '" + text + "' (spread, random, exs, marginal,"
                            + " kube, kube+exs:W, kube+marginal:W; rules +guard, +tsc, +tsc-soft, +anneal,"
                            + " +rebalance[:K], +plan; +weighted; @SEED)");
                }
            }
        }
        Set<Rule> rules = EnumSet.noneOf(Rule.class);
        boolean weighted = false;
        int evictions = 0;
        for (int i = next; i < parts.length; i++) {
            String part = parts[i];
            if (part.equals("weighted")) {
                weighted = true;
                continue;
            }
            if (part.equals(Rule.REBALANCE.token) || part.startsWith(Rule.REBALANCE.token + ":")) {
                rules.add(Rule.REBALANCE);
                evictions = part.equals(Rule.REBALANCE.token)
                        ? UNLIMITED_EVICTIONS
                        : evictions(part.substring(Rule.REBALANCE.token.length() + 1), text);
                continue;
            }
            Rule rule = null;
            for (Rule r : Rule.values()) {
                if (r.token.equals(part)) {
                    rule = r;
                }
            }
            if (rule == null) {
                throw new IllegalArgumentException("strategy '" + text + "': unknown part '" + part
                        + "' (guard, tsc, tsc-soft, anneal, rebalance[:K], plan, weighted"
                        + (base == Base.KUBE ? ", or exs:W / marginal:W right after" + " kube" : "") + ")");
            }
            rules.add(rule);
        }
        try {
            return new Strategy(base, scorer, weight, rules, weighted, seed, evictions);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("strategy '" + text + "': " + e.getMessage(), e);
        }
    }

    private static Optional<Scorer> scorerOf(String token) {
        for (Scorer s : Scorer.values()) {
            if (s.token.equals(token)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private static int weight(String value, String text) {
        try {
            int weight = Integer.parseInt(value);
            if (weight >= 1) {
                return weight;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                "strategy '" + text + "': the extender weight must be a whole number >= 1," + " got '" + value + "'");
    }

    private static int evictions(String value, String text) {
        try {
            int evictions = Integer.parseInt(value);
            if (evictions >= 1) {
                return evictions;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("strategy '" + text + "': the eviction budget K of rebalance:K must be a"
                + " whole number >= 1, got '" + value + "'");
    }

    private static long seed(String value, String text) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad seed in strategy '" + text + "'", e);
        }
    }
}
