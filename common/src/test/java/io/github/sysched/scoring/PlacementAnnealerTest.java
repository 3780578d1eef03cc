package io.github.sysched.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PlacementAnnealerTest {

    private static final SyscallSet[] PROFILES = {
        SyscallSet.of("read", "write", "accept4"),
        SyscallSet.of("read", "write", "futex"),
        SyscallSet.of("read", "ptrace", "mount", "bpf"),
        SyscallSet.of("read", "write", "accept4", "futex", "epoll_wait")
    };

    @Test
    void pinnedPodsNeverMoveAndTheResultIsNeverWorseThanTheStart() {
        Random random = new Random(5);
        PlacementAnnealer annealer =
                new PlacementAnnealer(SyscallWeights.uniform(), ReplicaSpreadGuard.DEFAULT, 20_000);
        int improved = 0;
        for (int instance = 0; instance < 30; instance++) {
            int nodes = 5;
            int pods = 12;
            long[][] sets = new long[pods][];
            int[] start = new int[pods];
            boolean[] pinned = new boolean[pods];
            for (int i = 0; i < pods; i++) {
                sets[i] = PROFILES[random.nextInt(PROFILES.length)].toWords();
                start[i] = i % nodes;
                pinned[i] = random.nextBoolean();
            }
            int[] limits = {4, 4, 4, 4, 4};
            PlacementAnnealer.Problem problem =
                    PlacementAnnealer.Problem.of(limits, sets, minusOnes(pods), start, pinned);

            int[] result = annealer.improve(problem, instance);

            for (int i = 0; i < pods; i++) {
                if (pinned[i]) {
                    assertThat(result[i]).as("pinned pod %d", i).isEqualTo(start[i]);
                }
            }
            PlacementAnnealer.Problem after =
                    PlacementAnnealer.Problem.of(limits, sets, minusOnes(pods), result, pinned);
            assertThat(annealer.objective(after)).isLessThanOrEqualTo(annealer.objective(problem));
            if (annealer.objective(after) < annealer.objective(problem)) {
                improved++;
            }
            int[] perNode = new int[nodes];
            for (int node : result) {
                perNode[node]++;
            }
            assertThat(java.util.Arrays.stream(perNode).max().orElse(0)).isLessThanOrEqualTo(4);
        }
        assertThat(improved).as("instances the search improved").isGreaterThan(20);
    }

    private static int[] minusOnes(int count) {
        int[] values = new int[count];
        java.util.Arrays.fill(values, -1);
        return values;
    }
}
