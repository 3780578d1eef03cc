package io.github.sysched.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Taints × tolerations as kube-scheduler's TaintToleration and NodeUnschedulable filters decide them. */
class TaintTolerationTest {

    /**
     * One taint on an otherwise schedulable node, at most one toleration; {@code -} is an absent field.
     * {@code admitted}: whether a new pod with that toleration may land.
     */
    @ParameterizedTest(name = "taint {0}={1}:{2}, toleration {3} {4} {5} {6} -> {7} {8}")
    @CsvSource(nullValues = "-", textBlock = """
            # taint key, value, effect | toleration key, operator, value, effect | admitted | why
            gpu,  true, NoSchedule,       -,     -,      -,     -,                false, no toleration
            gpu,  true, NoExecute,        -,     -,      -,     -,                false, ''
            gpu,  true, PreferNoSchedule, -,     -,      -,     -,                true, never blocks
            gpu,  true, NoSchedule,       gpu,   Equal,  true,  NoSchedule,       true, ''
            gpu,  true, NoSchedule,       gpu,   -,      true,  NoSchedule,       true, operator defaults to Equal
            gpu,  true, NoSchedule,       gpu,   Equal,  false, NoSchedule,       false, value mismatch
            gpu,  -,    NoSchedule,       gpu,   Equal,  -,     NoSchedule,       true, both values empty
            gpu,  true, NoSchedule,       gpu,   Equal,  -,     NoSchedule,       false, Equal with no value
            gpu,  true, NoSchedule,       gpu,   Exists, -,     NoSchedule,       true, any value
            gpu,  true, NoSchedule,       tpu,   Exists, -,     NoSchedule,       false, other key
            gpu,  true, NoSchedule,       -,     Exists, -,     -,                true, empty key + Exists: all
            gpu,  true, NoExecute,        -,     Exists, -,     -,                true, ''
            gpu,  true, NoSchedule,       -,     Exists, -,     NoExecute,        false, all keys but one effect
            gpu,  true, NoExecute,        -,     Exists, -,     NoExecute,        true, ''
            gpu,  true, NoSchedule,       gpu,   Exists, -,     -,                true, effect-less: every effect
            gpu,  true, NoExecute,        gpu,   Equal,  true,  -,                true, ''
            gpu,  true, NoSchedule,       gpu,   Equal,  true,  NoExecute,        false, effect mismatch
            gpu,  true, NoSchedule,       gpu,   Equal,  true,  PreferNoSchedule, false, ''
            gpu,  true, NoSchedule,       gpu,   Lt,     true,  NoSchedule,       false, unknown operator
            """)
    void oneTaintOneToleration(
            String taintKey,
            String taintValue,
            String taintEffect,
            String key,
            String operator,
            String value,
            String effect,
            boolean admitted,
            String why) {
        Node node = node(false, taint(taintKey, taintValue, taintEffect));
        List<Toleration> tolerations = key == null && operator == null && value == null && effect == null
                ? List.of()
                : List.of(toleration(key, operator, value, effect));

        assertThat(TaintToleration.admits(node, tolerations)).isEqualTo(admitted);
        assertThat(TaintToleration.refusal(node, tolerations).map(TaintToleration.Refusal::taint))
                .isEqualTo(
                        admitted
                                ? Optional.empty()
                                : Optional.of(node.getSpec().getTaints().get(0)));
    }

    @Test
    void noExecuteTolerationSecondsDoNotMatterForANewPod() {
        Node node = node(false, taint("node.kubernetes.io/not-ready", null, "NoExecute"));
        Toleration forFiveMinutes = new TolerationBuilder(
                        toleration("node.kubernetes.io/not-ready", "Exists", null, "NoExecute"))
                .withTolerationSeconds(300L)
                .build();
        Toleration forNoTime =
                new TolerationBuilder(forFiveMinutes).withTolerationSeconds(0L).build();

        assertThat(TaintToleration.admits(node, List.of(forFiveMinutes))).isTrue();
        assertThat(TaintToleration.admits(node, List.of(forNoTime))).isTrue();
    }

    @Test
    void everyBlockingTaintMustBeToleratedAndTheFirstUntoleratedIsTheReason() {
        Taint gpu = taint("gpu", "true", "NoSchedule");
        Taint soft = taint("spot", "true", "PreferNoSchedule");
        Taint dedicated = taint("dedicated", "db", "NoExecute");
        Node node = node(false, gpu, soft, dedicated);
        Toleration tolerateGpu = toleration("gpu", "Equal", "true", "NoSchedule");

        assertThat(TaintToleration.refusal(node, List.of())).contains(new TaintToleration.Refusal(false, gpu));
        assertThat(TaintToleration.refusal(node, List.of(tolerateGpu)))
                .contains(new TaintToleration.Refusal(false, dedicated));
        assertThat(TaintToleration.admits(
                        node, List.of(tolerateGpu, toleration("dedicated", "Equal", "db", "NoExecute"))))
                .isTrue();
    }

    @Test
    void aCordonedNodeTakesOnlyPodsToleratingTheUnschedulableTaint() {
        Node cordoned = node(true);

        assertThat(TaintToleration.refusal(cordoned, List.of())).hasValueSatisfying(refusal -> {
            assertThat(refusal.cordoned()).isTrue();
            assertThat(refusal.taint().getKey()).isEqualTo(TaintToleration.UNSCHEDULABLE_TAINT_KEY);
        });
        assertThat(TaintToleration.admits(cordoned, List.of(toleration("gpu", "Exists", null, null))))
                .isFalse();
        assertThat(TaintToleration.admits(cordoned, List.of(toleration("gpu", "Exists", null, "NoSchedule"))))
                .isFalse();
        assertThat(TaintToleration.admits(
                        cordoned,
                        List.of(toleration(TaintToleration.UNSCHEDULABLE_TAINT_KEY, "Exists", null, "NoSchedule"))))
                .as("a DaemonSet's pods tolerate the cordon")
                .isTrue();
        assertThat(TaintToleration.admits(cordoned, List.of(toleration(null, "Exists", null, null))))
                .as("tolerating everything")
                .isTrue();
        assertThat(TaintToleration.admits(cordoned, List.of(toleration(null, "Exists", null, "NoExecute"))))
                .isFalse();
        assertThat(TaintToleration.admits(node(false), List.of()))
                .as("not cordoned")
                .isTrue();
    }

    @Test
    void aNodeWithoutSpecAndAPodWithoutSpecOrTolerations() {
        assertThat(TaintToleration.admits(new Node(), List.of())).isTrue();
        assertThat(TaintToleration.admits(node(false, taint("gpu", null, "NoSchedule")), null))
                .isFalse();
        assertThat(TaintToleration.tolerationsOf(new Pod())).isEmpty();
        assertThat(TaintToleration.tolerationsOf(
                        new PodBuilder().withNewSpec().endSpec().build()))
                .isEmpty();
    }

    private static Node node(boolean unschedulable, Taint... taints) {
        return new NodeBuilder()
                .withNewMetadata()
                .withName("n1")
                .endMetadata()
                .withNewSpec()
                .withUnschedulable(unschedulable ? Boolean.TRUE : null)
                .withTaints(taints)
                .endSpec()
                .build();
    }

    private static Taint taint(String key, String value, String effect) {
        return new TaintBuilder()
                .withKey(key)
                .withValue(value)
                .withEffect(effect)
                .build();
    }

    private static Toleration toleration(String key, String operator, String value, String effect) {
        return new TolerationBuilder()
                .withKey(key)
                .withOperator(operator)
                .withValue(value)
                .withEffect(effect)
                .build();
    }
}
