package io.github.sysched.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Suffixes map back to their family only where the family's type has them. */
class OpenMetricsScrapeTest {

    static final String TEXT = """
            # TYPE sysched_admission_seconds histogram
            # HELP sysched_admission_seconds Admission requests
            sysched_admission_seconds_bucket{endpoint="mutate",le="0.001"} 1
            sysched_admission_seconds_bucket{endpoint="mutate",le="+Inf"} 2
            sysched_admission_seconds_count{endpoint="mutate"} 2
            sysched_admission_seconds_sum{endpoint="mutate"} 0.003
            # TYPE sysched_admission_seconds_max gauge
            sysched_admission_seconds_max{endpoint="mutate"} 0.002
            # TYPE sysched_resolutions counter
            sysched_resolutions_total{outcome="BINDING",odd="a \\"quoted\\", {braced} value"} 3.0
            # TYPE sysched_extender_request_nodes summary
            sysched_extender_request_nodes_count{verb="filter"} 1
            sysched_extender_request_nodes_sum{verb="filter"} 2
            # TYPE sysched_ready gauge
            sysched_ready 1.0
            # EOF
            """;

    @Test
    void suffixesResolveByType() {
        OpenMetricsScrape scrape = OpenMetricsScrape.parse(TEXT);
        assertThat(scrape.family("sysched_admission_seconds_bucket"))
                .hasValueSatisfying(f -> assertThat(f.type()).isEqualTo("histogram"));
        assertThat(scrape.family("sysched_admission_seconds_count")
                        .orElseThrow()
                        .name())
                .isEqualTo("sysched_admission_seconds");
        assertThat(scrape.family("sysched_admission_seconds_max").orElseThrow().type())
                .isEqualTo("gauge");
        assertThat(scrape.family("sysched_resolutions_total").orElseThrow().name())
                .isEqualTo("sysched_resolutions");
        assertThat(scrape.family("sysched_extender_request_nodes_sum")
                        .orElseThrow()
                        .type())
                .isEqualTo("summary");
        // wrong suffix for the type, or a bare counter name: no family
        assertThat(scrape.family("sysched_extender_request_nodes_bucket")).isEmpty();
        assertThat(scrape.family("sysched_resolutions")).isEmpty();
        assertThat(scrape.family("sysched_ready_total")).isEmpty();
        assertThat(scrape.family("sysched_admission_seconds")).isEmpty();
    }

    @Test
    void samplesAndLabels() {
        OpenMetricsScrape scrape = OpenMetricsScrape.parse(TEXT);
        assertThat(scrape.samples("sysched_admission_seconds_bucket")).hasSize(2);
        assertThat(scrape.labelValues("sysched_admission_seconds_bucket", "le")).containsExactly("+Inf", "0.001");
        assertThat(scrape.samples("sysched_resolutions_total").get(0).labels())
                .isEqualTo(Map.of("outcome", "BINDING", "odd", "a \"quoted\", {braced} value"));
        assertThat(scrape.samples("sysched_ready").get(0).value()).isEqualTo(1.0);
    }

    @Test
    void thePrometheusTextFormatIsRefused() {
        assertThatThrownBy(() -> OpenMetricsScrape.parse("# TYPE x_total counter\nx_total 1.0\n"))
                .hasMessageContaining("EOF");
    }
}
