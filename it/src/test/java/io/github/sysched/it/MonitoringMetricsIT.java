package io.github.sysched.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric the chart's alerts and Grafana dashboard query exists on the running services. The chart is
 * rendered by the real Helm engine with monitoring enabled; every series named in a PrometheusRule expression, a
 * dashboard target or a dashboard variable is read by {@link PromQl}; both shipped exec jars run as processes
 * against the loopback API server and are exercised first (an AdmissionReview to /mutate and /validate; /filter,
 * /prioritize and /bind), so timers and counters exist; then their {@code /actuator/prometheus} is scraped in the
 * OpenMetrics format. Each series must map to a family of a type that has its suffix ({@code _bucket} on a
 * histogram, {@code _total} on a counter), in the scrape of the service the selector's {@code job} names, with
 * samples; each label a matcher, a grouping clause or a legend uses must be on those samples, and each value an
 * equality or literal-alternatives matcher asks for must occur (except the failure outcomes a healthy run never
 * produces). A renamed metric, tag or tag value fails this test.
 */
class MonitoringMetricsIT {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final String RELEASE = "sysched";
    private static final String WEBHOOK_JOB = RELEASE + "-webhook";
    private static final String EXTENDER_JOB = RELEASE + "-scheduler";
    /** Labels Prometheus (and the Prometheus Operator's ServiceMonitor) attach to every series of a target. */
    private static final Set<String> TARGET_LABELS =
            Set.of("job", "instance", "namespace", "pod", "service", "endpoint", "container");
    /** Series Prometheus writes itself for every target. */
    private static final Set<String> SYNTHETIC_SERIES = Set.of("up");
    /** Label values a series carries only once that outcome happened, which a healthy exercise never causes. */
    private static final Map<String, Set<String>> FAILURE_ONLY_VALUES = Map.of("outcome", Set.of("error", "timeout"));

    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");
    private static final Pattern NAMED_IN_TEXT = Pattern.compile("\\b(sysched_[a-z0-9_]+|ssl_[a-z0-9_]+)\\b");

    /** One PromQL text and where it came from. */
    private record Query(String source, String expr, String legend, boolean variable) {}

    @Test
    void everyMetricTheAlertsAndTheDashboardNameIsServed(@TempDir Path work) throws Exception {
        List<Query> queries = new ArrayList<>();
        Set<String> namedInDescriptions = new TreeSet<>();
        readChart(queries, namedInDescriptions);
        assertThat(queries).as("queries read from the chart").hasSizeGreaterThan(25);

        try (MockApiServer api = MockApiServer.start()) {
            api.client()
                    .pods()
                    .inNamespace("default")
                    .resource(ExtenderIT.pod("nginx1", "node-a", true))
                    .create();
            api.client()
                    .pods()
                    .inNamespace("default")
                    .resource(ExtenderIT.pod("unconfined", "node-b", false))
                    .create();
            api.client()
                    .pods()
                    .inNamespace("default")
                    .resource(ExtenderIT.pod("nginx2", null, true))
                    .create();
            Path kubeconfig = api.writeKubeconfig(work.resolve("kubeconfig"));
            Path tls = Files.createDirectories(work.resolve("tls"));
            String ca = CertManagerFiles.write(tls, WebhookChecks.SERVICE_DNS_NAME);
            int httpsPort = ServiceProcess.freePort();
            int extenderPort = ServiceProcess.freePort();
            try (ServiceProcess webhook = ServiceProcess.start(
                            "webhook-monitoring",
                            ServiceProcess.jar("sysched.it.webhook-jar"),
                            kubeconfig,
                            work,
                            ServiceProcess.freePort(),
                            List.of(
                                    "--server.port=" + httpsPort,
                                    "--server.address=127.0.0.1",
                                    "--sysched.webhook.tls.mode=files",
                                    "--sysched.webhook.tls.dir=" + tls));
                    ServiceProcess extender = ServiceProcess.start(
                            "extender-monitoring",
                            ServiceProcess.jar("sysched.it.scheduler-jar"),
                            kubeconfig,
                            work,
                            ServiceProcess.freePort(),
                            List.of(
                                    "--server.port=" + extenderPort,
                                    "--server.address=127.0.0.1",
                                    "--sysched.scheduler.bind.enabled=true"))) {
                webhook.awaitReady();
                extender.awaitReady();
                exerciseWebhook(ca, httpsPort);
                exerciseExtender(extenderPort);

                Map<String, OpenMetricsScrape> scrapes = new LinkedHashMap<>();
                scrapes.put(WEBHOOK_JOB, webhook.scrape());
                scrapes.put(EXTENDER_JOB, extender.scrape());
                assertServiceFacts(scrapes);

                Map<String, Set<String>> seriesBySource = new TreeMap<>();
                List<String> problems = new ArrayList<>();
                for (Query query : queries) {
                    check(query, scrapes, seriesBySource, problems);
                }
                for (String name : namedInDescriptions) {
                    if (scrapes.values().stream()
                            .noneMatch(s ->
                                    s.family(name).isPresent() || s.families().containsKey(name))) {
                        problems.add("alert description names " + name + ", which no service serves");
                    }
                }
                String report = report(seriesBySource, scrapes, namedInDescriptions);
                System.out.println(report);
                Files.createDirectories(Path.of("target"));
                Files.writeString(Path.of("target", "monitoring-metrics.txt"), report);
                assertThat(problems)
                        .as("metrics named by the chart's alerts and dashboard")
                        .isEmpty();
                assertThat(webhook.log() + extender.log()).doesNotContain("NoClassDefFoundError");
            }
        }
    }

