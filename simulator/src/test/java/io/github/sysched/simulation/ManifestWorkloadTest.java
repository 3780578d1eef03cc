package io.github.sysched.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sysched.annotation.SyscallAnnotation;
import io.github.sysched.syscall.SyscallSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workloads built from Kubernetes objects: the seed demo's manifests and kubectl snapshots. */
class ManifestWorkloadTest {

    /** The repository's copy of the SySched demo: namespace, profiles, bindings, Deployments. */
    private static final Path SEED_DEMO = Path.of("..", "examples", "sysched-demo");

    @Test
    void theSeedDemoManifestsGiveTheUpstreamPlacementAndClusterExs() {
        ManifestWorkload.Result result =
                ManifestWorkload.build(KubernetesInput.read(List.of(SEED_DEMO)), ManifestWorkload.Options.defaults());

        assertThat(result.workload().pods())
                .extracting(SimPod::name)
                .containsExactly("default/nginx1-1", "default/redis1-1", "default/nginx2-1", "default/memcached1-1");
        assertThat(result.workload().pods())
                .extracting(SimPod::profile)
                .containsExactly(
                        "default/nginx-seccomp",
                        "default/redis-seccomp",
                        "default/nginx-seccomp",
                        "default/memcached-seccomp");
        SimulationResult exs = new PlacementSimulator(ClusterSpec.of(2, 110))
                .run(result.workload(), Strategy.exs(), SyscallSet.empty());
        assertThat(Set.copyOf(exs.podsByNode().values().stream()
                        .map(pods -> Set.copyOf(pods.stream().map(SimPod::name).toList()))
                        .toList()))
                .isEqualTo(Set.of(
                        Set.of("default/nginx1-1", "default/nginx2-1"),
                        Set.of("default/redis1-1", "default/memcached1-1")));
        assertThat(exs.metrics().clusterExs()).isEqualTo(47);
    }

    @Test
    void bindingsApplyOnlyInNamespacesThatOptIn(@TempDir Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(SEED_DEMO)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (!file.getFileName().toString().equals("00-namespace.yaml")) {
                    Path target = dir.resolve(SEED_DEMO.relativize(file).toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(file, target);
                }
            }
        }
        ManifestWorkload.Result result =
                ManifestWorkload.build(KubernetesInput.read(List.of(dir)), ManifestWorkload.Options.defaults());

