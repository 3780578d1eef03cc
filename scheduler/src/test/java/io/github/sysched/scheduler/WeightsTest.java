package io.github.sysched.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code sysched.scheduler.weights} set through Spring configuration reaches the prioritize answer. */
class WeightsTest {

    static final SyscallSet ON_N1 = SyscallSet.of("read", "write", "ptrace");
    static final SyscallSet ON_N2 = SyscallSet.of("read", "write", "mmap", "openat");
    static final SyscallSet INCOMING = SyscallSet.of("read");

    @Test
    void aHeavySyscallOnlyOneNodeUsesFlipsThePrioritizeAnswer() {
        // uniform weights: n1 leaves 2 extraneous syscalls to the incoming pod, n2 3, so n1 scores higher
        ExsEngine uniform = new ExsEngine();
        uniform.place("a", "n1", ON_N1);
        uniform.place("b", "n2", ON_N2);
        assertThat(uniform.rawScores(List.of("n1", "n2"), INCOMING)).containsExactly(2L, 3L);
        assertThat(harnessless(uniform)).containsExactly(3, 0);
        assertThat(io.github.sysched.scoring.ExtenderScoring.DEFAULT.scores(uniform, List.of("n1", "n2"), INCOMING))
                .as("the default, marginal score")
                .containsExactly(10, 9);

        KubernetesMockServer server = Harness.newServer();
        KubernetesClient client = server.createClient();
        try (Harness harness = Harness.start(client, "sysched.scheduler.weights.ptrace=1000")) {
            assertThat(harness.bean(SyscallWeights.class).listed()).containsEntry("ptrace", 1000L);
            harness.bindInMock(harness.create(Harness.pod("a", ON_N1)), "n1");
            harness.bindInMock(harness.create(Harness.pod("b", ON_N2)), "n2");
            // ptrace weighs 1000: n1 now leaves write + ptrace = 1001, n2 still 3
            assertThat(harness.engine().rawScores(List.of("n1", "n2"), INCOMING))
                    .containsExactly(1001L, 3L);
            // the default (marginal) score ranks the cheaper node first: n2 10, n1 9 (uniform weights: the reverse)
            assertThat(harness.engine().marginalScores(List.of("n1", "n2"), INCOMING))
                    .containsExactly(1001L, 3L);
            String scores = harness.postJson(
                            "/prioritize",
                            Harness.argsWithNodeNames(Harness.pod("incoming", INCOMING), List.of("n1", "n2")))
                    .toString();
            assertThat(scores).isEqualTo("[{\"Host\":\"n1\",\"Score\":9},{\"Host\":\"n2\",\"Score\":10}]");
        } finally {
            client.close();
            server.destroy();
        }
    }

    private static int[] harnessless(ExsEngine engine) {
        int[] normalized =
                io.github.sysched.scoring.ExsNormalizer.normalize(engine.rawScores(List.of("n1", "n2"), INCOMING));
        int[] scores = new int[normalized.length];
        for (int i = 0; i < normalized.length; i++) {
            scores[i] = io.github.sysched.scoring.ExsNormalizer.toExtenderScore(normalized[i]);
        }
        return scores;
    }
}