    // ---- the chart ------------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private static void readChart(List<Query> queries, Set<String> namedInDescriptions) {
        String chart = System.getProperty("sysched.it.chart");
        assertThat(chart)
                .as("system property sysched.it.chart (set by it/pom.xml)")
                .isNotNull();
        String yaml = new Helm(Path.of(chart))
                .template()
                .withName(RELEASE)
                .withNamespace(MockApiServer.NAMESPACE)
                .withKubeVersion("1.34.0")
                .set("monitoring.serviceMonitor.enabled", "true")
                .set("monitoring.prometheusRule.enabled", "true")
                .set("monitoring.dashboard.enabled", "true")
                .call();
        boolean rules = false;
        boolean dashboard = false;
        for (String document : yaml.split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                continue;
            }
            Map<String, Object> object = SERIALIZATION.unmarshal(document, Map.class);
            String kind = (String) object.get("kind");
            Map<String, Object> metadata = (Map<String, Object>) object.get("metadata");
            if ("PrometheusRule".equals(kind)) {
                rules = true;
                Map<String, Object> spec = (Map<String, Object>) object.get("spec");
                for (Map<String, Object> group : (List<Map<String, Object>>) spec.get("groups")) {
                    for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                        queries.add(
                                new Query("alert " + rule.get("alert"), String.valueOf(rule.get("expr")), null, false));
                        for (Object text : ((Map<String, Object>) rule.get("annotations")).values()) {
                            Matcher named = NAMED_IN_TEXT.matcher(String.valueOf(text));
                            while (named.find()) {
                                namedInDescriptions.add(named.group(1));
                            }
                        }
                    }
                }
            } else if ("ConfigMap".equals(kind) && (RELEASE + "-dashboard").equals(metadata.get("name"))) {
                dashboard = true;
                String json = ((Map<String, String>) object.get("data")).get("sysched.json");
                readDashboard(SERIALIZATION.unmarshal(json, Map.class), queries);
            }
        }
        assertThat(rules).as("a PrometheusRule was rendered").isTrue();
        assertThat(dashboard).as("the dashboard ConfigMap was rendered").isTrue();
    }

    @SuppressWarnings("unchecked")
    private static void readDashboard(Map<String, Object> dashboard, List<Query> queries) {
        Map<String, Object> templating = (Map<String, Object>) dashboard.get("templating");
        for (Map<String, Object> variable : (List<Map<String, Object>>) templating.get("list")) {
            if (!"query".equals(variable.get("type"))) {
                continue;
            }
            Object query = variable.get("query");
            String text = query instanceof Map<?, ?> m ? (String) m.get("query") : (String) query;
            queries.add(new Query("dashboard variable $" + variable.get("name"), text, null, true));
        }
        List<Map<String, Object>> panels = new ArrayList<>((List<Map<String, Object>>) dashboard.get("panels"));
        for (int i = 0; i < panels.size(); i++) {
            Map<String, Object> panel = panels.get(i);
            if (panel.get("panels") instanceof List<?> nested) {
                panels.addAll((List<Map<String, Object>>) nested);
            }
            for (Map<String, Object> target : (List<Map<String, Object>>) panel.getOrDefault("targets", List.of())) {
                queries.add(new Query(
                        "panel \"" + panel.get("title") + "\" " + target.get("refId"),
                        (String) target.get("expr"),
                        (String) target.get("legendFormat"),
                        false));
            }
        }
    }

    // ---- the check ------------------------------------------------------------------------------------------

    private static void check(
            Query query,
            Map<String, OpenMetricsScrape> scrapes,
            Map<String, Set<String>> seriesBySource,
            List<String> problems) {
        PromQl.Parsed parsed;
        try {
            parsed = query.variable() ? PromQl.parseVariableQuery(query.expr()) : PromQl.parse(query.expr());
        } catch (IllegalArgumentException e) {
            problems.add(query.source() + ": cannot read " + query.expr() + ": " + e.getMessage());
            return;
        }
        if (parsed.selectors().isEmpty()) {
            problems.add(query.source() + ": names no metric: " + query.expr());
        }
        Set<String> labelsSeen = new LinkedHashSet<>(TARGET_LABELS);
        for (PromQl.Selector selector : parsed.selectors()) {
            seriesBySource
                    .computeIfAbsent(selector.metric(), k -> new TreeSet<>())
                    .add(query.source());
            String where = query.source() + ": " + selector.metric();
            if (SYNTHETIC_SERIES.contains(selector.metric())) {
                selector.matchers().stream()
                        .filter(m -> !TARGET_LABELS.contains(m.label()))
                        .forEach(m -> problems.add(where + " has no label " + m.label()));
                continue;
            }
            Map<String, OpenMetricsScrape> scope = scope(selector, scrapes, where, problems);
            List<OpenMetricsScrape> serving = scope.values().stream()
                    .filter(s -> s.family(selector.metric()).isPresent())
                    .toList();
            if (serving.isEmpty()) {
                problems.add(where + " is no series of a family that " + scope.keySet() + " serve"
                        + " (a renamed metric, or a suffix its type does not have)");
                continue;
            }
            if (serving.stream().allMatch(s -> s.samples(selector.metric()).isEmpty())) {
                problems.add(where + ": the family is declared but has no samples");
                continue;
            }
            serving.forEach(s -> s.samples(selector.metric())
                    .forEach(sample -> labelsSeen.addAll(sample.labels().keySet())));
            for (PromQl.Matcher matcher : selector.matchers()) {
                checkMatcher(where, selector.metric(), matcher, serving, problems);
            }
        }
        for (String label : parsed.groupingLabels()) {
            if (!labelsSeen.contains(label)) {
                problems.add(query.source() + ": groups or matches by " + label + ", which its series do not have "
                        + "(they have " + labelsSeen + ")");
            }
        }
        if (query.legend() != null) {
            Matcher legend = LEGEND_LABEL.matcher(query.legend());
            while (legend.find()) {
                if (!labelsSeen.contains(legend.group(1))
                        && !parsed.groupingLabels().contains(legend.group(1))) {
                    problems.add(
                            query.source() + ": legend uses {{" + legend.group(1) + "}}, not a label of its series");
                }
            }
        }
    }

    /** The scrape the selector's {@code job} names, or both when it names none. */
    private static Map<String, OpenMetricsScrape> scope(
            PromQl.Selector selector, Map<String, OpenMetricsScrape> scrapes, String where, List<String> problems) {
        for (PromQl.Matcher matcher : selector.matchers()) {
            if (matcher.label().equals("job") && matcher.op().equals("=")) {
                if (!scrapes.containsKey(matcher.value())) {
                    problems.add(where + " selects job " + matcher.value() + ", which is none of " + scrapes.keySet());
                    return Map.of();
                }
                return Map.of(matcher.value(), scrapes.get(matcher.value()));
            }
        }
        return scrapes;
    }

    private static void checkMatcher(
            String where,
            String series,
            PromQl.Matcher matcher,
            List<OpenMetricsScrape> serving,
            List<String> problems) {
        if (TARGET_LABELS.contains(matcher.label())) {
            return;
        }
        Set<String> values = new TreeSet<>();
        serving.forEach(s -> values.addAll(s.labelValues(series, matcher.label())));
        if (values.isEmpty()) {
            problems.add(where + " has no label " + matcher.label());
            return;
        }
        List<String> wanted = switch (matcher.op()) {
            case "=" -> matcher.value().contains("$") ? List.of() : List.of(matcher.value());
            case "=~" -> PromQl.literalAlternatives(matcher.value());
            default -> List.of();
        };
        for (String value : wanted) {
            boolean onlyOnFailure =
                    FAILURE_ONLY_VALUES.getOrDefault(matcher.label(), Set.of()).contains(value);
            if (!values.contains(value) && !onlyOnFailure) {
                problems.add(where + "{" + matcher.label() + "=\"" + value
                        + "\"} matches nothing: the label's values are " + values);
            }
        }
    }

    // ---- exercising the services ------------------------------------------------------------------------

    private static void exerciseWebhook(String ca, int httpsPort) throws Exception {
        WebhookChecks.assertStampsNginxProfile(ServiceTls.post(
                ca, WebhookChecks.SERVICE_DNS_NAME, httpsPort, "/mutate", WebhookChecks.nginxPodCreate()));
        ServiceTls.Response validated = ServiceTls.post(
                ca, WebhookChecks.SERVICE_DNS_NAME, httpsPort, "/validate", WebhookChecks.nginxPodCreate());
        assertThat(validated.status()).as(validated.body()).isEqualTo(200);
        assertThat(validated.body()).contains("\"allowed\":true");
    }

    private static void exerciseExtender(int port) throws Exception {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("Pod", ExtenderIT.pod("nginx2", null, true));
        args.put("NodeNames", MockApiServer.NODES);
        String body = SERIALIZATION.asJson(args);
        assertThat(ExtenderIT.post(port, "/filter", body).statusCode()).isEqualTo(200);
        HttpResponse<String> prioritize = ExtenderIT.post(port, "/prioritize", body);
        assertThat(prioritize.statusCode()).as(prioritize.body()).isEqualTo(200);
        assertThat(prioritize.body()).contains("node-a");
        HttpResponse<String> bind = ExtenderIT.post(port, "/bind", """
                {"PodName": "nginx2", "PodNamespace": "default", "PodUID": "uid-nginx2", "Node": "node-a"}
                """);
        assertThat(bind.statusCode()).as(bind.body()).isEqualTo(200);
    }

    /** What the alerts rely on beyond names: both ready, the webhook's certificate expiry in seconds. */
    private static void assertServiceFacts(Map<String, OpenMetricsScrape> scrapes) {
        for (Map.Entry<String, OpenMetricsScrape> scrape : scrapes.entrySet()) {
            assertThat(scrape.getValue().samples("sysched_ready"))
                    .as("%s sysched_ready", scrape.getKey())
                    .singleElement()
                    .satisfies(s -> assertThat(s.value()).isEqualTo(1.0));
        }
        // CertManagerFiles issues the serving certificate for one day
        assertThat(scrapes.get(WEBHOOK_JOB).samples("ssl_chain_expiry_seconds"))
                .filteredOn(s -> "webhook".equals(s.labels().get("bundle")))
                .singleElement()
                .satisfies(s -> assertThat(s.value()).isBetween(86_400.0 - 900, 86_400.0));
    }

    private static String report(
            Map<String, Set<String>> seriesBySource,
            Map<String, OpenMetricsScrape> scrapes,
            Set<String> namedInDescriptions) {
        StringBuilder out =
                new StringBuilder("series named by the chart's alerts and dashboard (family, type, served by):\n");
        for (Map.Entry<String, Set<String>> entry : seriesBySource.entrySet()) {
            List<String> servedBy = new ArrayList<>();
            String family = "(Prometheus)";
            for (Map.Entry<String, OpenMetricsScrape> scrape : scrapes.entrySet()) {
                var f = scrape.getValue().family(entry.getKey());
                if (f.isPresent()) {
                    servedBy.add(scrape.getKey());
                    family = f.get().name() + " " + f.get().type();
                }
            }
            out.append(String.format(
                    "  %-45s %-40s %-30s used by %d: %s%n",
                    entry.getKey(), family, servedBy, entry.getValue().size(), String.join("; ", entry.getValue())));
        }
        out.append("named in alert descriptions: ").append(namedInDescriptions).append('\n');
        return out.toString();
    }
}
