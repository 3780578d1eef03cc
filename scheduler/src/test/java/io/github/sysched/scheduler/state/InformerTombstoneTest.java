package io.github.sysched.scheduler.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.scheduler.Harness;
import io.github.sysched.scheduler.WatchControlDispatcher;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.syscall.SyscallSet;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A pod deleted while the pod watch is down never produces a DELETED event; the informer learns it from the
 * relist that follows {@code 410 Gone} and hands the state a tombstone ({@code deletedFinalStateUnknown}), which
 * must remove the pod.
 */
class InformerTombstoneTest {

    /** The ClusterState the informer feeds, recording how each pod left. */
    static final class RecordingState extends ClusterState {
        final List<String> tombstones = new CopyOnWriteArrayList<>();
        final List<String> deletes = new CopyOnWriteArrayList<>();

        RecordingState(ExsEngine engine, SpoPodResolver resolver, SimpleMeterRegistry registry) {
            super(engine, new PodSetResolver(resolver, registry), resolver, "ipp-class", registry);
        }

        @Override
        public void podDeleted(Pod pod, boolean finalStateUnknown) {
            (finalStateUnknown ? tombstones : deletes).add(pod.getMetadata().getName());
            super.podDeleted(pod, finalStateUnknown);
        }
    }

    @Test
    void podDeletedWhileTheWatchIsDownLeavesOnTheRelist() {
        WatchControlDispatcher dispatcher = new WatchControlDispatcher();
        KubernetesMockServer server = Harness.newServer(dispatcher);
        KubernetesClient client = server.createClient();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ExsEngine engine = new ExsEngine();
        SpoPodResolver resolver = new SpoPodResolver("default", "full-seccomp");
        RecordingState state = new RecordingState(engine, resolver, registry);
        ClusterView view = new ClusterView(ClusterView.settings(client)
                .watch(ClusterView.Resource.SECCOMP_PROFILES, ClusterView.Resource.PODS)
                .scope(SpoScope.CLUSTER)
                .podsWaitForProfiles(Duration.ofSeconds(1))
                .onScopeKnown(resolver::useScope)
                .onPods(state));
        try {
            Pod gone = create(
                    client,
                    Harness.pod("gone", SyscallSet.of("read", "ptrace"), Map.of("ipp-class", "gold"), Map.of()),
                    "n1");
            create(client, Harness.pod("stays", SyscallSet.of("read")), "n1");
            view.start();
            Harness.awaitCondition(
                    "both pods counted and the pod watch open",
                    () -> view.synced(ClusterView.Resource.PODS)
                            && engine.podCount() == 2
                            && dispatcher.openPodWatches() == 1);
            assertThat(state.ippClassesOn("n1")).containsExactly("gold");

            dispatcher.disconnectPodWatches();
            client.pods().inNamespace("default").withName("gone").delete();
            create(client, Harness.pod("later", SyscallSet.of("write")), "n2"); // also missed by the watch
            int expired = dispatcher.expirePodWatches();
            Harness.awaitCondition(
                    "the informer reports the deleted pod",
                    () -> !state.tombstones.isEmpty() || state.deletes.contains("gone"));
            Harness.awaitCondition(
                    "the relist brings the new pod", () -> engine.node("n2").isPresent());

            System.out.printf(
                    "TOMBSTONE relist after 410: %d watch expired, tombstones %s, plain deletes %s, "
                            + "pods counted %d%n",
                    expired, state.tombstones, state.deletes, engine.podCount());
            assertThat(expired).isEqualTo(1);
            assertThat(state.tombstones).containsExactly("gone");
            assertThat(engine.nodeOf(gone.getMetadata().getUid())).isEmpty();
            assertThat(engine.node("n1").orElseThrow().attackSurface()).isEqualTo(1);
            assertThat(state.ippClassesOn("n1")).isEmpty();
            assertThat(state.trackedPods()).isEqualTo(2);
        } finally {
            view.stop();
            client.close();
            server.destroy();
        }
    }

    private static Pod create(KubernetesClient client, Pod pod, String node) {
        return client.pods()
                .inNamespace("default")
                .resource(new PodBuilder(pod)
                        .editSpec()
                        .withNodeName(node)
                        .endSpec()
                        .build())
                .create();
    }
}
