package io.github.sysched.binding;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorsTest {

    private static final Map<String, String> LABELS = Map.of("app", "web", "tier", "front");

    private static LabelSelector expression(String key, String operator, String... values) {
        return new LabelSelectorBuilder()
                .addNewMatchExpression()
                .withKey(key)
                .withOperator(operator)
                .withValues(values)
                .endMatchExpression()
                .build();
    }

    @Test
    void absentOrEmptySelectorsMatchEverything() {
        assertThat(LabelSelectors.matches(null, LABELS)).isTrue();
        assertThat(LabelSelectors.matches(new LabelSelector(), null)).isTrue();
    }

    @Test
    void matchLabelsAreAnded() {
        assertThat(LabelSelectors.matches(
                        new LabelSelectorBuilder()
                                .withMatchLabels(Map.of("app", "web"))
                                .build(),
                        LABELS))
                .isTrue();
        assertThat(LabelSelectors.matches(
                        new LabelSelectorBuilder()
                                .withMatchLabels(Map.of("app", "web", "tier", "back"))
                                .build(),
                        LABELS))
                .isFalse();
        assertThat(LabelSelectors.matches(
                        new LabelSelectorBuilder()
                                .withMatchLabels(Map.of("app", "web"))
                                .build(),
                        null))
                .isFalse();
    }

    @Test
    void expressionOperators() {
        assertThat(LabelSelectors.matches(expression("tier", "In", "front", "back"), LABELS))
                .isTrue();
        assertThat(LabelSelectors.matches(expression("tier", "In", "back"), LABELS))
                .isFalse();
        assertThat(LabelSelectors.matches(expression("missing", "In", "x"), LABELS))
                .isFalse();
        assertThat(LabelSelectors.matches(expression("tier", "NotIn", "back"), LABELS))
                .isTrue();
        assertThat(LabelSelectors.matches(expression("tier", "NotIn", "front"), LABELS))
                .isFalse();
        assertThat(LabelSelectors.matches(expression("missing", "NotIn", "x"), LABELS))
                .isTrue();
        assertThat(LabelSelectors.matches(expression("app", "Exists"), LABELS)).isTrue();
        assertThat(LabelSelectors.matches(expression("missing", "Exists"), LABELS))
                .isFalse();
        assertThat(LabelSelectors.matches(expression("missing", "DoesNotExist"), LABELS))
                .isTrue();
        assertThat(LabelSelectors.matches(expression("app", "DoesNotExist"), LABELS))
                .isFalse();
        assertThat(LabelSelectors.matches(expression("app", "Gt", "1"), LABELS)).isFalse();
    }

    /**
     * Selectors Kubernetes' {@code metav1.LabelSelectorAsSelector} refuses match nothing, as SPO skips a binding
     * whose podSelector it cannot convert (security-profiles-operator {@code internal/pkg/webhooks/binding},
     * {@code podMatchesSelector}; {@code TestPodMatchesSelectorReportsInvalidSelector}: {@code In} without values).
     */
    @Test
    void selectorsKubernetesRefusesMatchNothingAndSayWhy() {
        Map<LabelSelector, String> invalid = Map.of(
                expression("app", "In"), "operator In needs values",
                expression("app", "NotIn"), "operator NotIn needs values",
                expression("app", "Exists", "web"), "operator Exists takes no values",
                expression("app", "DoesNotExist", "web"), "operator DoesNotExist takes no values",
                expression("app", "Gt", "1"), "'Gt' is not a label selector operator",
                expression("-app", "Exists"), "key '-app'",
                expression("app", "In", "web", "bad value"), "value 'bad value'",
                new LabelSelectorBuilder()
                                .withMatchLabels(Map.of("Example.com/app", "web"))
                                .build(),
                        "key 'Example.com/app'",
                new LabelSelectorBuilder()
                                .withMatchLabels(Map.of("app", "x".repeat(64)))
                                .build(),
                        "value 'xxxx");

        invalid.forEach((selector, problem) -> {
            assertThat(LabelSelectors.matches(selector, LABELS)).as(problem).isFalse();
            assertThat(LabelSelectors.problem(selector))
                    .as(problem)
                    .hasValueSatisfying(p -> assertThat(p).contains(problem));
        });
        // Exists with values matched every pod carrying the key before
        assertThat(LabelSelectors.matches(expression("app", "Exists", "web"), LABELS))
                .isFalse();
    }

    @Test
    void validSelectorsHaveNoProblem() {
        assertThat(LabelSelectors.problem(null)).isEmpty();
        assertThat(LabelSelectors.problem(new LabelSelector())).isEmpty();
        assertThat(LabelSelectors.problem(new LabelSelectorBuilder()
                        .withMatchLabels(Map.of("app.kubernetes.io/name", "web", "empty", ""))
                        .addNewMatchExpression()
                        .withKey("example.com/tier")
                        .withOperator("NotIn")
                        .withValues("a-b_c.d")
                        .endMatchExpression()
                        .build()))
                .isEmpty();
    }

    @Test
    void labelsAndExpressionsTogetherAreAnded() {
        LabelSelector selector = new LabelSelectorBuilder()
                .withMatchLabels(Map.of("app", "web"))
                .addNewMatchExpression()
                .withKey("tier")
                .withOperator("NotIn")
                .withValues("front")
                .endMatchExpression()
                .build();

        assertThat(LabelSelectors.matches(selector, LABELS)).isFalse();
        assertThat(LabelSelectors.matches(selector, Map.of("app", "web", "tier", "back")))
                .isTrue();
    }
}
