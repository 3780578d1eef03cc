package io.github.sysched.charts;

import static io.github.sysched.charts.ChartRenderer.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Lockout safety ("Hardening"): whatever the values, the admission webhooks must never be able to stop the cluster
 * from healing itself. Checked on the rendered configurations, by evaluating selectors and rules the way the API
 * server does (not by string comparison), so every assertion fails if the protection is removed from the chart:
 * <ul>
 *   <li>pods (and objects) in kube-system and in the release namespace never reach the webhook;</li>
 *   <li>no rule matches leases (coordination.k8s.io) or events (core and events.k8s.io);</li>
 *   <li>pod-matching webhooks default to failurePolicy Ignore;</li>
 *   <li>every failurePolicy combination the schema allows keeps the exclusions, and a pod webhook set to Fail
 *       makes NOTES.txt warn (the values comments explain the trade-off).</li>
 * </ul>
 */
class LockoutSafetyTest {

    static final List<String> VALUE_SETS = ChartRenderer.VALUE_SETS;
    static final String OTHER_NAMESPACE = "platform-ops";
    static final List<String> POLICIES = List.of("Ignore", "Fail");
    static final String WARNING = "WARNING: failurePolicy Fail on pods";

    /** Resources whose interception would deadlock the control plane: leader election and event recording. */
    static final List<GroupResource> NEVER_INTERCEPTED = List.of(
            new GroupResource("coordination.k8s.io", "leases"),
            new GroupResource("", "events"),
            new GroupResource("events.k8s.io", "events"));

    static final GroupResource PODS = new GroupResource("", "pods");

    private static final Map<String, String> SUMMARY = new LinkedHashMap<>();

    record GroupResource(String group, String resource) {}

    @AfterAll
    static void printSummaryAndCleanUp() throws IOException {
        SUMMARY.forEach((test, line) -> System.out.println("[LockoutSafetyTest] " + test + ": " + line));
        if (probeChart != null) {
            try (var files = Files.walk(probeChart.getParent())) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
            probeChart = null;
        }
    }

    // ---- API-server semantics -------------------------------------------------------------------------------------

    /** metav1.LabelSelector semantics; a null selector matches everything, as for admission webhooks. */
    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                String value = labels.get(r.getKey());
                List<String> values = r.getValues() == null ? List.of() : r.getValues();
                boolean ok = switch (r.getOperator()) {
                    case "In" -> value != null && values.contains(value);
                    case "NotIn" -> value == null || !values.contains(value);
                    case "Exists" -> value != null;
                    case "DoesNotExist" -> value == null;
                    default -> throw new AssertionError("unknown selector operator " + r.getOperator());
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The labels the API server puts on every Namespace (immutable, set since Kubernetes 1.22). */
    static Map<String, String> namespaceLabels(String name) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("kubernetes.io/metadata.name", name);
        // opted in to binding resolution, as a namespace an admin labelled carelessly would be
        labels.put("spo.x-k8s.io/enable-binding", "true");
        return labels;
    }

    static boolean seesNamespace(Webhooks w, String namespace) {
        return matches(w.namespaceSelector(), namespaceLabels(namespace));
    }

    static boolean ruleMatches(RuleWithOperations rule, GroupResource gr) {
        boolean group = rule.getApiGroups().contains("*") || rule.getApiGroups().contains(gr.group());
        boolean resource = rule.getResources().stream()
                .anyMatch(r ->
                        r.equals("*") || r.equals("*/*") || r.equals(gr.resource()) || r.equals(gr.resource() + "/*"));
        return group && resource;
    }

    static boolean matchesResource(Webhooks w, GroupResource gr) {
        return w.rules().stream().anyMatch(rule -> ruleMatches(rule, gr));
    }

    static List<Webhooks> podWebhooks(Rendered r) {
        return Webhooks.of(r).stream().filter(w -> matchesResource(w, PODS)).toList();
    }

    /** Renders the chart into another release namespace, so the exclusion cannot be a hard-coded name. */
    static Rendered renderIn(String namespace, String valueSet, Map<String, Object> sets) {
        var cmd = new Helm(ChartRenderer.CHART)
                .template()
                .withName(ChartRenderer.RELEASE)
                .withNamespace(namespace)
                .withKubeVersion(ChartRenderer.KUBE_VERSION)
                .withValuesFile(ChartRenderer.valuesFile(valueSet));
        for (Map.Entry<String, Object> e : sets.entrySet()) {
            cmd = cmd.set(e.getKey(), e.getValue());
        }
        return new Rendered(valueSet + "@" + namespace, cmd.call());
    }

