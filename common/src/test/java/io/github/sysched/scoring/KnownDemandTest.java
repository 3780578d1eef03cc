package io.github.sysched.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.github.sysched.syscall.SyscallSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KnownDemandTest {

    private static final SyscallSet WEB = SyscallSet.of("read", "write", "openat");
    private static final SyscallSet DB = SyscallSet.of("read", "mmap");
    private static final String OPT_OUT = ReplicaSpreadGuard.OPT_OUT_LABEL;

    private static PodTemplateSpec template(String app) {
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                .withLabels(Map.of("app", app))
                .endMetadata()
                .withNewSpec()
                .withSchedulerName("sysched-scheduler")
                .addNewContainer()
                .withName(app)
                .withImage("example/" + app)
                .endContainer()
                .endSpec()
                .build();
    }

    private static KnownDemand.Controller controller(String kind, String name, int replicas) {
        return new KnownDemand.Controller(kind, "shop", name, name + "-uid", replicas, template(name));
    }

    private static Pod pod(String name, String controllerKind, String controller, String node) {
        return new PodBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName(name)
                .addNewOwnerReference()
                .withKind(controllerKind)
                .withName(controller)
                .withUid(controller + "-uid")
                .withController(true)
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .endSpec()
                .build();
    }

    private static Optional<SyscallSet> byApp(Pod pod) {
        String app = pod.getMetadata().getLabels() == null
                ? null
                : pod.getMetadata().getLabels().get("app");
        return "web".equals(app) ? Optional.of(WEB) : "db".equals(app) ? Optional.of(DB) : Optional.empty();
    }

    private static KnownDemand.Result demand(List<KnownDemand.Controller> controllers, List<Pod> pods) {
        return KnownDemand.of(
                controllers,
                pods,
                pod -> pod.getSpec().getNodeName() != null,
                KnownDemandTest::byApp,
                pod -> Optional.empty(),
                namespace -> Map.of(),
                OPT_OUT);
    }

    @Test
    void replicasMinusBoundPodsWithTheTemplatesSet() {
        KnownDemand.Result result = demand(
                List.of(controller("ReplicaSet", "web", 3), controller("StatefulSet", "db", 2)),
                List.of(
                        pod("web-1", "ReplicaSet", "web", "n1"),
                        pod("web-2", "ReplicaSet", "web", null), // pending: still demand
                        pod("db-0", "StatefulSet", "db", "n2"),
                        pod("db-1", "StatefulSet", "db", "n3")));

        assertThat(result.demand()).containsExactly(new PlacementPlanner.Demand("ReplicaSet shop/web", WEB, 2, true));
        assertThat(result.unguarded()).isEmpty();
    }

    @Test
    void theWorkloadKeyIsTheGuardsKeyOfTheControllersPods() {
        Pod made = pod("web-1", "ReplicaSet", "web", null);
        assertThat(KnownDemand.workloadKey("shop", made.getMetadata().getOwnerReferences()))
                .isEqualTo(controller("ReplicaSet", "web", 1).workload())
                .isEqualTo(ReplicaSpreadGuard.workloadOf(made, Map.of()).orElseThrow());
        assertThat(KnownDemand.workloadKey(
                        "shop", pod("j", "Job", "j", null).getMetadata().getOwnerReferences()))
                .isNull();
        assertThat(KnownDemand.workloadKey("shop", null)).isNull();
    }

    @Test
    void anUnresolvableTemplateFallsBackToAnExistingPodElseIsLeftOut() {
        KnownDemand.Controller cache =
                new KnownDemand.Controller("ReplicationController", "shop", "cache", "cache-uid", 2, template("cache"));
        Pod existing = pod("cache-1", "ReplicationController", "cache", null);
        SyscallSet fromPod = SyscallSet.of("futex");

        KnownDemand.Result withPod = KnownDemand.of(
                List.of(cache),
                List.of(existing),
                pod -> false,
                KnownDemandTest::byApp,
                pod -> pod == existing ? Optional.of(fromPod) : Optional.empty(),
                namespace -> Map.of(),
                OPT_OUT);
        assertThat(withPod.demand())
                .containsExactly(new PlacementPlanner.Demand("ReplicationController shop/cache", fromPod, 2, true));

        assertThat(demand(List.of(cache), List.of(existing)).demand()).isEmpty();
    }

    @Test
    void optedOutOrOwnSpreadRulesOrGuardOffIsUnguarded() {
        KnownDemand.Controller web = controller("ReplicaSet", "web", 2);
        KnownDemand.Result optedOut = KnownDemand.of(
                List.of(web),
                List.of(),
                pod -> false,
                KnownDemandTest::byApp,
                pod -> Optional.empty(),
                namespace -> Map.of(OPT_OUT, "off"),
                OPT_OUT);
        assertThat(optedOut.demand()).containsExactly(new PlacementPlanner.Demand(web.workload(), WEB, 2, false));
        assertThat(optedOut.unguarded()).containsExactly(web.workload());

        KnownDemand.Result guardOff = KnownDemand.of(
                List.of(web),
                List.of(),
                pod -> false,
                KnownDemandTest::byApp,
                pod -> Optional.empty(),
                namespace -> Map.of(),
                null);
        assertThat(guardOff.demand()).containsExactly(new PlacementPlanner.Demand(web.workload(), WEB, 2, false));
    }

    @Test
    void controllersAreReadFromTheApiObjects() {
        var rs = new ReplicaSetBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName("web-5d8f")
                .withUid("u1")
                .endMetadata()
                .withNewSpec()
                .withReplicas(4)
                .withTemplate(template("web"))
                .endSpec()
                .build();
        assertThat(KnownDemand.Controller.of(rs))
                .contains(new KnownDemand.Controller("ReplicaSet", "shop", "web-5d8f", "u1", 4, template("web")));
        assertThat(KnownDemand.Controller.of(rs).orElseThrow().schedulerName()).isEqualTo("sysched-scheduler");
        Pod made = KnownDemand.Controller.of(rs).orElseThrow().templatePod();
        assertThat(made.getMetadata().getLabels()).containsEntry("app", "web");
        assertThat(ReplicaSpreadGuard.workloadOf(made, Map.of())).contains("ReplicaSet shop/web-5d8f");

        var sts = new StatefulSetBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName("db")
                .endMetadata()
                .withNewSpec()
                .withTemplate(template("db"))
                .endSpec()
                .build();
        assertThat(KnownDemand.Controller.of(sts).orElseThrow().replicas())
                .as("spec.replicas defaults to 1")
                .isEqualTo(1);
        var rc = new ReplicationControllerBuilder()
                .withNewMetadata()
                .withNamespace("shop")
                .withName("old")
                .endMetadata()
                .withNewSpec()
                .withReplicas(2)
                .endSpec()
                .build();
        assertThat(KnownDemand.Controller.of(rc)).as("no template").isEmpty();
        assertThat(KnownDemand.Controller.of(pod("p", "ReplicaSet", "x", null))).isEmpty();
        assertThatThrownBy(() -> new KnownDemand.Controller("Job", "shop", "j", "u", 1, template("j")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
