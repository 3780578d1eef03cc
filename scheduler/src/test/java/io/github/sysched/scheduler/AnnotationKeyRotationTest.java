package io.github.sysched.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.annotation.AnnotationSignature;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;

/**
 * Key rotation as the chart documents it (the Secret's {@code previous} takes the old {@code current}, {@code current}
 * a new key): pods signed with the previous key stay trusted, pods signed with a key the extender did not know yet
 * are re-verified when it arrives, and pods signed with a key that is neither fall back to their spec.
 */
class AnnotationKeyRotationTest {

    static final AnnotationSignature.Key K1 =
            AnnotationSignature.Key.of("first-key-0123456789abcdef-0123456789".getBytes());
    static final AnnotationSignature.Key K2 =
            AnnotationSignature.Key.of("second-key-0123456789abcdef-012345678".getBytes());
    static final AnnotationSignature.Key K3 =
            AnnotationSignature.Key.of("third-key-0123456789abcdef-0123456789".getBytes());
    static final int UNIVERSE = SyscallTable.x86_64().allSyscalls().cardinality();

    /** As the kubelet updates a Secret volume: each file replaced whole. */
    static void rotate(Path dir, AnnotationSignature.Key current, AnnotationSignature.Key previous) throws Exception {
        for (var file :
                java.util.Map.of("current", current, "previous", previous).entrySet()) {
            Path next = dir.resolve("." + file.getKey() + ".next");
            Files.write(next, file.getValue().secret());
            Files.move(next, dir.resolve(file.getKey()), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    @Test
    void rotationKeepsThePreviousKeyAndPicksUpTheNewOne() throws Exception {
        Path keys = Harness.keyDirectory(K1);
        KubernetesMockServer server = Harness.newServer();
        KubernetesClient client = server.createClient();
        try (Harness harness = Harness.start(
                client,
                "sysched.scheduler.annotations.key-dir=" + keys,
                "sysched.scheduler.annotations.key-check-interval=100ms")) {
            Pod byK1 = Harness.signed(Harness.pod("by-k1", SyscallSet.of("read", "write")), K1);
            Pod byK2 = Harness.signed(Harness.pod("by-k2", SyscallSet.of("read", "write")), K2);
            harness.bindInMock(harness.create(byK1), "n1");
            harness.bindInMock(harness.create(byK2), "n2");
            assertThat(harness.engine().node("n1").orElseThrow().attackSurface())
                    .isEqualTo(2);
            assertThat(harness.engine().node("n2").orElseThrow().attackSurface())
                    .as("K2 not known yet")
                    .isEqualTo(UNIVERSE);

            rotate(keys, K2, K1); // the webhook signs with K2 from now on; K1 still verifies
            Harness.awaitCondition(
                    "pods signed with K2 re-verified",
                    () -> harness.engine().node("n2").orElseThrow().attackSurface() == 2);
            assertThat(harness.engine().node("n1").orElseThrow().attackSurface())
                    .isEqualTo(2);

            rotate(keys, K3, K2); // K1 is gone: its pods are resolved from their spec
            Harness.awaitCondition(
                    "pods signed with K1 fall back",
                    () -> harness.engine().node("n1").orElseThrow().attackSurface() == UNIVERSE);
            assertThat(harness.engine().node("n2").orElseThrow().attackSurface())
                    .isEqualTo(2);
        } finally {
            client.close();
            server.destroy();
        }
    }
}
