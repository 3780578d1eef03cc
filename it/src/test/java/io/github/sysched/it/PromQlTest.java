package io.github.sysched.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The metric-name reader behind MonitoringMetricsIT: what it must find, and what it must not take for a metric. */
class PromQlTest {

    @Test
    void aggregationsFunctionsAndRangesAreNotMetrics() {
        PromQl.Parsed parsed = PromQl.parse("histogram_quantile(0.99, sum by (le, verb) "
                + "(rate(sysched_extender_requests_seconds_bucket{job=\"s\", namespace=\"n\"}[5m]))) > 1.6");
        assertThat(parsed.metricNames()).containsExactly("sysched_extender_requests_seconds_bucket");
        assertThat(parsed.groupingLabels()).containsExactlyInAnyOrder("le", "verb");
        assertThat(parsed.selectors().get(0).matchers())
                .containsExactly(new PromQl.Matcher("job", "=", "s"), new PromQl.Matcher("namespace", "=", "n"));
    }

    @Test
    void labelsInsideBracesAreNotMetricsButTheirValuesAreRead() {
        PromQl.Parsed parsed = PromQl.parse(
                "sum(rate(a_total{outcome=~\"error|timeout\", x!=\"y\", z!~'w'}[5m]))" + " / sum(rate(a_total[5m]))");
        assertThat(parsed.metricNames()).containsExactly("a_total");
        assertThat(parsed.selectors()).hasSize(2);
        assertThat(parsed.selectors().get(0).matchers())
                .extracting(PromQl.Matcher::op)
                .containsExactly("=~", "!=", "!~");
        assertThat(PromQl.literalAlternatives("error|timeout")).containsExactly("error", "timeout");
        assertThat(PromQl.literalAlternatives("err.*")).isEmpty();
        assertThat(PromQl.literalAlternatives("a.b")).isEmpty();
    }

    @Test
    void bareMetricsKeywordsAndOperators() {
        PromQl.Parsed parsed = PromQl.parse("sysched_ready{job=\"w\"} == 0 or up{job=\"w\"} == 0 and on (pod) "
                + "group_left (node) kube_pod_info unless bool_metric offset 5m");
        assertThat(parsed.metricNames()).containsExactly("sysched_ready", "up", "kube_pod_info", "bool_metric");
        assertThat(parsed.groupingLabels()).containsExactlyInAnyOrder("pod", "node");
    }

    @Test
    void absentAndComparisonsKeepTheInnerSelector() {
        assertThat(PromQl.parse("absent(sysched_ready{job=\"w\", namespace=\"n\"} == 1)")
                        .metricNames())
                .containsExactly("sysched_ready");
        assertThat(PromQl.parse("sum(increase(x_total{reason=\"malformed\"}[15m])) > 0")
                        .metricNames())
                .containsExactly("x_total");
    }

    @Test
    void aggregationWithTrailingClauseAndWithoutClause() {
        PromQl.Parsed parsed = PromQl.parse("sum(rate(a_count[1m])) by (verb) + max without (instance) (b)");
        assertThat(parsed.metricNames()).containsExactly("a_count", "b");
        assertThat(parsed.groupingLabels()).containsExactlyInAnyOrder("verb", "instance");
    }

    @Test
    void numbersDurationsSubqueriesAndModifiers() {
        PromQl.Parsed parsed = PromQl.parse(
                "max_over_time(x[1h:30s]) * 1e-3 + 0x1F - Inf + .5 + y @ start() " + "- z offset -1h30m + NaN");
        assertThat(parsed.metricNames()).containsExactly("x", "y", "z");
    }

    @Test
    void stringsCommentsAndGrafanaVariablesAreSkipped() {
        PromQl.Parsed parsed = PromQl.parse("""
                # a comment naming not_a_metric
                label_replace(sum by (node) (rate(a{namespace=~"$namespace", q="{b}"}[$__rate_interval])),
                  "dst", "$1 not_a_metric", "node", "(.*)") > ${threshold} * [[factor]]
                """);
        assertThat(parsed.metricNames()).containsExactly("a");
        assertThat(parsed.selectors().get(0).matchers()).contains(new PromQl.Matcher("q", "=", "{b}"));
    }

    @Test
    void nameMatcherAndQuotedNames() {
        assertThat(PromQl.parse("{__name__=\"x_total\", a=\"b\"}").metricNames())
                .containsExactly("x_total");
        assertThat(PromQl.parse("{\"x.dotted\", a=\"b\"}").metricNames()).containsExactly("x.dotted");
        assertThat(PromQl.parse("rate(x:recorded:rate5m[5m])").metricNames()).containsExactly("x:recorded:rate5m");
    }

    @Test
    void grafanaVariableQueries() {
        PromQl.Parsed values = PromQl.parseVariableQuery("label_values(sysched_ready{application=\"a\"}, namespace)");
        assertThat(values.metricNames()).containsExactly("sysched_ready");
        assertThat(values.groupingLabels()).containsExactly("namespace");
        assertThat(PromQl.parseVariableQuery("query_result(max by (node) (x))").metricNames())
                .containsExactly("x");
        assertThat(PromQl.parseVariableQuery("label_values(node)").metricNames())
                .isEmpty();
    }

    @Test
    void malformedExpressionsAreErrorsNotSilentSkips() {
        for (String bad : List.of(
                "x{a=\"b\"",
                "x{a}",
                "x{a=b}",
                "rate(x[5m)",
                "x{\"unclosed}",
                "{a=\"b\"}",
                "x ; y",
                "x{a=\"b\", __name__=\"y\"}")) {
            assertThatThrownBy(() -> PromQl.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
