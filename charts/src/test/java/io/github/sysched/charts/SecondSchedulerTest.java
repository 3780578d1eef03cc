package io.github.sysched.charts;

import static io.github.sysched.charts.ChartRenderer.NAMESPACE;
import static io.github.sysched.charts.ChartRenderer.render;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecondSchedulerTest {

    static final Set<String> EXTENDER_KEYS = Set.of(
            "urlPrefix",
            "filterVerb",
            "prioritizeVerb",
            "preemptVerb",
            "bindVerb",
            "weight",
            "enableHTTPS",
            "tlsConfig",
            "httpTimeout",
            "nodeCacheCapable",
            "managedResources",
            "ignorable");

    @Test
    void offByDefault() {
        for (String vs : List.of("cert-manager", "self-signed", "ipp-compat", "ipp-fast", "bind")) {
            Rendered r = render(vs);
            assertThat(r.all(Deployment.class))
                    .as(vs)
                    .hasSize(2)
                    .noneMatch(d -> d.getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getImage()
                            .contains("kube-scheduler"));
            assertThat(r.all(ConfigMap.class))
                    .as(vs)
                    .noneMatch(cm -> cm.getData().containsKey("config.yaml"));
            assertThat(r.all(ClusterRoleBinding.class))
                    .as(vs)
                    .noneMatch(b -> b.getRoleRef().getName().startsWith("system:"));
        }
    }

    @Test
    void kubeSchedulerConfigurationCallsTheExtender() {
        Rendered r = render("second-scheduler");
        Deployment d = SecondScheduler.deployment(r);
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .matches("registry\\.k8s\\.io/kube-scheduler:v1\\.34\\.\\d+");
        Map<String, Object> cfg = SecondScheduler.configuration(r);
        assertThat(cfg)
                .containsEntry("apiVersion", "kubescheduler.config.k8s.io/v1")
                .containsEntry("kind", "KubeSchedulerConfiguration");
        assertThat(cfg.keySet())
                .isSubsetOf(
                        "apiVersion",
                        "kind",
                        "leaderElection",
                        "profiles",
                        "extenders",
                        "clientConnection",
                        "parallelism",
                        "percentageOfNodesToScore");
        List<Map<String, Object>> profiles = Rendered.at(cfg, "profiles");
        assertThat(profiles)
                .singleElement()
                .satisfies(p -> assertThat(p).containsEntry("schedulerName", "exs-scheduler"));
        assertThat(Rendered.<Object>at(cfg, "leaderElection.leaderElect")).isEqualTo(true);
        assertThat(Rendered.<Object>at(cfg, "leaderElection.resourceNamespace")).isEqualTo(NAMESPACE);
        assertThat(Rendered.<Object>at(cfg, "leaderElection.resourceLock")).isEqualTo("leases");
        String lease = Rendered.at(cfg, "leaderElection.resourceName");

        List<Map<String, Object>> extenders = Rendered.at(cfg, "extenders");
        assertThat(extenders).hasSize(1);
        Map<String, Object> ext = extenders.get(0);
        assertThat(ext.keySet()).isSubsetOf(EXTENDER_KEYS);
        // IPP off here: no filterVerb (ExtenderTlsWiringTest follows the mode)
        assertThat(ext)
                .doesNotContainKey("filterVerb")
                .containsEntry("prioritizeVerb", "prioritize")
                .containsEntry("nodeCacheCapable", true)
                .containsEntry("ignorable", true)
                .containsEntry("httpTimeout", "2s")
                .containsEntry("weight", 3)
                .containsEntry("bindVerb", "bind");

        // urlPrefix → extender Service (selector-less: the leading replica writes its EndpointSlice) → port "http" 8888
        URI url = URI.create((String) ext.get("urlPrefix"));
        assertThat(url.getScheme()).isEqualTo("https"); // mutual TLS by default: ExtenderTlsWiringTest
        assertThat(url.getHost()).endsWith("." + NAMESPACE + ".svc");
        String svc = url.getHost().substring(0, url.getHost().indexOf('.'));
        assertThat(leaderRoutedPort(r, svc, url.getPort()).getContainerPort()).isEqualTo(8888);
        assertThat(AppConfigTest.scheduler(r).getMetadata().getName()).isEqualTo(svc);

        // RBAC: upstream scheduler roles + its own lease
        String sa = RbacTest.saOf(d);
        Set<String> clusterRoles = new java.util.HashSet<>();
        r.all(ClusterRoleBinding.class).stream()
                .filter(b -> b.getSubjects().stream()
                        .anyMatch(s -> s.getName().equals(sa) && NAMESPACE.equals(s.getNamespace())))
                .forEach(b -> clusterRoles.add(b.getRoleRef().getName()));
        assertThat(clusterRoles).containsExactlyInAnyOrder("system:kube-scheduler", "system:volume-scheduler");
        assertThat(r.all(RoleBinding.class))
                .anyMatch(b -> b.getMetadata().getNamespace().equals("kube-system")
                        && b.getRoleRef().getName().equals("extension-apiserver-authentication-reader")
                        && b.getSubjects().stream().anyMatch(s -> s.getName().equals(sa)));
        List<RbacTest.Grant> grants = RbacTest.grantsOf(r, sa);
        assertThat(grants)
                .anyMatch(g -> g.covers("coordination.k8s.io", "leases", "create") && NAMESPACE.equals(g.namespace()));
        PolicyRule update = grants.stream()
                .filter(g -> g.covers("coordination.k8s.io", "leases", "update"))
                .findFirst()
                .orElseThrow()
                .rule();
        assertThat(update.getResourceNames()).containsExactly(lease);
        assertThat(lease).isEqualTo("exs-scheduler");
    }

    /**
     * The container port behind port {@code port} of the leader-routed extender Service: no selector, and the app writes
     * the EndpointSlice of exactly that Service with a port named as the Service's: {@code https} when the extender
     * serves mutual TLS (the app then names its slice port so), else {@code http}.
     */
    static io.fabric8.kubernetes.api.model.ContainerPort leaderRoutedPort(Rendered r, String serviceName, int port) {
        io.fabric8.kubernetes.api.model.Service svc = r.service(serviceName);
        assertThat(svc.getSpec().getSelector())
                .as("Service %s selector", serviceName)
                .isNullOrEmpty();
        io.fabric8.kubernetes.api.model.ServicePort sp = svc.getSpec().getPorts().stream()
                .filter(p -> p.getPort() == port)
                .findFirst()
                .orElseThrow();
        Deployment extender = AppConfigTest.scheduler(r);
        Map<String, Object> app = AppConfigTest.appConfig(r, extender);
        String portName = Rendered.has(app, "server.ssl.bundle") ? "https" : "http";
        assertThat(sp.getName()).isEqualTo(portName);
        assertThat(Rendered.<Object>at(app, "sysched.scheduler.leader-election.enabled"))
                .isEqualTo(true);
        assertThat(Rendered.<Object>at(app, "sysched.scheduler.leader-election.service-name"))
                .isEqualTo(serviceName);
        Container c = extender.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("POD_IP");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
        });
        return c.getPorts().stream()
                .filter(p -> portName.equals(p.getName()))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void withoutBindDelegationAndLeaderElectionTheServiceSelectsTheExtender() {
        Rendered r = render("second-scheduler-no-bind");
        Map<String, Object> ext = SecondScheduler.extender(r);
        assertThat(ext).doesNotContainKey("bindVerb");
        URI url = URI.create((String) ext.get("urlPrefix"));
        String svc = url.getHost().substring(0, url.getHost().indexOf('.'));
        assertThat(WebhookConfigurationTest.resolveServicePort(r, svc, url.getPort())
                        .getContainerPort())
                .isEqualTo(8888);
        Map<String, Object> app = AppConfigTest.appConfig(r, AppConfigTest.scheduler(r));
        assertThat(Rendered.<Object>at(app, "sysched.scheduler.bind.enabled")).isEqualTo(false);
        assertThat(Rendered.<Object>at(app, "sysched.scheduler.leader-election.enabled"))
                .isEqualTo(false);
    }

    @Test
    void theExtenderLeaseIsNotTheSecondSchedulersLease() {
        Rendered r = render("second-scheduler");
        String schedulerLease = Rendered.at(SecondScheduler.configuration(r), "leaderElection.resourceName");
        Object extenderLease = Rendered.at(
                AppConfigTest.appConfig(r, AppConfigTest.scheduler(r)), "sysched.scheduler.leader-election.lease-name");
        assertThat(extenderLease).isNotEqualTo(schedulerLease);
    }

    @Test
    void bindVerbFollowsTheExtenderSetting() {
        Rendered r = render("second-scheduler-bind");
        Map<String, Object> ext = SecondScheduler.extender(r);
        assertThat(ext).containsEntry("bindVerb", "bind");
        assertThat(Rendered.<Object>at(
                        AppConfigTest.appConfig(r, AppConfigTest.scheduler(r)), "sysched.scheduler.bind.enabled"))
                .isEqualTo(true);
    }

    /** preemptVerb only where it decides something: IPP fast (the extender keeps nodes no other class would remain on). */
    @Test
    void preemptVerbOnlyWithIppFast() {
        Map<String, Object> plain = SecondScheduler.extender(render("second-scheduler"));
        assertThat(plain).doesNotContainKey("preemptVerb");
        Rendered fast = render("second-scheduler", Map.of("ipp.mode", "fast"));
        Map<String, Object> ext = SecondScheduler.extender(fast);
        assertThat(ext).containsEntry("preemptVerb", "preempt");
    }

    @Test
    void kubeSchedulerProbesAndPorts() {
        Deployment d = SecondScheduler.deployment(render("second-scheduler"));
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(10259));
        assertThat(c.getLivenessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    }
}
