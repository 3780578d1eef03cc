package io.github.sysched.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import io.github.sysched.syscall.SyscallWeights;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MarginalExsTest {

    @Test
    void marginalScoreIsTheNodesExsAfterMinusBefore() {
        List<String> names = SyscallTable.x86_64().allSyscalls().names().subList(0, 80);
        Random random = new Random(15);
        for (int round = 0; round < 300; round++) {
            SyscallWeights weights = round % 2 == 0
                    ? SyscallWeights.uniform()
                    : SyscallWeights.of(1, Map.of(names.get(3), 7L, names.get(9), 50L));
            ExsEngine engine = new ExsEngine(weights);
            int pods = random.nextInt(5);
            for (int p = 0; p < pods; p++) {
                engine.place("p" + p, "n", randomSet(names, random));
            }
            SyscallSet incoming = randomSet(names, random);
            long before = engine.clusterExs();
            long marginal = engine.marginalScores(List.of("n"), incoming)[0];
            engine.place("incoming", "n", incoming);
            assertThat(marginal).isEqualTo(engine.clusterExs() - before);
            assertThat(engine.marginal(List.of("n", "elsewhere"), incoming).podCounts())
                    .containsExactly(pods + 1, 0);
        }
    }

    private static SyscallSet randomSet(List<String> names, Random random) {
        Set<String> set = new HashSet<>();
        int size = random.nextInt(30);
        for (int i = 0; i < size; i++) {
            set.add(names.get(random.nextInt(names.size())));
        }
        return SyscallSet.of(set);
    }

    @Test
    void anIdenticalNodeBeatsAnEmptyOneWhichBeatsAFarOne() {
        ExsEngine engine = new ExsEngine();
        SyscallSet p = SyscallSet.of("read", "write", "openat");
        engine.place("same", "identical", p);
        engine.place("other", "far", SyscallTable.x86_64().syscallsNumberedUpTo(60));
        List<String> nodes = List.of("empty", "identical", "far");
        ExsEngine.Marginal marginal = engine.marginal(nodes, p);
        long[] costs = MarginalExs.costs(marginal.added(), marginal.podCounts(), 20);
        assertThat(costs[0]).isEqualTo(20);
        assertThat(costs[1]).isZero();
        assertThat(costs[2]).isGreaterThan(20);
        assertThat(MarginalExs.extenderScores(engine, nodes, p, 20)).containsExactly(9, 10, 8);
        // upstream's score cannot tell the identical node from the empty one
        int[] upstream = ExsNormalizer.normalize(engine.rawScores(nodes, p));
        assertThat(ExsNormalizer.toExtenderScore(upstream[0])).isEqualTo(ExsNormalizer.toExtenderScore(upstream[1]));
    }

    @Test
    void levelsAreDenseRanksFromTenDownToZero() {
        assertThat(MarginalExs.levels(new long[] {5, 5, 7, 3, 100})).containsExactly(9, 9, 8, 10, 7);
        assertThat(MarginalExs.levels(new long[] {4, 4, 4})).containsExactly(10, 10, 10);
        assertThat(MarginalExs.levels(new long[0])).isEmpty();
        long[] many = new long[14];
        for (int i = 0; i < many.length; i++) {
            many[i] = i * 3L;
        }
        assertThat(MarginalExs.levels(many)).containsExactly(10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0, 0);
    }

    /** The one-pass levels against dense ranks from every distinct cost sorted, on costs with many ties. */
    @Test
    void levelsEqualDenseRanksOfSortedDistinctCosts() {
        java.util.Random random = new java.util.Random(42);
        for (int round = 0; round < 2_000; round++) {
            long[] costs = new long[random.nextInt(40)];
            int spread = 1 + random.nextInt(30);
            for (int i = 0; i < costs.length; i++) {
                costs[i] = random.nextInt(spread) * (long) (1 + random.nextInt(3));
            }
            long[] distinct = java.util.Arrays.stream(costs).distinct().sorted().toArray();
            int[] expected = new int[costs.length];
            for (int i = 0; i < costs.length; i++) {
                expected[i] = Math.max(
                        0, ExsNormalizer.MAX_EXTENDER_PRIORITY - java.util.Arrays.binarySearch(distinct, costs[i]));
            }
            assertThat(MarginalExs.levels(costs))
                    .as(java.util.Arrays.toString(costs))
                    .containsExactly(expected);
        }
    }

    @Test
    void badInputIsRefused() {
        assertThatThrownBy(() -> MarginalExs.costs(new long[] {1}, new int[0], 20))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MarginalExs.costs(new long[] {-1}, new int[] {1}, 20))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MarginalExs.costs(new long[] {1}, new int[] {1}, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void seedDemoStepsScoreAsTheDemoNeedsThem() {
        SyscallSet nginx = SeedDemoScoresTest.profile("nginx.profile.yaml");
        SyscallSet redis = SeedDemoScoresTest.profile("redis.profile.yaml");
        SyscallSet memcached = SeedDemoScoresTest.profile("memcached.profile.yaml");
        ExsEngine engine = new ExsEngine();
        List<String> nodes = List.of("A", "B");
        long cost = MarginalExs.DEFAULT_OPENING_COST;

        engine.place("nginx1", "A", nginx);
        // redis1: joining nginx1 adds 26 (upstream's raw), more than opening B
        assertThat(engine.marginalScores(nodes, redis)).containsExactly(26, 0);
        assertThat(MarginalExs.extenderScores(engine, nodes, redis, cost)).containsExactly(9, 10);
        engine.place("redis1", "B", redis);
        // nginx2: adds 0 next to nginx1
        assertThat(MarginalExs.extenderScores(engine, nodes, nginx, cost)).containsExactly(10, 9);
        engine.place("nginx2", "A", nginx);
        // memcached1: 66 next to the nginx pair, 47 next to redis1
        assertThat(engine.marginalScores(nodes, memcached)).containsExactly(66, 47);
        assertThat(MarginalExs.extenderScores(engine, nodes, memcached, cost)).containsExactly(9, 10);
        assertThat(cost).as("the demo needs an opening cost below 26").isLessThan(26);
    }

    @Test
    void scoresAreTheExtendersRangeAndDeterministic() {
        Random random = new Random(3);
        List<String> names = SyscallTable.x86_64().allSyscalls().names().subList(0, 60);
        ExsEngine engine = new ExsEngine();
        List<String> nodes = new ArrayList<>();
        for (int n = 0; n < 30; n++) {
            nodes.add("n" + n);
            for (int p = 0; p < n % 4; p++) {
                engine.place("p" + n + "-" + p, "n" + n, randomSet(names, random));
            }
        }
        SyscallSet incoming = randomSet(names, random);
        int[] scores = MarginalExs.extenderScores(engine, nodes, incoming, 20);
        assertThat(java.util.Arrays.stream(scores).boxed().toList())
                .allSatisfy(s -> assertThat(s).isBetween(0, 10));
        assertThat(scores).contains(10);
        assertThat(MarginalExs.extenderScores(engine, nodes, incoming, 20)).containsExactly(scores);
    }
}
