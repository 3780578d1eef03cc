package io.github.sysched.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.kube.ClusterView.Resource;
import io.github.sysched.kube.boot.InformersHealthIndicator;
import io.github.sysched.pod.LegacySeccompAnnotations;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.spo.ProfileBindingSpec;
import io.github.sysched.spo.ProfileBindingV1;
import io.github.sysched.spo.ProfileRef;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.spo.SpoApiVersion;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.testsupport.TestResources;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/**
 * The one cluster view against the fabric8 mock API server in CRUD mode: scope detection from the installed CRD,
 * readiness that waits for it and for every informer, restarts, the webhook's set of informers and the
 * scheduler's (profiles then pods, with the reduced pod store).
 */
class ClusterViewTest {

    private KubernetesMockServer server;
    private KubernetesClient client;
    private ClusterView view;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        if (view != null) {
            view.stop();
        }
        client.close();
        server.destroy();
    }

    /** The webhook's view: SeccompProfiles, ProfileBindings, Namespaces. */
    private ClusterViewSettings webhookView() {
        return ClusterView.settings(client)
                .watch(Resource.SECCOMP_PROFILES, Resource.PROFILE_BINDINGS, Resource.NAMESPACES);
    }

    private void installCrds() {
        for (String crd : List.of("/spo-crds/seccompprofile.yaml", "/spo-crds/profilebinding.yaml")) {
            client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .resource(TestResources.read(crd, CustomResourceDefinition.class))
                    .create();
        }
    }

    @Test
    void readinessWaitsForTheCrdThenDetectsClusterScope() {
        view = new ClusterView(webhookView());
        InformersHealthIndicator health = new InformersHealthIndicator(view, List.of());
        view.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> view.problem().contains("not found"));
        assertThat(view.problem())
                .isEqualTo("SPO scope unknown: CRD seccompprofiles.security-profiles-operator.x-k8s.io "
                        + "not found (is SPO installed?)");
        assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(health.health().getDetails()).containsEntry("spoScope", "unknown");
        assertThat(view.scope()).isNull();

        installCrds();
        SeccompProfileV1Beta1 profile =
                TestResources.read("/sysched-examples/nginx.profile.yaml", SeccompProfileV1Beta1.class);
        profile.getMetadata().setNamespace(null);
        // cluster-scoped: address it through a cluster-scoped context, as a real API server would store it
        var generic = client.getKubernetesSerialization().convertValue(profile, GenericKubernetesResource.class);
        client.genericKubernetesResources(SpoResourceContexts.seccompProfiles(SpoApiVersion.V1BETA1, SpoScope.CLUSTER))
                .resource(generic)
                .create();

        await().atMost(Duration.ofSeconds(20)).until(view::synced);
        assertThat(view.scope()).isEqualTo(SpoScope.CLUSTER);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        assertThat(health.health().getDetails())
                .containsEntry("spoScope", "CLUSTER")
                .containsEntry("seccompProfilesSynced", true)
                .containsEntry("namespacesSynced", true)
                .doesNotContainKeys("podsSynced", "reason");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> view.profile(ProfileKey.cluster("nginx-seccomp")).isPresent());
        assertThat(view.size(Resource.SECCOMP_PROFILES)).isEqualTo(1);
    }

    @Test
    void v1ApiVersionWatchesTheV1Resources() {
        installCrds();
        view = new ClusterView(webhookView().version(SpoApiVersion.V1));
        view.start();
        await().atMost(Duration.ofSeconds(20)).until(view::synced);

        ProfileBindingV1 binding = new ProfileBindingV1();
        binding.setMetadata(
                new ObjectMetaBuilder().withName("b").withNamespace("apps").build());
        ProfileBindingSpec spec = new ProfileBindingSpec();
        spec.setImage("app:1");
        spec.setProfileRef(new ProfileRef("SeccompProfile", "p"));
        binding.setSpec(spec);
        client.resources(ProfileBindingV1.class)
                .inNamespace("apps")
                .resource(binding)
                .create();

        await().atMost(Duration.ofSeconds(30)).until(() -> view.bindings("apps").size() == 1);
        assertThat(view.bindings("apps").get(0)).isInstanceOf(ProfileBindingV1.class);
        assertThat(view.bindings("other")).isEmpty();
        assertThat(view.scope()).isEqualTo(SpoScope.CLUSTER);
    }

    @Test
    void configuredScopeSkipsDetection() {
        view = new ClusterView(webhookView().scope(SpoScope.NAMESPACED));
        view.start();

        // no CRD exists in this mock: syncing at all shows the CRD was never needed
        await().atMost(Duration.ofSeconds(20)).until(view::synced);
        assertThat(view.scope()).isEqualTo(SpoScope.NAMESPACED);
    }

    @Test
    void aStoppedAndRestartedViewIsCurrentAgain() {
        // Spring stops and restarts SmartLifecycle beans of a paused context; readiness must not keep following
        // the informers of the first start.
        view = new ClusterView(webhookView().scope(SpoScope.NAMESPACED));
        view.start();
        await().atMost(Duration.ofSeconds(30)).until(view::current);
        view.stop();
        assertThat(view.current()).isFalse();
        assertThat(view.problem()).contains("informer stopped");
        view.start();
        await().atMost(Duration.ofSeconds(30)).until(view::current);
        assertThat(view.problem()).isEmpty();
    }

    @Test
    void theNodeCacheKeepsLabelsOnlyAndFollowsTheDistinctZones() {
        view = new ClusterView(webhookView().watch(Resource.NODES).scope(SpoScope.NAMESPACED));
        InformersHealthIndicator health = new InformersHealthIndicator(view, List.of());
        client.nodes().resource(node("n1", "zone-a")).create();
        view.start();
        await().atMost(Duration.ofSeconds(20)).until(view::synced);
        assertThat(health.health().getDetails()).containsEntry("nodesSynced", true);
        assertThat(view.nodeZones()).containsExactly("zone-a");
        assertThat(view.everyNodeHasZone()).isTrue();

        client.nodes().resource(node("n2", "zone-a")).create();
        client.nodes().resource(node("n3", null)).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> view.size(Resource.NODES) == 3);
        assertThat(view.nodeZones())
                .as("one zone, and a node without the label")
                .containsExactly("zone-a");
        assertThat(view.everyNodeHasZone()).isFalse();

        client.nodes().withName("n2").edit(n -> {
            n.getMetadata().getLabels().put("topology.kubernetes.io/zone", "zone-b");
            return n;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> view.nodeZones().size() == 2);
        assertThat(view.nodeZones()).containsExactlyInAnyOrder("zone-a", "zone-b");

        client.nodes().withName("n3").delete();
        await().atMost(Duration.ofSeconds(30)).until(view::everyNodeHasZone);
        client.nodes().withName("n2").delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> view.nodeZones().size() == 1);
        assertThat(view.nodeZones()).containsExactly("zone-a");
    }

    @Test
    void aViewWithoutNodesKnowsNoZones() {
        view = new ClusterView(webhookView().scope(SpoScope.NAMESPACED));
        client.nodes().resource(node("n1", "zone-a")).create();
        view.start();
        await().atMost(Duration.ofSeconds(20)).until(view::synced);
        assertThat(view.nodeZones()).isEmpty();
        assertThat(view.size(Resource.NODES)).isZero();
    }

    /** A node as a kubelet registers it: labels, and a status scoring never reads. */
    private static io.fabric8.kubernetes.api.model.Node node(String name, String zone) {
        var builder = new io.fabric8.kubernetes.api.model.NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("kubernetes.io/hostname", name)
                .endMetadata()
                .withNewStatus()
                .addNewImage()
                .withNames("registry.example/big:" + "x".repeat(500))
                .endImage()
                .endStatus();
        if (zone != null) {
            builder.editMetadata()
                    .addToLabels("topology.kubernetes.io/zone", zone)
                    .endMetadata();
        }
        return builder.build();
    }

    /** Records what the scheduler's state would be told. */
    static final class RecordingListener implements ClusterView.PodListener {
        final List<Pod> changed = new CopyOnWriteArrayList<>();
        final List<String> deleted = new CopyOnWriteArrayList<>();

        @Override
        public void podChanged(Pod pod) {
            changed.add(pod);
        }

        @Override
        public void podDeleted(Pod pod, boolean finalStateUnknown) {
            deleted.add(pod.getMetadata().getUid());
        }
    }

    /** A pod as a controller and the API server leave it: much that scoring never reads. */
    private static Pod bulkyPod(String name) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("apps")
                .addToLabels("app", "web")
                .addToLabels("pod-template-hash", "5d4f8")
                .addToAnnotations(PlacementAnnotations.SYSCALLS, "v1;AQ;;default/web")
                .addToAnnotations(LegacySeccompAnnotations.containerKey("sidecar"), "runtime/default")
                .addToAnnotations(
                        "kubectl.kubernetes.io/last-applied-configuration", "{\"big\":\"" + "x".repeat(2000) + "\"}")
                .addNewOwnerReference()
                .withApiVersion("apps/v1")
                .withKind("ReplicaSet")
                .withName("web-5d4f8")
                .withUid("rs-uid")
                .withController(true)
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .withNodeName("n1")
                .withServiceAccountName("web")
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withNewSeccompProfile()
                .withType("Localhost")
                .withLocalhostProfile("operator/apps/web.json")
                .endSeccompProfile()
                .endSecurityContext()
                .addNewInitContainer()
                .withName("init")
                .withImage("busybox:1")
                .withRestartPolicy("Always")
                .withNewSecurityContext()
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .endInitContainer()
                .addNewContainer()
                .withName("web")
                .withImage("nginx:1.27")
                .addNewEnv()
                .withName("A")
                .withValue("1")
                .endEnv()
                .withNewResources()
                .addToRequests("cpu", new Quantity("100m"))
                .endResources()
                .endContainer()
                .addNewContainer()
                .withName("sidecar")
                .withImage("envoy:1")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP("10.0.0.7")
                .endStatus()
                .build();
    }

    /** The listener runs after the sync on the informer's own thread: a reader must wait for the delivery too. */
    @Test
    void podsAreDeliveredOnlyOnceTheListenerHasSeenEveryListedPod() throws InterruptedException {
        for (String name : List.of("first", "second", "third")) {
            client.pods().inNamespace("apps").resource(bulkyPod(name)).create();
        }
        CountDownLatch release = new CountDownLatch(1);
        RecordingListener recorded = new RecordingListener();
        ClusterView.PodListener slow = new ClusterView.PodListener() {
            @Override
            public void podChanged(Pod pod) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                recorded.podChanged(pod);
            }

            @Override
            public void podDeleted(Pod pod, boolean finalStateUnknown) {
                recorded.podDeleted(pod, finalStateUnknown);
            }
        };
        view = new ClusterView(ClusterView.settings(client)
                .watch(Resource.PODS)
                .scope(SpoScope.NAMESPACED)
                .onPods(slow));
        view.start();
        await().atMost(Duration.ofSeconds(20)).until(view::synced);

        assertThat(view.size(Resource.PODS)).isEqualTo(3);
        assertThat(view.podsDelivered())
                .as("synced, but the listener holds the first pod")
                .isFalse();
        assertThat(view.current())
                .as("not ready before the state has the listed pods")
                .isFalse();
        assertThat(view.problem()).contains("pods listed, 0 of 3 handed to the state");

        release.countDown();
        await().atMost(Duration.ofSeconds(20)).until(view::podsDelivered);
        await().atMost(Duration.ofSeconds(20)).until(view::current);
        assertThat(recorded.changed).hasSize(3);

        client.pods().inNamespace("apps").withName("second").delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> recorded.deleted.size() == 1);
        await().atMost(Duration.ofSeconds(20)).until(view::podsDelivered);
        assertThat(view.size(Resource.PODS)).isEqualTo(2);
    }

    @Test
    void aViewWithoutPodsDeliversNone() {
        view = new ClusterView(webhookView().scope(SpoScope.NAMESPACED));
        view.start();
        await().atMost(Duration.ofSeconds(20)).until(view::synced);

        assertThat(view.podsDelivered()).isFalse();
    }

    @Test
    void theSchedulersViewStartsPodsAfterProfilesAndCachesReducedPods() {
        String listedUid = client.pods()
                .inNamespace("apps")
                .resource(bulkyPod("listed"))
                .create()
                .getMetadata()
                .getUid();
        RecordingListener listener = new RecordingListener();
        AtomicInteger scopeCalls = new AtomicInteger();
        view = new ClusterView(ClusterView.settings(client)
                .watch(Resource.SECCOMP_PROFILES, Resource.PODS)
                .scope(SpoScope.NAMESPACED)
                .podsWaitForProfiles(Duration.ofSeconds(5))
                .onPods(listener)
                .onScopeKnown(scope -> scopeCalls.incrementAndGet()));
        view.start();
        await().atMost(Duration.ofSeconds(20)).until(view::synced);
        assertThat(scopeCalls).hasValue(1);
        assertThat(view.size(Resource.PODS)).isEqualTo(1);

        // the initial list reaches the listener from the store: reduced, with everything scoring reads
        Pod listed = listener.changed.get(0);
        assertThat(listed.getMetadata().getUid()).isEqualTo(listedUid);
        assertThat(listed.getMetadata().getAnnotations())
                .containsOnlyKeys(PlacementAnnotations.SYSCALLS, LegacySeccompAnnotations.containerKey("sidecar"));
        assertThat(listed.getMetadata().getLabels()).containsEntry("app", "web");
        assertThat(listed.getMetadata().getOwnerReferences()).extracting("kind").containsExactly("ReplicaSet");
        assertThat(listed.getSpec().getNodeName()).isEqualTo("n1");
        assertThat(listed.getSpec().getSecurityContext().getSeccompProfile().getLocalhostProfile())
                .isEqualTo("operator/apps/web.json");
        assertThat(listed.getSpec().getSecurityContext().getRunAsNonRoot()).isNull();
        assertThat(listed.getSpec().getInitContainers().get(0).getRestartPolicy())
                .isEqualTo("Always");
        assertThat(listed.getSpec().getContainers()).extracting("name").containsExactly("web", "sidecar");
        assertThat(listed.getSpec().getContainers().get(0).getImage()).isNull();
        assertThat(listed.getSpec().getContainers().get(0).getEnv()).isEmpty();
        assertThat(listed.getStatus().getPhase()).isEqualTo("Running");
        assertThat(listed.getStatus().getPodIP()).isNull();
        assertThat(view.pod("apps", "listed")).isEqualTo(listed);

        // a watch event reaches it whole; the cache keeps the reduced pod
        client.pods().inNamespace("apps").resource(bulkyPod("watched")).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.changed.size() == 2);
        assertThat(listener.changed.get(1).getSpec().getContainers().get(0).getImage())
                .isEqualTo("nginx:1.27");
        assertThat(view.pod("apps", "watched").getSpec().getContainers().get(0).getImage())
                .isNull();

        client.pods().inNamespace("apps").withName("listed").delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.deleted.contains(listedUid));
        assertThat(view.pod("apps", "listed")).isNull();
        assertThat(view.size(Resource.PODS)).isEqualTo(1);
    }

    @Test
    void podsWaitForProfilesAndReadinessSaysSo() {
        // CRUD mode, except that SeccompProfiles never list (500), so the pods start after the wait
        KubernetesMockServer failing = new KubernetesMockServer(
                new Context(),
                new MockWebServer(),
                new HashMap<>(),
                new KubernetesCrudDispatcher() {
                    @Override
                    public MockResponse handleGet(String path) {
                        return path.contains("/seccompprofiles")
                                ? new MockResponse().setResponseCode(500)
                                : super.handleGet(path);
                    }
                },
                false);
        failing.init(InetAddress.getLoopbackAddress(), 0);
        KubernetesClient failingClient = failing.createClient();
        try {
            view = new ClusterView(ClusterView.settings(failingClient)
                    .watch(Resource.SECCOMP_PROFILES, Resource.PODS)
                    .scope(SpoScope.CLUSTER)
                    .podsWaitForProfiles(Duration.ofSeconds(2))
                    .onPods(new RecordingListener()));
            view.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> view.problem().startsWith("informers not synced yet"));
            assertThat(view.problem())
                    .isEqualTo("informers not synced yet: seccompprofiles, pods (pods start once "
                            + "seccompprofiles have synced, or after PT2S)");
            await().atMost(Duration.ofSeconds(20)).until(() -> view.synced(Resource.PODS));
            assertThat(view.synced()).isFalse();
            assertThat(view.problem()).isEqualTo("informers not synced yet: seccompprofiles");
        } finally {
            view.stop();
            failingClient.close();
            failing.destroy();
        }
    }

    @Test
    void profileChangesAreReportedAndADeletedProfileLeavesThePolicyMemo() {
        AtomicInteger changes = new AtomicInteger();
        view = new ClusterView(ClusterView.settings(client)
                .watch(Resource.SECCOMP_PROFILES)
                .scope(SpoScope.NAMESPACED)
                .onProfilesChanged(changes::incrementAndGet));
        view.start();
        await().atMost(Duration.ofSeconds(20)).until(view::synced);

        var profiles = client.resources(SeccompProfileV1Beta1.class).inNamespace("default");
        profiles.resource(TestResources.read("/sysched-examples/nginx.profile.yaml", SeccompProfileV1Beta1.class))
                .create();
        await().atMost(Duration.ofSeconds(30)).until(() -> changes.get() == 1);
        ProfileKey nginx = ProfileKey.namespaced("default", "nginx-seccomp");
        assertThat(view.profileLookup().find(nginx)).isPresent();
        assertThat(view.policies().size()).isEqualTo(1);

        // SPO writes status often: no syscall set changes
        profiles.withName("nginx-seccomp").editStatus(p -> {
            p.setStatus(new io.github.sysched.spo.SeccompProfileStatus());
            p.getStatus().setStatus("Installed");
            return p;
        });
        profiles.withName("nginx-seccomp").edit(p -> {
            p.getMetadata().setLabels(Map.of("edited", "true"));
            return p;
        });
        await().atMost(Duration.ofSeconds(30))
                .until(() -> view.profile(nginx).orElseThrow().getMetadata().getLabels() != null);
        assertThat(changes).hasValue(1);

        profiles.withName("nginx-seccomp").delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> changes.get() == 2);
        assertThat(view.policies().size()).isZero();
        assertThat(view.profileLookup().find(nginx)).isEmpty();
    }

    @Test
    void replicaControllersAreWatchedAndEveryEventCountsAsAChange() {
        view = new ClusterView(ClusterView.settings(client)
                .scope(SpoScope.CLUSTER)
                .watch(
                        Resource.NODES,
                        Resource.REPLICA_SETS,
                        Resource.STATEFUL_SETS,
                        Resource.REPLICATION_CONTROLLERS));
        view.start();
        await().atMost(Duration.ofSeconds(20)).until(view::synced);
        long before = view.changes();

        client.apps()
                .replicaSets()
                .inNamespace("shop")
                .resource(new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder()
                        .withNewMetadata()
                        .withName("web-1")
                        .withNamespace("shop")
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(3)
                        .endSpec()
                        .build())
                .create();
        client.apps()
                .statefulSets()
                .inNamespace("shop")
                .resource(new io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder()
                        .withNewMetadata()
                        .withName("db")
                        .withNamespace("shop")
                        .endMetadata()
                        .build())
                .create();
        client.replicationControllers()
                .inNamespace("shop")
                .resource(new io.fabric8.kubernetes.api.model.ReplicationControllerBuilder()
                        .withNewMetadata()
                        .withName("old")
                        .withNamespace("shop")
                        .endMetadata()
                        .build())
                .create();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> view.replicaControllers().size() == 3);
        assertThat(view.replicaControllers().stream().map(c -> c.getMetadata().getName()))
                .containsExactlyInAnyOrder("web-1", "db", "old");
        assertThat(view.changes()).isGreaterThanOrEqualTo(before + 3);
        assertThat(view.size(Resource.REPLICA_SETS)).isEqualTo(1);

        long afterControllers = view.changes();
        client.nodes()
                .resource(io.github.sysched.testsupport.TestNodes.ready("n1"))
                .create();
        await().atMost(Duration.ofSeconds(20)).until(() -> view.changes() > afterControllers);
    }

    @Test
    void aPodsChangeCountsOnlyOnceItsListenerHasHandledIt() {
        List<Long> seenByListener = new CopyOnWriteArrayList<>();
        ClusterView[] self = new ClusterView[1];
        ClusterView.PodListener listener = new ClusterView.PodListener() {
            @Override
            public void podChanged(Pod pod) {
                seenByListener.add(self[0].changes());
            }

            @Override
            public void podDeleted(Pod pod, boolean finalStateUnknown) {
                seenByListener.add(self[0].changes());
            }
        };
        view = new ClusterView(ClusterView.settings(client)
                .watch(Resource.PODS)
                .scope(SpoScope.NAMESPACED)
                .onPods(listener));
        self[0] = view;
        view.start();
        await().atMost(Duration.ofSeconds(20)).until(view::synced);
        long before = view.changes();

        client.pods()
                .inNamespace("default")
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("p")
                        .withNamespace("default")
                        .endMetadata()
                        .build())
                .create();

        await().atMost(Duration.ofSeconds(20)).until(() -> view.changes() > before);
        assertThat(seenByListener)
                .as("the listener ran before the change counted")
                .containsExactly(before);
        assertThat(view.changes()).isEqualTo(before + 1);
    }
}
