package io.github.sysched.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StrategyTest {

    @Test
    void parsesAndSpellsBackEveryForm() {
        for (String spec : List.of(
                "spread",
                "random@7",
                "exs",
                "marginal",
                "marginal+guard",
                "marginal+guard+weighted",
                "exs+tsc@3",
                "kube",
                "kube+tsc",
                "kube+exs:1",
                "kube+exs:10+guard",
                "kube+marginal:3+tsc",
                "kube+marginal:2+tsc-soft+weighted@9",
                "kube+marginal:3+tsc+rebalance:25+weighted",
                "marginal+guard+rebalance@4",
                "kube+marginal:3+tsc+plan+weighted",
                "spread+guard")) {
            Strategy strategy = Strategy.parse(spec);
            assertThat(strategy.label()).isEqualTo(spec);
            assertThat(Strategy.parse(strategy.label())).isEqualTo(strategy);
        }
        assertThat(Strategy.parse("ExS")).isEqualTo(Strategy.exs());
        assertThat(Strategy.parse("random")).isEqualTo(Strategy.random(1));
        assertThat(Strategy.parse("spread:4")).isEqualTo(Strategy.spread(4));
        assertThat(Strategy.parse("random:9")).isEqualTo(Strategy.random(9));
        assertThat(Strategy.parse("kube+marginal")).isEqualTo(Strategy.parse("kube+marginal:1"));
    }

    @Test
    void partsAreReadAsKubeSchedulerAndTheExtenderWouldApplyThem() {
        Strategy strategy = Strategy.parse("kube+marginal:3+tsc+weighted@2");
        assertThat(strategy.base()).isEqualTo(Strategy.Base.KUBE);
        assertThat(strategy.scorer()).contains(Strategy.Scorer.MARGINAL);
        assertThat(strategy.extenderWeight()).isEqualTo(3);
        assertThat(strategy.has(Strategy.Rule.SPREAD_HARD)).isTrue();
        assertThat(strategy.weighted()).isTrue();
        assertThat(strategy.seed()).isEqualTo(2);
        assertThat(strategy.withSeed(5).labelWithoutSeed()).isEqualTo("kube+marginal:3+tsc+weighted");
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> Strategy.parse("binpack")).hasMessageContaining("unknown strategy 'binpack'");
        assertThatThrownBy(() -> Strategy.parse("random:x")).hasMessageContaining("bad seed");
        assertThatThrownBy(() -> Strategy.parse("exs@x")).hasMessageContaining("bad seed");
        assertThatThrownBy(() -> Strategy.parse("marginal+frob")).hasMessageContaining("unknown part 'frob'");
        assertThatThrownBy(() -> Strategy.parse("kube+exs:0")).hasMessageContaining("weight");
        assertThatThrownBy(() -> Strategy.parse("kube+exs:x")).hasMessageContaining("weight");
        assertThatThrownBy(() -> Strategy.parse("spread+weighted")).hasMessageContaining("weighted");
        assertThatThrownBy(() -> Strategy.parse("exs+tsc-soft")).hasMessageContaining("kube");
        assertThatThrownBy(() -> Strategy.parse("kube+guard+exs:2")).hasMessageContaining("right after kube");
        assertThatThrownBy(() -> Strategy.parse("marginal+rebalance:0")).hasMessageContaining("whole number >= 1");
        assertThatThrownBy(() -> Strategy.parse("marginal+rebalance:x")).hasMessageContaining("eviction budget");
        assertThatThrownBy(() -> Strategy.parse("spread+rebalance")).hasMessageContaining("extender's score");
        assertThatThrownBy(() -> Strategy.parse("kube+plan")).hasMessageContaining("lifts the extender's score");
        assertThatThrownBy(() -> Strategy.parse("marginal+guard+anneal+rebalance"))
                .hasMessageContaining("pick one");
    }

    @Test
    void rebalanceCarriesItsEvictionBudget() {
        assertThat(Strategy.parse("kube+marginal:3+tsc+weighted+rebalance:10").evictions())
                .isEqualTo(10);
        assertThat(Strategy.parse("marginal+rebalance").evictions()).isEqualTo(Strategy.UNLIMITED_EVICTIONS);
        assertThat(Strategy.parse("marginal").evictions()).isZero();
        assertThat(Strategy.parse("marginal+rebalance:3@2").withSeed(5).label()).isEqualTo("marginal+rebalance:3@5");
    }
}