    /**
     * NOTES.txt rendered with the given values. `helm template` never prints NOTES and helm-java's client dry-run
     * still contacts a cluster, so a copy of the chart gets one extra template that includes NOTES.txt by its
     * template name (Helm parses every file under templates/, NOTES.txt included) into a ConfigMap.
     */
    static String notes(String valueSet, Map<String, Object> sets) {
        var cmd = new Helm(notesProbeChart())
                .template()
                .withName(ChartRenderer.RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(ChartRenderer.KUBE_VERSION)
                .withValuesFile(ChartRenderer.valuesFile(valueSet));
        for (Map.Entry<String, Object> e : sets.entrySet()) {
            cmd = cmd.set(e.getKey(), e.getValue());
        }
        Rendered r = new Rendered(valueSet + "+notes", cmd.call());
        String notes = r.get(io.fabric8.kubernetes.api.model.ConfigMap.class, "notes-probe")
                .getData()
                .get("NOTES.txt");
        assertThat(notes).as("rendered NOTES.txt of %s %s", valueSet, sets).isNotBlank();
        return notes;
    }

    private static Path probeChart;

    static synchronized Path notesProbeChart() {
        if (probeChart != null) {
            return probeChart;
        }
        try {
            Path dir = Files.createTempDirectory(
                    Files.createDirectories(Paths.get("target").toAbsolutePath()), "notes-probe-");
            Path chart = dir.resolve("sysched");
            try (var files = Files.walk(ChartRenderer.CHART)) {
                for (Path src : (Iterable<Path>) files::iterator) {
                    Path dst = chart.resolve(ChartRenderer.CHART.relativize(src).toString());
                    if (Files.isDirectory(src)) {
                        Files.createDirectories(dst);
                    } else {
                        Files.copy(src, dst);
                    }
                }
            }
            Files.writeString(chart.resolve("templates/zz-notes-probe.yaml"), """
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: notes-probe
          data:
            NOTES.txt: {{ include "sysched/templates/NOTES.txt" . | toJson }}
          """);
            probeChart = chart;
            return chart;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> policies(String mutating, String validatingPods, String validatingProfiles) {
        Map<String, Object> sets = new LinkedHashMap<>();
        sets.put("webhook.failurePolicy.mutating", mutating);
        sets.put("webhook.failurePolicy.validatingPods", validatingPods);
        sets.put("webhook.failurePolicy.validatingProfiles", validatingProfiles);
        return sets;
    }

    /** The lockout checks shared by every test; returns the number of webhooks checked. */
    static int assertLockoutSafe(Rendered r, String releaseNamespace) {
        List<Webhooks> hooks = Webhooks.of(r);
        assertThat(hooks).as("[%s] webhooks", r.valueSet).hasSize(3);
        assertThat(podWebhooks(r))
                .as("[%s] pod webhooks", r.valueSet)
                .extracting(Webhooks::name)
                .containsExactlyInAnyOrder("mutate.pods.exs.sysched.io", "validate.pods.exs.sysched.io");
        for (Webhooks w : hooks) {
            assertThat(seesNamespace(w, "kube-system"))
                    .as("[%s] %s must never see kube-system", r.valueSet, w.name())
                    .isFalse();
            assertThat(seesNamespace(w, releaseNamespace))
                    .as("[%s] %s must never see its own release namespace %s", r.valueSet, w.name(), releaseNamespace)
                    .isFalse();
            // sanity: the selector is not vacuous, a tenant namespace is still sent to the webhook
            assertThat(seesNamespace(w, "tenant-a"))
                    .as("[%s] %s should see an ordinary namespace", r.valueSet, w.name())
                    .isTrue();
            for (GroupResource gr : NEVER_INTERCEPTED) {
                assertThat(matchesResource(w, gr))
                        .as("[%s] %s must not intercept %s", r.valueSet, w.name(), gr)
                        .isFalse();
            }
        }
        return hooks.size();
    }

    // ---- tests --------------------------------------------------------------------------------------------------

    @Test
    void noValueSetLetsAWebhookSeeKubeSystemTheReleaseNamespaceLeasesOrEvents() {
        int hooks = 0;
        int renders = 0;
        for (String vs : VALUE_SETS) {
            hooks += assertLockoutSafe(ChartRenderer.render(vs), NAMESPACE);
            hooks += assertLockoutSafe(renderIn(OTHER_NAMESPACE, vs, Map.of()), OTHER_NAMESPACE);
            renders += 2;
        }
        SUMMARY.put(
                "lockout",
                String.format(
                        "%d value sets x 2 release namespaces = %d renders, %d webhooks checked "
                                + "(kube-system + release ns excluded, %d never-intercepted resources)",
                        VALUE_SETS.size(), renders, hooks, NEVER_INTERCEPTED.size()));
    }

    @Test
    void extraExclusionsAddToButNeverReplaceTheBuiltInOnes() {
        // excluding other namespaces (or listing the built-in ones again) must keep kube-system and the release ns out
        List<Map<String, Object>> overrides = List.of(
                Map.of("webhook.excludedNamespaces[0]", "monitoring"),
                Map.of(
                        "webhook.excludedNamespaces[0]",
                        "kube-system",
                        "webhook.excludedNamespaces[1]",
                        OTHER_NAMESPACE),
                Map.of("webhook.skipLabel", "example.com/no-admission"));
        int checked = 0;
        for (String vs : VALUE_SETS) {
            for (Map<String, Object> o : overrides) {
                Rendered r = renderIn(OTHER_NAMESPACE, vs, o);
                checked += assertLockoutSafe(r, OTHER_NAMESPACE);
                if (o.containsKey("webhook.excludedNamespaces[0]") && o.size() == 1) {
                    assertThat(Webhooks.of(r))
                            .allSatisfy(w ->
                                    assertThat(seesNamespace(w, "monitoring")).isFalse());
                }
            }
        }
        SUMMARY.put(
                "exclusions",
                String.format(
                        "%d value sets x %d overrides, %d webhooks checked",
                        VALUE_SETS.size(), overrides.size(), checked));
    }

    @Test
    void optedOutNamespacesAreNeverSentButPodAuthorsCannotOptOut() {
        int checked = 0;
        for (String vs : VALUE_SETS) {
            Rendered r = ChartRenderer.render(vs);
            Map<String, String> optedOut = new LinkedHashMap<>(namespaceLabels("tenant-a"));
            optedOut.put("exs.sysched.io/skip", "true");
            for (Webhooks w : Webhooks.of(r)) {
                if (!matchesResource(w, PODS)) {
                    continue;
                }
                assertThat(matches(w.namespaceSelector(), optedOut))
                        .as("[%s] %s sees an opted-out namespace", vs, w.name())
                        .isFalse();
                // a pod that labels itself exs.sysched.io/skip=true in an ordinary namespace is still sent
                assertThat(seesNamespace(w, "tenant-a")
                                && matches(w.objectSelector(), Map.of("app", "x", "exs.sysched.io/skip", "true")))
                        .as("[%s] %s lets a pod author opt out", vs, w.name())
                        .isTrue();
                checked++;
            }
        }
        SUMMARY.put(
                "opt-out",
                String.format(
                        "%d value sets, %d pod webhooks: namespaces labelled exs.sysched.io/skip=true"
                                + " skipped; pods labelled so by their authors still sent",
                        VALUE_SETS.size(), checked));
    }

    @Test
    void podWebhooksDefaultToIgnore() {
        // the chart's own defaults (no values file at all) ...
        Rendered defaults = new Rendered("defaults", ChartRenderer.template(null, Map.of()));
        assertLockoutSafe(defaults, NAMESPACE);
        for (Webhooks w : podWebhooks(defaults)) {
            assertThat(w.failurePolicy())
                    .as("default failurePolicy of %s", w.name())
                    .isEqualTo("Ignore");
        }
        // ... and every value set that does not choose a pod failure policy itself
        int sets = 0;
        int hooks = 0;
        for (String vs : VALUE_SETS) {
            Map<String, Object> file = ChartRenderer.yamlMap(readValues(vs));
            Rendered r = ChartRenderer.render(vs);
            for (Webhooks w : podWebhooks(r)) {
                String key = w.mutating() ? "webhook.failurePolicy.mutating" : "webhook.failurePolicy.validatingPods";
                String expected = Rendered.has(file, key) ? Rendered.at(file, key) : "Ignore";
                assertThat(w.failurePolicy())
                        .as("[%s] failurePolicy of %s", vs, w.name())
                        .isEqualTo(expected);
                hooks++;
            }
            sets++;
        }
        SUMMARY.put("default-ignore", String.format("defaults + %d value sets, %d pod webhooks checked", sets, hooks));
    }

    @Test
    void everyFailurePolicyCombinationKeepsTheExclusionsAndFailOnPodsWarns() {
        int combos = 0;
        int renders = 0;
        int warned = 0;
        for (String m : POLICIES) {
            for (String vp : POLICIES) {
                for (String pr : POLICIES) {
                    Map<String, Object> sets = policies(m, vp, pr);
                    combos++;
                    for (String vs : VALUE_SETS) {
                        Rendered r = ChartRenderer.render(vs, sets);
                        assertLockoutSafe(r, NAMESPACE);
                        assertThat(Webhooks.named(r, "mutate.pods.exs.sysched.io")
                                        .failurePolicy())
                                .isEqualTo(m);
                        assertThat(Webhooks.named(r, "validate.pods.exs.sysched.io")
                                        .failurePolicy())
                                .isEqualTo(vp);
                        assertThat(Webhooks.named(r, "validate.profiles.exs.sysched.io")
                                        .failurePolicy())
                                .isEqualTo(pr);
                        renders++;
                    }
                    String notes = notes("cert-manager", sets);
                    boolean failOnPods = m.equals("Fail") || vp.equals("Fail");
                    if (failOnPods) {
                        assertThat(notes)
                                .as("NOTES with %s", sets)
                                .contains(WARNING)
                                .contains("kube-system")
                                .contains(NAMESPACE);
                        if (m.equals("Fail")) {
                            assertThat(notes).contains("mutate.pods.exs.sysched.io");
                        }
                        if (vp.equals("Fail")) {
                            assertThat(notes).contains("validate.pods.exs.sysched.io");
                        }
                        warned++;
                    } else {
                        assertThat(notes).as("NOTES with %s", sets).doesNotContain(WARNING);
                    }
                }
            }
        }
        SUMMARY.put(
                "failurePolicy",
                String.format(
                        "%d combinations x %d value sets = %d renders lockout-safe; "
                                + "NOTES warns in %d/%d combinations (those with Fail on a pod webhook)",
                        combos, VALUE_SETS.size(), renders, warned, combos));
    }

    @Test
    void valuesDocumentEachFailurePolicyAndTheSchemaAllowsOnlyIgnoreOrFail() {
        String values = readChartFile("values.yaml");
        // each policy key is preceded by a comment explaining what it trades
        AtomicInteger documented = new AtomicInteger();
        for (String key : List.of("mutating", "validatingPods", "validatingProfiles")) {
            String comment = commentAbove(values, key + ":");
            assertThat(comment)
                    .as("comment above webhook.failurePolicy.%s", key)
                    .isNotBlank();
            assertThat(comment).as("comment above %s names the trade-off", key).containsAnyOf("down", "unavailable");
            documented.incrementAndGet();
        }
        assertThat(commentAbove(values, "mutating:")).contains("Ignore");
        assertThat(commentAbove(values, "validatingPods:")).contains("blocking every pod");
        // the schema allows exactly Ignore / Fail, required, no other spelling
        List<String> rejected = new ArrayList<>();
        for (String key : List.of("mutating", "validatingPods", "validatingProfiles")) {
            for (String bad : List.of("fail", "ignore", "Abort", "")) {
                String k = "webhook.failurePolicy." + key;
                assertThatThrownBy(() -> ChartRenderer.template("cert-manager", Map.of(k, bad)))
                        .as("%s=%s should be rejected by values.schema.json", k, bad)
                        .hasMessageContaining("failurePolicy");
                rejected.add(k + "=" + bad);
            }
        }
        SUMMARY.put(
                "schema",
                String.format(
                        "%d policy keys documented in values.yaml; %d invalid settings rejected",
                        documented.get(), rejected.size()));
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    static String readValues(String valueSet) {
        try {
            return java.nio.file.Files.readString(ChartRenderer.valuesFile(valueSet));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String readChartFile(String name) {
        try {
            return java.nio.file.Files.readString(ChartRenderer.CHART.resolve(name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The contiguous comment block directly above the first line whose trimmed text starts with {@code key}. */
    static String commentAbove(String yaml, String key) {
        List<String> lines = yaml.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith(key)) {
                StringBuilder sb = new StringBuilder();
                for (int j = i - 1; j >= 0 && lines.get(j).strip().startsWith("#"); j--) {
                    sb.insert(0, lines.get(j).strip() + "\n");
                }
                return sb.toString();
            }
        }
        throw new AssertionError("no line starting with " + key);
    }
}