        // No opt-in label: no binding applies and every pod gets the default profile, as at admission.
        assertThat(result.workload().pods()).extracting(SimPod::profile).containsOnly("default/full-seccomp");
        assertThat(result.workload().pods())
                .extracting(SimPod::syscalls)
                .containsOnly(result.workload().pods().get(0).syscalls());
    }

    @Test
    void aKubectlSnapshotReadsAnnotationsAndLeavesOutFinishedAndDaemonSetPods(@TempDir Path dir) throws IOException {
        String annotated = new SyscallAnnotation(SyscallSet.of("read", "write"), List.of("default/a")).encode();
        Path pods = dir.resolve("pods.json");
        Files.writeString(pods, """
                {"apiVersion": "v1", "kind": "List", "items": [
                  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1", "namespace": "shop",
                     "annotations": {"exs.sysched.io/syscalls": "%s"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web", "uid": "u1"}]},
                   "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "web"}]},
                   "status": {"phase": "Running"}},
                  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "broken", "namespace": "shop",
                     "annotations": {"exs.sysched.io/syscalls": "v1;not base64!;;"}},
                   "spec": {"containers": [{"name": "c", "image": "x",
                     "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}]}},
                  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "job-1", "namespace": "shop"},
                   "spec": {"containers": [{"name": "c", "image": "job"}]}, "status": {"phase": "Succeeded"}},
                  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "agent-x", "namespace": "kube-system",
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent", "uid": "u2"}]},
                   "spec": {"containers": [{"name": "c", "image": "agent"}]}},
                  {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
                   "spec": {"replicas": 5, "selector": {"matchLabels": {"app": "web"}},
                            "template": {"metadata": {"labels": {"app": "web"}},
                                         "spec": {"containers": [{"name": "c", "image": "web"}]}}}},
                  {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm", "namespace": "shop"}}
                ]}
                """.formatted(annotated));

        ManifestWorkload.Result result =
                ManifestWorkload.build(KubernetesInput.read(List.of(pods)), ManifestWorkload.Options.defaults());

        assertThat(result.workload().pods()).extracting(SimPod::name).containsExactly("shop/web-1", "shop/broken");
        assertThat(result.workload().pods().get(0).syscalls()).isEqualTo(SyscallSet.of("read", "write"));
        // A malformed annotation falls back to the pod's own profile, as the scheduler does.
        assertThat(result.workload().pods().get(1).syscalls())
                .isEqualTo(io.github.sysched.profile.RuntimeDefaultProfile.syscalls());
        assertThat(result.notes())
                .anySatisfy(n -> assertThat(n).contains("1 finished"))
                .anySatisfy(n -> assertThat(n).contains("1 DaemonSet pods left out"))
                .anySatisfy(n -> assertThat(n).contains("1 Deployments/StatefulSets not expanded"))
                .anySatisfy(n -> assertThat(n).contains("shop/broken: malformed"));
        assertThat(KubernetesInput.read(List.of(pods)).ignoredKinds()).isEqualTo(Map.of("ConfigMap", 1));
    }

    @Test
    void schedulableNodesLeaveOutCordonedAndTaintedNodes(@TempDir Path dir) throws IOException {
        Path nodes = dir.resolve("nodes.json");
        Files.writeString(nodes, """
                {"apiVersion": "v1", "kind": "NodeList", "items": [
                  {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "cp"},
                   "spec": {"taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]}},
                  {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "w1"},
                   "spec": {"taints": [{"key": "gpu", "effect": "PreferNoSchedule"}]},
                   "status": {"allocatable": {"pods": "30"}}},
                  {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "w2"}, "spec": {"unschedulable": true}},
                  {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "w3"},
                   "status": {"allocatable": {"pods": "20"}}}
                ]}
                """);

        SchedulableNodes schedulable =
                SchedulableNodes.of(KubernetesInput.read(List.of(nodes)).nodes());

        assertThat(schedulable.names()).containsExactly("w1", "w3");
        assertThat(schedulable.excluded())
                .containsExactly(
                        "cp: taint node-role.kubernetes.io/control-plane:NoSchedule", "w2: unschedulable (cordoned)");
        assertThat(schedulable.allocatablePods()).hasValue(20);
        assertThat(schedulable.nodes())
                .extracting(SimNode::name, SimNode::podLimit, SimNode::preferNoScheduleTaints)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("w1", 30, 1),
                        org.assertj.core.groups.Tuple.tuple("w3", 20, 0));
    }

    @Test
    void nodesCarryTheirAllocatableAndZone(@TempDir Path dir) throws IOException {
        Path nodes = dir.resolve("nodes.yaml");
        Files.writeString(nodes, """
                apiVersion: v1
                kind: Node
                metadata:
                  name: w1
                  labels: {topology.kubernetes.io/zone: eu-1a}
                status:
                  allocatable: {cpu: 3500m, memory: 8Gi, pods: "16"}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: w2}
                """);
        List<SimNode> read = SchedulableNodes.of(
                        KubernetesInput.read(List.of(nodes)).nodes())
                .nodes();
        assertThat(read.get(0))
                .isEqualTo(new SimNode(
                        "w1", 16, new SimNode.NodeAllocatable(3500, 8L << 30), java.util.Optional.of("eu-1a"), 0));
        assertThat(read.get(1))
                .isEqualTo(new SimNode(
                        "w2",
                        SchedulableNodes.KUBELET_DEFAULT_MAX_PODS,
                        SimNode.NodeAllocatable.DEFAULT,
                        java.util.Optional.empty(),
                        0));
    }

    @Test
    void controllersRequestsAndTheGuardComeFromTheManifests(@TempDir Path dir) throws IOException {
        Path manifests = dir.resolve("apps.yaml");
        Files.writeString(manifests, """
                apiVersion: v1
                kind: Namespace
                metadata: {name: batch, labels: {exs.sysched.io/replica-spread: "off"}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      initContainers:
                      - {name: init, image: busybox, resources: {requests: {cpu: "2"}}}
                      containers:
                      - {name: a, image: nginx, resources: {requests: {cpu: 250m, memory: 64Mi}}}
                      - {name: b, image: sidecar}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db, namespace: shop}
                spec:
                  replicas: 1
                  serviceName: db
                  selector: {matchLabels: {app: db}}
                  template:
                    metadata: {labels: {app: db}}
                    spec:
                      topologySpreadConstraints:
                      - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule}
                      containers: [{name: db, image: postgres}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: jobs, namespace: batch}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: jobs}}
                  template:
                    metadata: {labels: {app: jobs}}
                    spec: {containers: [{name: j, image: worker}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: bare, namespace: shop}
                spec: {containers: [{name: c, image: busybox}]}
                """);
        // Controllers expanded from a manifest; the bare pod has no owner, so this is not a snapshot.
        Workload workload = ManifestWorkload.build(
                        KubernetesInput.read(List.of(manifests)), ManifestWorkload.Options.defaults())
                .workload();
        java.util.Map<String, SimPod> byName = new java.util.HashMap<>();
        workload.pods().forEach(p -> byName.put(p.name(), p));
        SimPod web = byName.get("shop/web-1");
        assertThat(web.controller()).contains("ReplicaSet shop/web");
        assertThat(web.guarded()).isTrue();
        // containers 250m + (none: 0, non-zero 100m); the init container's 2 CPUs dominate; memory 64Mi (+200Mi)
        assertThat(web.requests()).isEqualTo(new PodRequests(2000, 64L << 20, 2000, (64L << 20) + (200L << 20)));
        assertThat(byName.get("shop/db-1").controller()).contains("StatefulSet shop/db");
        assertThat(byName.get("shop/db-1").guarded())
                .as("its own spread constraint")
                .isFalse();
        assertThat(byName.get("batch/jobs-1").guarded())
                .as("namespace opted out")
                .isFalse();
        assertThat(byName.get("shop/bare").controller()).isEmpty();
        assertThat(byName.get("shop/bare").requests()).isEqualTo(PodRequests.NONE);
    }

    @Test
    void unreadableInputIsAnErrorNamingTheFile(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "kind: [unclosed\n");
        assertThatThrownBy(() -> KubernetesInput.read(List.of(bad)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad.yaml");
        assertThatThrownBy(() -> KubernetesInput.read(List.of(dir.resolve("missing"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void profilesWithAndWithoutNamespaceNeedAnExplicitScope(@TempDir Path dir) throws IOException {
        Path profiles = dir.resolve("profiles.yaml");
        Files.writeString(profiles, """
                apiVersion: security-profiles-operator.x-k8s.io/v1beta1
                kind: SeccompProfile
                metadata: {name: a, namespace: default}
                spec: {defaultAction: SCMP_ACT_ERRNO}
                ---
                apiVersion: security-profiles-operator.x-k8s.io/v1beta1
                kind: SeccompProfile
                metadata: {name: b}
                spec: {defaultAction: SCMP_ACT_ERRNO}
                """);
        KubernetesInput input = KubernetesInput.read(List.of(profiles));
        assertThatThrownBy(() -> ManifestWorkload.build(input, ManifestWorkload.Options.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scope");
    }
}
