package io.github.sysched.charts;

import static io.github.sysched.charts.ChartRenderer.NAMESPACE;
import static io.github.sysched.charts.ChartRenderer.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.RuleGroup;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The optional monitoring objects: ServiceMonitor, PrometheusRule and the Grafana dashboard ConfigMap. Their
 * fields are checked strictly by {@link StrictModelTest} (typed models from fabric8's openshift-model-monitoring);
 * here: off by default, wiring to the Services, the thresholds derived from the chart's values, and the
 * Prometheus Operator's value formats. That every metric they name exists is it/MonitoringMetricsIT's job.
 */
class MonitoringTest {

    /** Prometheus' duration grammar, as the Prometheus Operator's CRDs validate {@code for} and {@code interval}. */
    static final Pattern PROMETHEUS_DURATION = Pattern.compile(
            "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$");

    static final Path DASHBOARD = ChartRenderer.CHART.resolve("dashboards/sysched.json");

    @Test
    void nothingIsRenderedByDefault() {
        Rendered r = render("cert-manager");
        assertThat(r.all(ServiceMonitor.class)).isEmpty();
        assertThat(r.all(PrometheusRule.class)).isEmpty();
        assertThat(r.find(ConfigMap.class, "sysched-dashboard")).isEmpty();
        assertThat(r.yaml).doesNotContain("monitoring.coreos.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"monitoring", "everything"})
    void serviceMonitorScrapesTheManagementPortOfExactlyTheTwoServices(String valueSet) {
        Rendered r = render(valueSet);
        ServiceMonitor monitor = single(r.all(ServiceMonitor.class));
        assertThat(monitor.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(monitor.getSpec().getNamespaceSelector().getMatchNames()).containsExactly(NAMESPACE);
        List<String> selected = r.all(Service.class).stream()
                .filter(s ->
                        matches(monitor.getSpec().getSelector(), s.getMetadata().getLabels()))
                .map(s -> s.getMetadata().getName())
                .toList();
        assertThat(selected).containsExactlyInAnyOrder("sysched-webhook", "sysched-scheduler");
        Endpoint endpoint = single(monitor.getSpec().getEndpoints());
        assertThat(endpoint.getPath()).isEqualTo("/actuator/prometheus");
        assertThat(endpoint.getScheme()).isEqualTo("http");
        assertThat(endpoint.getInterval()).matches(PROMETHEUS_DURATION);
        assertThat(endpoint.getScrapeTimeout()).matches(PROMETHEUS_DURATION);
        for (String name : selected) {
            ServicePort port = r.service(name).getSpec().getPorts().stream()
                    .filter(p -> endpoint.getPort().equals(p.getName()))
                    .findFirst()
                    .orElseThrow();
            assertThat(port.getPort()).as("%s metrics port", name).isEqualTo(8081);
            assertThat(port.getTargetPort().getStrVal()).isEqualTo("metrics");
        }
    }

    @Test
    void selectorLabelsAndEndpointOptionsComeFromValues() {
        Rendered r = render("everything");
        ServiceMonitor monitor = single(r.all(ServiceMonitor.class));
        assertThat(monitor.getMetadata().getLabels())
                .containsEntry("release", "kube-prometheus-stack")
                .containsEntry("team", "platform");
        Endpoint endpoint = single(monitor.getSpec().getEndpoints());
        assertThat(endpoint.getInterval()).isEqualTo("15s");
        assertThat(endpoint.getScrapeTimeout()).isEqualTo("5s");
        assertThat(single(endpoint.getRelabelings()).getTargetLabel()).isEqualTo("instance_node");
        assertThat(single(endpoint.getMetricRelabelings()).getAction()).isEqualTo("drop");
        PrometheusRule rule = single(r.all(PrometheusRule.class));
        assertThat(rule.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        for (Rule alert : rules(rule)) {
            assertThat(alert.getLabels()).as(alert.getAlert()).containsEntry("team", "platform");
            assertThat(alert.getAnnotations())
                    .as(alert.getAlert())
                    .containsEntry(
                            "runbook_url",
                            "https://runbooks.example.com/sysched#"
                                    + alert.getAlert().toLowerCase());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"monitoring", "everything"})
    void everyAlertIsWellFormedAndSelectsTheChartsOwnTargets(String valueSet) {
        Rendered r = render(valueSet);
        PrometheusRule rule = single(r.all(PrometheusRule.class));
        Set<String> services = new HashSet<>(r.all(Service.class).stream()
                .map(s -> s.getMetadata().getName())
                .toList());
        Set<String> names = new HashSet<>();
        for (RuleGroup group : rule.getSpec().getGroups()) {
            assertThat(group.getName()).startsWith("sysched.");
            for (Rule alert : group.getRules()) {
                assertThat(names.add(alert.getAlert()))
                        .as("duplicate alert %s", alert.getAlert())
                        .isTrue();
                assertThat(alert.getAlert()).matches("Sysched[A-Za-z]+");
                assertThat(alert.getRecord()).isNull();
                assertThat(alert.getFor()).as("%s for", alert.getAlert()).matches(PROMETHEUS_DURATION);
                assertThat(alert.getLabels()).as(alert.getAlert()).containsKey("severity");
                assertThat(alert.getLabels().get("severity")).isIn("warning", "critical");
                assertThat(alert.getAnnotations()).as(alert.getAlert()).containsKeys("summary", "description");
                assertThat(alert.getAnnotations().get("description"))
                        .as(alert.getAlert())
                        .contains("heck");
                String expr = alert.getExpr().getStrVal();
                assertThat(expr).as(alert.getAlert()).isNotBlank();
                Matcher jobs = Pattern.compile("job=\"([^\"]*)\"").matcher(expr);
                int selectors = 0;
                while (jobs.find()) {
                    selectors++;
                    assertThat(services)
                            .as("%s selects job %s", alert.getAlert(), jobs.group(1))
                            .contains(jobs.group(1));
                }
                assertThat(selectors)
                        .as("%s names its target", alert.getAlert())
                        .isPositive();
                assertThat(expr).as(alert.getAlert()).contains("namespace=\"" + NAMESPACE + "\"");
            }
        }
        assertThat(names)
                .contains(
                        "SyschedWebhookDown",
                        "SyschedWebhookReplicaNotReady",
                        "SyschedWebhookAdmissionFailures",
                        "SyschedWebhookCertificateRenewalOverdue",
                        "SyschedWebhookCertificateExpiresSoon",
                        "SyschedExtenderDown",
                        "SyschedExtenderReplicaNotReady",
                        "SyschedExtenderSlow",
                        "SyschedPodsScoredWithFallbackSet",
                        "SyschedMalformedSyscallAnnotations");
    }

    /** kube-scheduler's httpTimeout is a Go duration; the alert fires at extenderLatencyRatio of it. */
    @ParameterizedTest
    @CsvSource({
        "'', 2s, 0.8, 1.6",
        "'', 5s, 0.8, 4",
        "'', 1m30s, 0.5, 45",
        "'', 2.5s, 0.8, 2",
        "500ms, 2s, 0.8, 0.4",
        "1h0m0.5s, 2s, 1, 3600.5"
    })
    void extenderLatencyThresholdIsDerivedFromHttpTimeout(
            String override, String httpTimeout, double ratio, String threshold) {
        Rendered r = render(
                "monitoring",
                Map.of(
                        "monitoring.prometheusRule.extenderHttpTimeout",
                        override,
                        "secondScheduler.extender.httpTimeout",
                        httpTimeout,
                        "monitoring.prometheusRule.extenderLatencyRatio",
                        ratio));
        assertThat(expr(r, "SyschedExtenderSlow")).endsWith("> " + threshold);
    }

    /**
     * Renewal overdue below 90 % of the renewal margin, critical below a third of it (at most 7 days). The margin
     * is cert-manager's renewBefore, or self-signed renewBefore, else a third of the self-signed lifetime.
     */
    @ParameterizedTest
    @CsvSource({
        "cert-manager, '', 360h, 1166400, 432000",
        "cert-manager, '', 1h30m, 4860, 1800",
        "self-signed, '', 8760h, 9460800, 604800",
        "self-signed, 48h, 8760h, 155520, 57600",
        "self-signed, '', 90d, 2332800, 604800"
    })
    void certificateThresholdsFollowTheRenewalMargin(
            String mode, String selfSignedRenewBefore, String lifetimeOrRenewBefore, long warning, long critical) {
        Map<String, Object> sets = mode.equals("cert-manager")
                ? Map.of("tls.mode", mode, "tls.certManager.renewBefore", lifetimeOrRenewBefore)
                : Map.of(
                        "tls.mode",
                        mode,
                        "tls.selfSigned.duration",
                        lifetimeOrRenewBefore,
                        "tls.selfSigned.renewBefore",
                        selfSignedRenewBefore);
        Rendered r = render("monitoring", sets);
        assertThat(expr(r, "SyschedWebhookCertificateRenewalOverdue")).endsWith("bundle=\"webhook\"} < " + warning);
        assertThat(expr(r, "SyschedWebhookCertificateExpiresSoon")).endsWith("bundle=\"webhook\"} < " + critical);
    }

    @Test
    void ratiosComeFromValues() {
        Rendered r = render(
                "monitoring",
                Map.of(
                        "monitoring.prometheusRule.admissionFailureRatio",
                        0.05,
                        "monitoring.prometheusRule.fallbackRatio",
                        0.5,
                        "monitoring.prometheusRule.extenderErrorRatio",
                        0.2));
        assertThat(expr(r, "SyschedWebhookAdmissionFailures")).endsWith("> 0.05");
        assertThat(expr(r, "SyschedPodsScoredWithFallbackSet")).endsWith("> 0.5");
        assertThat(expr(r, "SyschedExtenderErrors")).endsWith("> 0.2");
    }

    @Test
    void descriptionsFollowTheConfiguredPolicies() {
        String allow = description(render("monitoring"), "SyschedWebhookAdmissionFailures");
        String deny = description(
                render("monitoring", Map.of("webhook.config.failureMode", "deny")), "SyschedWebhookAdmissionFailures");
        assertThat(allow).contains("allow: pods are admitted without sysched's annotations");
        assertThat(deny).contains("deny: pods are refused");
        assertThat(description(
                        render("monitoring", Map.of("secondScheduler.extender.ignorable", false)),
                        "SyschedExtenderDown"))
                .contains("not ignorable");
    }

    @ParameterizedTest
    @ValueSource(strings = {"monitoring", "everything"})
    void dashboardConfigMapCarriesTheRepositoryFileForTheSidecar(String valueSet) throws Exception {
        Rendered r = render(valueSet);
        ConfigMap map = r.get(ConfigMap.class, "sysched-dashboard");
        assertThat(map.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        assertThat(map.getData()).containsOnlyKeys("sysched.json");
        assertThat(map.getData().get("sysched.json"))
                .isEqualTo(Files.readString(DASHBOARD).strip());
        if (valueSet.equals("everything")) {
            assertThat(map.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Security");
        }
    }

    @Test
    void dashboardCanLiveInGrafanasNamespace() {
        ConfigMap map = render("monitoring", Map.of("monitoring.dashboard.namespace", "monitoring"))
                .get(ConfigMap.class, "sysched-dashboard");
        assertThat(map.getMetadata().getNamespace()).isEqualTo("monitoring");
    }

    @Test
    @SuppressWarnings("unchecked")
    void dashboardIsImportableAndEveryPanelQueriesTheChosenDataSource() throws Exception {
        Map<String, Object> dashboard = ChartRenderer.SERIALIZATION.unmarshal(Files.readString(DASHBOARD), Map.class);
        assertThat(dashboard)
                .containsEntry("uid", "sysched-overview")
                .doesNotContainKey("id")
                .doesNotContainKey("__inputs");
        List<Map<String, Object>> variables =
                (List<Map<String, Object>>) ((Map<String, Object>) dashboard.get("templating")).get("list");
        assertThat(variables).extracting(v -> v.get("name")).containsExactly("datasource", "namespace");
        Set<Object> ids = new HashSet<>();
        List<String> expressions = new ArrayList<>();
        for (Map<String, Object> panel : (List<Map<String, Object>>) dashboard.get("panels")) {
            assertThat(ids.add(panel.get("id")))
                    .as("panel id %s unique", panel.get("id"))
                    .isTrue();
            Map<String, Object> grid = (Map<String, Object>) panel.get("gridPos");
            assertThat(((Number) grid.get("x")).intValue() + ((Number) grid.get("w")).intValue())
                    .as("panel %s fits 24 columns", panel.get("title"))
                    .isLessThanOrEqualTo(24);
            if ("row".equals(panel.get("type"))) {
                continue;
            }
            assertThat(panel.get("datasource"))
                    .as("%s", panel.get("title"))
                    .isEqualTo(Map.of("type", "prometheus", "uid", "${datasource}"));
            assertThat((String) panel.get("description"))
                    .as("%s", panel.get("title"))
                    .isNotBlank();
            for (Map<String, Object> target : (List<Map<String, Object>>) panel.get("targets")) {
                String expr = (String) target.get("expr");
                assertThat(expr).as("%s", panel.get("title")).contains("namespace=~\"$namespace\"");
                expressions.add(expr);
            }
        }
        assertThat(expressions).hasSizeGreaterThan(15);
    }

    /** Negative control: the monitoring kinds parse into typed models, so a misplaced field is reported. */
    @Test
    void unknownFieldsInMonitoringObjectsAreCaught() {
        String yaml = """
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: x}
        spec:
          selector: {matchLabels: {a: b}}
          endpoints:
            - port: metrics
              scrapeInterval: 30s
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        metadata: {name: y}
        spec:
          groups:
            - name: g
              rules:
                - alert: A
                  expression: up == 0
                  expr: up == 0
        """;
        List<io.fabric8.kubernetes.api.model.HasMetadata> objects = ChartRenderer.parse(yaml);
        assertThat(objects.get(0)).isInstanceOf(ServiceMonitor.class);
        assertThat(objects.get(1)).isInstanceOf(PrometheusRule.class);
        assertThat(UnknownFields.find(objects.get(0)))
                .singleElement()
                .asString()
                .contains("scrapeInterval");
        assertThat(UnknownFields.find(objects.get(1)))
                .singleElement()
                .asString()
                .contains("expression");
    }

    @Test
    void schemaRejectsBadMonitoringValues() {
        assertThatThrownBy(() ->
                        ChartRenderer.template("monitoring", Map.of("monitoring.serviceMonitor.interval", "30 s")))
                .hasMessageContaining("interval");
        assertThatThrownBy(() ->
                        ChartRenderer.template("monitoring", Map.of("monitoring.serviceMonitor.interval", "1m30")))
                .hasMessageContaining("interval");
        assertThatThrownBy(() -> ChartRenderer.template(
                        "monitoring", Map.of("monitoring.prometheusRule.extenderLatencyRatio", 1.5)))
                .hasMessageContaining("extenderLatencyRatio");
        assertThatThrownBy(() -> ChartRenderer.template(
                        "monitoring", Map.of("monitoring.prometheusRule.extenderHttpTimeout", "2 seconds")))
                .hasMessageContaining("extenderHttpTimeout");
        assertThatThrownBy(() -> ChartRenderer.template("monitoring", Map.of("monitoring.grafana.enabled", true)))
                .hasMessageContaining("grafana");
        assertThatThrownBy(() -> ChartRenderer.template(
                        "monitoring", Map.of("monitoring.prometheusRule.runbookBaseUrl", "runbooks.example.com")))
                .hasMessageContaining("runbookBaseUrl");
    }

    private static List<Rule> rules(PrometheusRule rule) {
        return rule.getSpec().getGroups().stream()
                .flatMap(g -> g.getRules().stream())
                .toList();
    }

    private static Rule alert(Rendered r, String name) {
        return rules(single(r.all(PrometheusRule.class))).stream()
                .filter(a -> name.equals(a.getAlert()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no alert " + name));
    }

    private static String expr(Rendered r, String name) {
        return alert(r, name).getExpr().getStrVal().strip();
    }

    private static String description(Rendered r, String name) {
        return alert(r, name).getAnnotations().get("description");
    }

    private static <T> T single(List<T> list) {
        assertThat(list).hasSize(1);
        return list.get(0);
    }

    private static boolean matches(LabelSelector selector, Map<String, String> labels) {
        Map<String, String> have = labels == null ? Map.of() : labels;
        for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
            if (!e.getValue().equals(have.get(e.getKey()))) {
                return false;
            }
        }
        for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
            assertThat(requirement.getOperator()).isEqualTo("In");
            if (!requirement.getValues().contains(have.get(requirement.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
