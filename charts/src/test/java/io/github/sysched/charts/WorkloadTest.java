package io.github.sysched.charts;

import static io.github.sysched.charts.ChartRenderer.render;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class WorkloadTest {

    static final List<String> VALUE_SETS = ChartRenderer.VALUE_SETS;

    private static ContainerPort portOf(Container c, io.fabric8.kubernetes.api.model.IntOrString port) {
        return c.getPorts().stream()
                .filter(p -> port.getStrVal() != null
                        ? port.getStrVal().equals(p.getName())
                        : port.getIntVal().equals(p.getContainerPort()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("probe port " + port + " is not a container port"));
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void everyPodIsHardened(String valueSet) {
        for (Deployment d : render(valueSet).all(Deployment.class)) {
            String name = d.getMetadata().getName();
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            PodSecurityContext psc = pod.getSecurityContext();
            assertThat(psc.getRunAsNonRoot()).as(name).isTrue();
            assertThat(psc.getRunAsUser()).as(name).isEqualTo(65532L);
            assertThat(psc.getSeccompProfile().getType()).as(name).isEqualTo("RuntimeDefault");
            assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
            List<Container> all = new java.util.ArrayList<>(pod.getContainers());
            if (pod.getInitContainers() != null) {
                all.addAll(pod.getInitContainers());
            }
            for (Container c : all) {
                SecurityContext sc = c.getSecurityContext();
                assertThat(sc).as(name + "/" + c.getName()).isNotNull();
                assertThat(sc.getRunAsNonRoot()).isTrue();
                assertThat(sc.getRunAsUser()).isEqualTo(65532L);
                assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
                assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
                assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
                assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
                assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
                assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
                assertThat(c.getResources().getRequests())
                        .as(name + " requests")
                        .containsKeys("cpu", "memory");
                assertThat(c.getResources().getLimits()).as(name + " limits").containsKey("memory");
                // writable /tmp on an emptyDir (read-only root filesystem)
                String tmpVolume = c.getVolumeMounts().stream()
                        .filter(m -> m.getMountPath().equals("/tmp"))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(name + ": no /tmp mount"))
                        .getName();
                Volume v = pod.getVolumes().stream()
                        .filter(x -> x.getName().equals(tmpVolume))
                        .findFirst()
                        .orElseThrow();
                assertThat(v.getEmptyDir()).as(name + " /tmp is an emptyDir").isNotNull();
                assertThat(c.getStartupProbe()).as(name + " startupProbe").isNotNull();
                assertThat(c.getLivenessProbe()).isNotNull();
                assertThat(c.getReadinessProbe()).isNotNull();
            }
        }
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void appProbesHitActuatorOnThePlainHttpManagementPort(String valueSet) {
        Rendered r = render(valueSet);
        for (Deployment d : List.of(AppConfigTest.webhook(r), AppConfigTest.scheduler(r))) {
            Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            Map<String, Probe> probes = Map.of(
                    "liveness",
                    c.getLivenessProbe(),
                    "readiness",
                    c.getReadinessProbe(),
                    "startup",
                    c.getStartupProbe());
            probes.forEach((kind, probe) -> {
                HTTPGetAction get = probe.getHttpGet();
                assertThat(get).as(d.getMetadata().getName() + " " + kind).isNotNull();
                assertThat(get.getScheme()).isEqualTo("HTTP");
                assertThat(portOf(c, get.getPort()).getContainerPort())
                        .as(kind + " port")
                        .isEqualTo(8081);
                String expected = kind.equals("readiness") ? "/actuator/health/readiness" : "/actuator/health/liveness";
                assertThat(get.getPath()).as(kind + " path").isEqualTo(expected);
            });
            // metrics port named for scraping, plus the scrape annotations
            ContainerPort metrics = c.getPorts().stream()
                    .filter(p -> p.getContainerPort() == 8081)
                    .findFirst()
                    .orElseThrow();
            assertThat(metrics.getName()).isEqualTo("metrics");
            assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
                    .containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/port", "8081")
                    .containsEntry("prometheus.io/path", "/actuator/prometheus");
        }
    }

    @Test
    void webhookRunsTwoSpreadReplicasProtectedByAPdb() {
        Rendered r = render("cert-manager");
        Deployment d = AppConfigTest.webhook(r);
        assertThat(d.getSpec().getReplicas()).isEqualTo(2);
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("ghcr.io/sysched/sysched-webhook:0.2.0");
        Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();

        PodDisruptionBudget pdb = r.all(PodDisruptionBudget.class).stream()
                .filter(p -> podLabels
                        .entrySet()
                        .containsAll(p.getSpec().getSelector().getMatchLabels().entrySet()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no PDB selects the webhook pods"));
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);

        PodSpec pod = d.getSpec().getTemplate().getSpec();
        TopologySpreadConstraint spread = pod.getTopologySpreadConstraints().get(0);
        assertThat(spread.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(spread.getMaxSkew()).isEqualTo(1);
        assertThat(podLabels).containsAllEntriesOf(spread.getLabelSelector().getMatchLabels());
        List<WeightedPodAffinityTerm> anti =
                pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
        assertThat(pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
                .isNullOrEmpty();
        assertThat(anti).singleElement().satisfies(t -> {
            assertThat(t.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
            assertThat(podLabels)
                    .containsAllEntriesOf(
                            t.getPodAffinityTerm().getLabelSelector().getMatchLabels());
        });
        // the scheduler's single replica gets no PDB (it would block node drains)
        Deployment s = AppConfigTest.scheduler(r);
        assertThat(s.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("ghcr.io/sysched/sysched-scheduler:0.2.0");
        assertThat(r.all(PodDisruptionBudget.class)).hasSize(1);
    }

    @Test
    void priorityClassIsOptional() {
        assertThat(render("cert-manager").all(Deployment.class))
                .allSatisfy(d -> assertThat(d.getSpec().getTemplate().getSpec().getPriorityClassName())
                        .isNull());
        assertThat(render("everything").all(Deployment.class))
                .allSatisfy(d -> assertThat(d.getSpec().getTemplate().getSpec().getPriorityClassName())
                        .isEqualTo("system-cluster-critical"));
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void extenderServiceIsOn8888(String valueSet) {
        Rendered r = render(valueSet);
        String svc = r.all(io.fabric8.kubernetes.api.model.Service.class).stream()
                .filter(s -> s.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == 8888))
                .findFirst()
                .orElseThrow()
                .getMetadata()
                .getName();
        ContainerPort cp = valueSet.equals("second-scheduler-no-bind")
                ? WebhookConfigurationTest.resolveServicePort(r, svc, 8888)
                : SecondSchedulerTest.leaderRoutedPort(r, svc, 8888);
        assertThat(cp.getContainerPort()).isEqualTo(8888);
        assertThat(cp.getName()).as("mutual TLS by default").isEqualTo("https");
        assertThat(AppConfigTest.scheduler(r)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getPorts())
                .contains(cp);
    }
}
