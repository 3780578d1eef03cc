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
        return new PodBuilder()
                .withNewMetadata()
                .withName("web-abc")
                .withNamespace("shop")
                .addNewOwnerReference()
                .withApiVersion("apps/v1")
                .withKind(kind)
                .withName("web-7d9")
                .withUid("uid-1")
                .withController(controller)
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("c")
                .withImage("nginx")
                .endContainer()
                .endSpec();
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
            assertThat(ReplicaSpreadGuard.workloadOf(owned(kind, true).build(), Map.of()))
                    .isEmpty();
        }
        assertThat(ReplicaSpreadGuard.workloadOf(owned("ReplicaSet", false).build(), Map.of()))
                .isEmpty();
        assertThat(ReplicaSpreadGuard.workloadOf(
                        new PodBuilder()
                                .withNewMetadata()
                                .withName("bare")
                                .endMetadata()
                                .build(),
                        Map.of()))
                .isEmpty();
    }

    @Test
    void aLabelOnThePodOrItsNamespaceTurnsItOff() {
        Pod labelled = owned("ReplicaSet", true)
                .editMetadata()
                .addToLabels(ReplicaSpreadGuard.OPT_OUT_LABEL, "off")
                .endMetadata()
                .build();
        assertThat(ReplicaSpreadGuard.workloadOf(labelled, Map.of())).isEmpty();
        assertThat(ReplicaSpreadGuard.workloadOf(
                        owned("ReplicaSet", true).build(), Map.of(ReplicaSpreadGuard.OPT_OUT_LABEL, "off")))
                .isEmpty();
        assertThat(ReplicaSpreadGuard.workloadOf(
                        owned("ReplicaSet", true).build(), Map.of(ReplicaSpreadGuard.OPT_OUT_LABEL, "on")))
                .isPresent();
    }

    @Test
    void podsWithTheirOwnSpreadingRulesKeepThem() {
        Pod constrained = owned("ReplicaSet", true)
                .editSpec()
                .addToTopologySpreadConstraints(new TopologySpreadConstraintBuilder()
                        .withMaxSkew(2)
                        .withTopologyKey(ReplicaSpreadGuard.ZONE_LABEL)
                        .withWhenUnsatisfiable("ScheduleAnyway")
                        .build())
                .endSpec()
                .build();
        Pod antiAffine = owned("ReplicaSet", true)
                .editSpec()
                .withNewAffinity()
                .withNewPodAntiAffinity()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(10)
                .withNewPodAffinityTerm()
                .withTopologyKey(ReplicaSpreadGuard.HOSTNAME_LABEL)
                .withLabelSelector(new LabelSelectorBuilder()
                        .addToMatchLabels("app", "web")
                        .build())
                .endPodAffinityTerm()
                .endPreferredDuringSchedulingIgnoredDuringExecution()
                .endPodAntiAffinity()
                .endAffinity()
                .endSpec()
                .build();
        assertThat(ReplicaSpreadGuard.hasOwnSpreadRules(constrained)).isTrue();
        assertThat(ReplicaSpreadGuard.hasOwnSpreadRules(antiAffine)).isTrue();
        assertThat(ReplicaSpreadGuard.workloadOf(constrained, Map.of())).isEmpty();
        assertThat(ReplicaSpreadGuard.workloadOf(antiAffine, Map.of())).isEmpty();
        // pod affinity (attraction) is not a spreading rule
        Pod affine = owned("ReplicaSet", true)
                .editSpec()
                .withNewAffinity()
                .withNewPodAffinity()
                .addNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withTopologyKey(ReplicaSpreadGuard.HOSTNAME_LABEL)
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endPodAffinity()
                .endAffinity()
                .endSpec()
                .build();
        assertThat(ReplicaSpreadGuard.workloadOf(affine, Map.of())).isPresent();
    }

    @Test
    void anotherOptOutLabelReplacesTheDefaultOne() {
        Pod labelled = owned("ReplicaSet", true)
                .editMetadata()
                .addToLabels("example.com/spread", "off")
                .endMetadata()
                .build();
        assertThat(ReplicaSpreadGuard.workloadOf(labelled, Map.of(), "example.com/spread"))
                .isEmpty();
        assertThat(ReplicaSpreadGuard.workloadOf(labelled, Map.of())).isPresent();
        Pod defaultLabel = owned("ReplicaSet", true)
                .editMetadata()
                .addToLabels(ReplicaSpreadGuard.OPT_OUT_LABEL, "off")
                .endMetadata()
                .build();
        assertThat(ReplicaSpreadGuard.workloadOf(defaultLabel, Map.of(), "example.com/spread"))
                .isPresent();
        assertThat(ReplicaSpreadGuard.workloadOf(
                        owned("StatefulSet", true).build(), Map.of("example.com/spread", "OFF"), "example.com/spread"))
                .isEmpty();
    }

    @Test
    void replicaLabelsDropWhatDiffersBetweenReplicas() {
        Pod replicaSetPod = owned("ReplicaSet", true)
                .editMetadata()
                .addToLabels("app", "web")
                .addToLabels("pod-template-hash", "7d9")
                .endMetadata()
                .build();
        assertThat(ReplicaSpreadGuard.replicaLabels(replicaSetPod))
                .as("a ReplicaSet's selector includes pod-template-hash")
                .containsExactly(Map.entry("app", "web"), Map.entry("pod-template-hash", "7d9"));

        Pod statefulSetPod = owned("StatefulSet", true)
                .editMetadata()
                .addToLabels("app", "db")
                .addToLabels(ReplicaSpreadGuard.CONTROLLER_REVISION_LABEL, "db-6f5")
                .addToLabels(ReplicaSpreadGuard.STATEFULSET_POD_NAME_LABEL, "db-0")
                .addToLabels(ReplicaSpreadGuard.POD_INDEX_LABEL, "0")
                .endMetadata()
                .build();
        assertThat(ReplicaSpreadGuard.replicaLabels(statefulSetPod)).containsExactly(Map.entry("app", "db"));

        Pod rcPod = owned("ReplicationController", true)
                .editMetadata()
                .addToLabels("app", "old")
                .addToLabels(ReplicaSpreadGuard.CONTROLLER_REVISION_LABEL, "kept")
                .endMetadata()
                .build();
        assertThat(ReplicaSpreadGuard.replicaLabels(rcPod))
                .containsOnlyKeys("app", ReplicaSpreadGuard.CONTROLLER_REVISION_LABEL);
        assertThat(ReplicaSpreadGuard.replicaLabels(owned("ReplicaSet", true).build()))
                .isEmpty();
    }
}
