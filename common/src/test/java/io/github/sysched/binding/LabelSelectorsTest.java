package io.github.sysched.binding;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorsTest {

    private static final Map<String, String> LABELS = Map.of("app", "web", "tier", "front");

    private static LabelSelector expression(String key, String operator, String... values) {
        return new LabelSelectorBuilder().addNewMatchExpression().withKey(key).withOperator(operator)
                .withValues(values).endMatchExpression().build();
    }

    @Test
    void absentOrEmptySelectorsMatchEverything() {
        assertThat(LabelSelectors.matches(null, LABELS)).isTrue();
        assertThat(LabelSelectors.matches(new LabelSelector(), null)).isTrue();
    }

    @Test
    void matchLabelsAreAnded() {
        assertThat(LabelSelectors.matches(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build(),
                LABELS)).isTrue();
        assertThat(LabelSelectors.matches(new LabelSelectorBuilder()
                .withMatchLabels(Map.of("app", "web", "tier", "back")).build(), LABELS)).isFalse();
        assertThat(LabelSelectors.matches(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web")).build(),
                null)).isFalse();
    }

    @Test
    void expressionOperators() {
        assertThat(LabelSelectors.matches(expression("tier", "In", "front", "back"), LABELS)).isTrue();
        assertThat(LabelSelectors.matches(expression("tier", "In", "back"), LABELS)).isFalse();
        assertThat(LabelSelectors.matches(expression("missing", "In", "x"), LABELS)).isFalse();
        assertThat(LabelSelectors.matches(expression("tier", "NotIn", "back"), LABELS)).isTrue();
        assertThat(LabelSelectors.matches(expression("tier", "NotIn", "front"), LABELS)).isFalse();
        assertThat(LabelSelectors.matches(expression("missing", "NotIn", "x"), LABELS)).isTrue();
        assertThat(LabelSelectors.matches(expression("app", "Exists"), LABELS)).isTrue();
        assertThat(LabelSelectors.matches(expression("missing", "Exists"), LABELS)).isFalse();
        assertThat(LabelSelectors.matches(expression("missing", "DoesNotExist"), LABELS)).isTrue();
        assertThat(LabelSelectors.matches(expression("app", "DoesNotExist"), LABELS)).isFalse();
        assertThat(LabelSelectors.matches(expression("app", "Gt", "1"), LABELS)).isFalse();
    }

    @Test
    void labelsAndExpressionsTogetherAreAnded() {
        LabelSelector selector = new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web"))
                .addNewMatchExpression().withKey("tier").withOperator("NotIn").withValues("front").endMatchExpression()
                .build();

        assertThat(LabelSelectors.matches(selector, LABELS)).isFalse();
        assertThat(LabelSelectors.matches(selector, Map.of("app", "web", "tier", "back"))).isTrue();
    }
}
