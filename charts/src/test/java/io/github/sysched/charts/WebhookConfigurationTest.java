package io.github.sysched.charts;

import static io.github.sysched.charts.ChartRenderer.NAMESPACE;
import static io.github.sysched.charts.ChartRenderer.render;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class WebhookConfigurationTest {

    static final List<String> VALUE_SETS = ChartRenderer.VALUE_SETS;

    /** Resolves Service → targetPort → container port of the pods the Service selects. */
    static ContainerPort resolveServicePort(Rendered r, String serviceName, int port) {
        Service svc = r.service(serviceName);
        ServicePort sp = svc.getSpec().getPorts().stream()
                .filter(p -> p.getPort() == port)
                .findFirst()
                .orElseThrow(() -> new AssertionError("Service " + serviceName + " has no port " + port));
        Map<String, String> selector = svc.getSpec().getSelector();
        assertThat(selector).as("Service %s selector", serviceName).isNotEmpty();
        List<Deployment> backends = r.all(Deployment.class).stream()
                .filter(d -> d.getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getLabels()
                        .entrySet()
                        .containsAll(selector.entrySet()))
                .toList();
        assertThat(backends)
                .as("Deployments selected by Service %s", serviceName)
                .hasSize(1);
        Deployment d = backends.get(0);
        // the Deployment's own selector must match its template too
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
        IntOrString target = sp.getTargetPort();
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        return c.getPorts().stream()
                .filter(p -> target.getStrVal() != null
                        ? target.getStrVal().equals(p.getName())
                        : target.getIntVal().equals(p.getContainerPort()))
                .findFirst()
                .orElseThrow(() ->
                        new AssertionError("targetPort " + target + " of " + serviceName + " is no container port"));
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void clientConfigReachesTheHttpsContainerPort(String valueSet) {
        Rendered r = render(valueSet);
        List<Webhooks> hooks = Webhooks.of(r);
        assertThat(hooks)
                .extracting(Webhooks::name)
                .containsExactlyInAnyOrder(
                        "mutate.pods.exs.sysched.io",
                        "validate.pods.exs.sysched.io",
                        "validate.profiles.exs.sysched.io");
        for (Webhooks w : hooks) {
            ServiceReference ref = w.clientConfig().getService();
            assertThat(w.clientConfig().getUrl()).isNull();
            assertThat(ref.getNamespace()).isEqualTo(NAMESPACE);
            assertThat(ref.getPath()).isEqualTo(w.mutating() ? "/mutate" : "/validate");
            assertThat(ref.getPort()).isEqualTo(443);
            ContainerPort cp = resolveServicePort(r, ref.getName(), ref.getPort());
            assertThat(cp.getContainerPort()).isEqualTo(8443);
            assertThat(cp.getName()).isEqualTo("https");
        }
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void commonAdmissionSettings(String valueSet) {
        for (Webhooks w : Webhooks.of(render(valueSet))) {
            assertThat(w.sideEffects()).as(w.name()).isEqualTo("None");
            assertThat(w.timeoutSeconds()).as(w.name()).isEqualTo(3);
            assertThat(w.admissionReviewVersions()).as(w.name()).containsExactly("v1");
            assertThat(w.matchPolicy()).as(w.name()).isEqualTo("Equivalent");
            if (w.mutating()) {
                assertThat(w.reinvocationPolicy()).isEqualTo("IfNeeded");
            }
        }
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void selectorsExcludeSystemAndReleaseNamespacesAndHonourTheOptOutLabel(String valueSet) {
        Rendered r = render(valueSet);
        for (Webhooks w : Webhooks.of(r)) {
            LabelSelectorRequirement ns = w.namespaceSelector().getMatchExpressions().stream()
                    .filter(e -> e.getKey().equals("kubernetes.io/metadata.name"))
                    .findFirst()
                    .orElseThrow();
            assertThat(ns.getOperator()).isEqualTo("NotIn");
            assertThat(ns.getValues()).contains("kube-system", NAMESPACE);
            assertThat(w.namespaceSelector().getMatchLabels()).isNullOrEmpty();
            // the opt-out is a namespace label; a pod label would let pod authors skip admission
            assertThat(w.namespaceSelector().getMatchExpressions()).anySatisfy(e -> {
                assertThat(e.getKey()).isEqualTo("exs.sysched.io/skip");
                assertThat(e.getOperator()).isEqualTo("NotIn");
                assertThat(e.getValues()).containsExactly("true");
            });
            assertThat(w.objectSelector()).isNull();
        }
    }

    @Test
    void extraExcludedNamespacesAreAdded() {
        for (Webhooks w : Webhooks.of(render("everything"))) {
            assertThat(w.namespaceSelector().getMatchExpressions().get(0).getValues())
                    .containsExactly("kube-system", NAMESPACE, "monitoring", "security-profiles-operator");
        }
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void rulesInterceptOnlyPodsAndSpoObjects(String valueSet) {
        Rendered r = render(valueSet);
        for (Webhooks w : Webhooks.of(r)) {
            for (RuleWithOperations rule : w.rules()) {
                assertThat(rule.getResources()).as(w.name()).doesNotContain("*", "*/*", "leases", "events", "pods/*");
                assertThat(rule.getApiGroups())
                        .as(w.name())
                        .doesNotContain("*", "coordination.k8s.io", "events.k8s.io");
                assertThat(rule.getOperations()).as(w.name()).doesNotContain("*", "DELETE", "CONNECT");
            }
        }
        RuleWithOperations mutate =
                Webhooks.named(r, "mutate.pods.exs.sysched.io").rules().get(0);
        assertThat(Webhooks.named(r, "mutate.pods.exs.sysched.io").rules()).hasSize(1);
        assertThat(mutate.getApiGroups()).containsExactly("");
        assertThat(mutate.getResources()).containsExactly("pods");
        assertThat(mutate.getOperations()).containsExactly("CREATE");

        List<RuleWithOperations> podRules =
                Webhooks.named(r, "validate.pods.exs.sysched.io").rules();
        assertThat(podRules).singleElement().satisfies(rule -> {
            assertThat(rule.getResources()).containsExactly("pods");
            assertThat(rule.getOperations()).containsExactlyInAnyOrder("CREATE", "UPDATE");
        });

        List<RuleWithOperations> spoRules =
                Webhooks.named(r, "validate.profiles.exs.sysched.io").rules();
        assertThat(spoRules).allSatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("security-profiles-operator.x-k8s.io");
            assertThat(rule.getOperations()).containsExactlyInAnyOrder("CREATE", "UPDATE");
        });
        assertThat(spoRules)
                .flatExtracting(RuleWithOperations::getResources)
                .containsExactlyInAnyOrder("profilebindings", "seccompprofiles");
    }

    @Test
    void spoVersionSelectsTheRegisteredApiVersions() {
        Map<String, String> v1beta1 = spoVersions(render("cert-manager"));
        assertThat(v1beta1).containsEntry("seccompprofiles", "v1beta1").containsEntry("profilebindings", "v1alpha1");
        Map<String, String> v1 = spoVersions(render("cert-manager", Map.of("spo.version", "v1")));
        assertThat(v1).containsEntry("seccompprofiles", "v1").containsEntry("profilebindings", "v1");
    }

    private static Map<String, String> spoVersions(Rendered r) {
        return Webhooks.named(r, "validate.profiles.exs.sysched.io").rules().stream()
                .collect(java.util.stream.Collectors.toMap(
                        x -> x.getResources().get(0), x -> x.getApiVersions().get(0)));
    }

    @Test
    void failurePoliciesAreTheDocumentedDefaults() {
        Rendered r = render("cert-manager");
        assertThat(Webhooks.named(r, "mutate.pods.exs.sysched.io").failurePolicy())
                .isEqualTo("Ignore");
        assertThat(Webhooks.named(r, "validate.pods.exs.sysched.io").failurePolicy())
                .isEqualTo("Ignore");
        assertThat(Webhooks.named(r, "validate.profiles.exs.sysched.io").failurePolicy())
                .isEqualTo("Fail");
    }

    @Test
    void failurePoliciesAreConfigurablePerWebhook() {
        Rendered r = render("everything");
        assertThat(Webhooks.named(r, "mutate.pods.exs.sysched.io").failurePolicy())
                .isEqualTo("Fail");
        assertThat(Webhooks.named(r, "validate.pods.exs.sysched.io").failurePolicy())
                .isEqualTo("Fail");
        assertThat(Webhooks.named(r, "validate.profiles.exs.sysched.io").failurePolicy())
                .isEqualTo("Ignore");
        Rendered t = render("cert-manager", Map.of("webhook.timeoutSeconds", 5));
        assertThat(Webhooks.of(t))
                .allSatisfy(w -> assertThat(w.timeoutSeconds()).isEqualTo(5));
    }
}
