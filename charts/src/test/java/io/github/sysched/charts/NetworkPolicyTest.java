package io.github.sysched.charts;

import static io.github.sysched.charts.ChartRenderer.VALUE_SETS;
import static io.github.sysched.charts.ChartRenderer.render;
import static io.github.sysched.charts.LockoutSafetyTest.matches;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A second layer next to the extender's mutual TLS: its port is reachable only from the schedulers that call it. */
class NetworkPolicyTest {

    private static NetworkPolicy policy(Rendered r) {
        List<NetworkPolicy> policies = r.all(NetworkPolicy.class);
        assertThat(policies).as(r.valueSet).hasSize(1);
        return policies.get(0);
    }

    private static List<NetworkPolicyIngressRule> rulesFor(NetworkPolicy policy, String port) {
        return policy.getSpec().getIngress().stream()
                .filter(rule -> rule.getPorts() == null
                        || rule.getPorts().isEmpty()
                        || rule.getPorts().stream()
                                .anyMatch(
                                        p -> p.getPort() == null || p.getPort().equals(new IntOrString(port))))
                .toList();
    }

    private static Map<String, String> podLabels(Deployment d) {
        return d.getSpec().getTemplate().getMetadata().getLabels();
    }

    @Test
    void onlyTheSecondSchedulerMayCallTheExtender() {
        int checked = 0;
        for (String vs : VALUE_SETS) {
            Rendered r = render(vs);
            NetworkPolicy policy = policy(r);
            Deployment scheduler = AppConfigTest.scheduler(r);
            assertThat(matches(policy.getSpec().getPodSelector(), podLabels(scheduler)))
                    .as(vs)
                    .isTrue();
            assertThat(matches(policy.getSpec().getPodSelector(), podLabels(AppConfigTest.webhook(r))))
                    .as(vs)
                    .isFalse();
            assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");

            List<NetworkPolicyIngressRule> extender = rulesFor(policy, "https");
            // an ingress rule without peers admits everyone: every rule reaching the extender port must list its peers
            assertThat(extender)
                    .as(vs)
                    .allSatisfy(rule -> assertThat(rule.getFrom()).isNotEmpty());
            List<NetworkPolicyPeer> peers =
                    extender.stream().flatMap(rule -> rule.getFrom().stream()).toList();
            boolean second = r.all(Deployment.class).stream()
                    .anyMatch(d -> d.getMetadata().getName().endsWith("kube-scheduler"));
            if (second) {
                Deployment kubeScheduler = r.all(Deployment.class).stream()
                        .filter(d -> d.getMetadata().getName().endsWith("kube-scheduler"))
                        .findFirst()
                        .orElseThrow();
                assertThat(peers).as(vs).singleElement().satisfies(peer -> {
                    assertThat(peer.getIpBlock()).isNull();
                    assertThat(peer.getNamespaceSelector()).isNull();
                    assertThat(matches(peer.getPodSelector(), podLabels(kubeScheduler)))
                            .isTrue();
                    assertThat(matches(peer.getPodSelector(), podLabels(AppConfigTest.webhook(r))))
                            .isFalse();
                });
            } else {
                assertThat(peers)
                        .as("%s: no scheduler configured, no client", vs)
                        .isEmpty();
            }
            // probes and scrapes still reach the management port
            assertThat(rulesFor(policy, "metrics")).as(vs).isNotEmpty();
            checked++;
        }
        System.out.printf(
                "NETWORKPOLICY %d value sets: extender port open only to the second scheduler's pods%n", checked);
    }

    @Test
    void extraClientsAreAddedAndThePolicyCanBeTurnedOff() {
        Rendered withClients = render(
                "cert-manager", Map.of("scheduler.networkPolicy.extenderClients[0].ipBlock.cidr", "10.0.0.0/24"));
        List<NetworkPolicyPeer> peers = rulesFor(policy(withClients), "https").stream()
                .flatMap(rule -> rule.getFrom().stream())
                .toList();
        assertThat(peers)
                .singleElement()
                .satisfies(peer -> assertThat(peer.getIpBlock().getCidr()).isEqualTo("10.0.0.0/24"));

        assertThat(render("cert-manager", Map.of("scheduler.networkPolicy.enabled", false))
                        .all(NetworkPolicy.class))
                .isEmpty();
    }
}
