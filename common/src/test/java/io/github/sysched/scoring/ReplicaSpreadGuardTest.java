package io.github.sysched.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaSpreadGuardTest {

    private static PodBuilder owned(String kind, boolean controller) {
        return new PodBuilder().withNewMetadata().withName("web-abc").withNamespace("shop")
                .addNewOwnerReference().withApiVersion("apps/v1").withKind(kind).withName("web-7d9")
                .withUid("uid-1").withController(controller).endOwnerReference().endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("nginx").endContainer().endSpec();
    }

    @Test
    void boundIsCeilOfReplicasOverDomainsPlusMaxSkewMinusOne() {
        ReplicaSpreadGuard guard = ReplicaSpreadGuard.DEFAULT;
        assertThat(guard.maxPerDomain(8, 50)).isEqualTo(1);
        assertThat(guard.maxPerDomain(50, 50)).isEqualTo(1);
        assertThat(guard.maxPerDomain(51, 50)).isEqualTo(2);
        assertThat(guard.maxPerDomain(7, 3)).isEqualTo(3);
        assertThat(guard.maxPerDomain(5, 1)).isEqualTo(5);
        assertThat(new ReplicaSpreadGuard(2).maxPerDomain(8, 50)).isEqualTo(2);
        assertThat(guard.allows(0, 8, 50)).isTrue();
        assertThat(guard.allows(1, 8, 50)).isFalse();
        assertThatThrownBy(() -> new ReplicaSpreadGuard(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> guard.maxPerDomain(3, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void appliesToReplicaSetStatefulSetAndReplicationControllerPods() {
        for (String kind : new String[] {"ReplicaSet", "StatefulSet", "ReplicationController"}) {
            assertThat(ReplicaSpreadGuard.workloadOf(owned(kind, true).build(), Map.of()))
                    .contains(kind + " shop/web-7d9");
        }
        // Jobs, DaemonSets, custom controllers, non-controller owners and bare pods are not replicas to spread.
        for (String kind : new String[] {"Job", "DaemonSet", "MyController"}) {
            assertThat(ReplicaSpreadGuard.workloadOf(owned(kind, true).build(), Map.of())).isEmpty();
        }
        assertThat(ReplicaSpreadGuard.workloadOf(owned("ReplicaSet", false).build(), Map.of())).isEmpty();
        assertThat(ReplicaSpreadGuard.workloadOf(new PodBuilder().withNewMetadata().withName("bare").endMetadata().build(),
                Map.of())).isEmpty();
    }

    @Test
    void aLabelOnThePodOrItsNamespaceTurnsItOff() {
        Pod labelled = owned("ReplicaSet", true).editMetadata().addToLabels(ReplicaSpreadGuard.OPT_OUT_LABEL, "off")
                .endMetadata().build();
        assertThat(ReplicaSpreadGuard.workloadOf(labelled, Map.of())).isEmpty();
        assertThat(ReplicaSpreadGuard.workloadOf(owned("ReplicaSet", true).build(),
                Map.of(ReplicaSpreadGuard.OPT_OUT_LABEL, "off"))).isEmpty();
        assertThat(ReplicaSpreadGuard.workloadOf(owned("ReplicaSet", true).build(),
                Map.of(ReplicaSpreadGuard.OPT_OUT_LABEL, "on"))).isPresent();
    }

    @Test
    void podsWithTheirOwnSpreadingRulesKeepThem() {
        Pod constrained = owned("ReplicaSet", true).editSpec().addToTopologySpreadConstraints(
                new TopologySpreadConstraintBuilder().withMaxSkew(2).withTopologyKey(ReplicaSpreadGuard.ZONE_LABEL)
                        .withWhenUnsatisfiable("ScheduleAnyway").build()).endSpec().build();
        Pod antiAffine = owned("ReplicaSet", true).editSpec().withNewAffinity().withNewPodAntiAffinity()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(10).withNewPodAffinityTerm()
                .withTopologyKey(ReplicaSpreadGuard.HOSTNAME_LABEL)
                .withLabelSelector(new LabelSelectorBuilder().addToMatchLabels("app", "web").build())
                .endPodAffinityTerm().endPreferredDuringSchedulingIgnoredDuringExecution().endPodAntiAffinity()
                .endAffinity().endSpec().build();
        assertThat(ReplicaSpreadGuard.hasOwnSpreadRules(constrained)).isTrue();
        assertThat(ReplicaSpreadGuard.hasOwnSpreadRules(antiAffine)).isTrue();
        assertThat(ReplicaSpreadGuard.workloadOf(constrained, Map.of())).isEmpty();
        assertThat(ReplicaSpreadGuard.workloadOf(antiAffine, Map.of())).isEmpty();
        // pod affinity (attraction) is not a spreading rule
        Pod affine = owned("ReplicaSet", true).editSpec().withNewAffinity().withNewPodAffinity()
                .addNewRequiredDuringSchedulingIgnoredDuringExecution().withTopologyKey(ReplicaSpreadGuard.HOSTNAME_LABEL)
                .endRequiredDuringSchedulingIgnoredDuringExecution().endPodAffinity().endAffinity().endSpec().build();
        assertThat(ReplicaSpreadGuard.workloadOf(affine, Map.of())).isPresent();
    }
}
