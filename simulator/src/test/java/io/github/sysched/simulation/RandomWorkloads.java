package io.github.sysched.simulation;

import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/** Random workloads for the simulator's property tests: each workload with its own profile of 12 of 40 syscalls. */
final class RandomWorkloads {

    private static final List<String> NAMES =
            SyscallTable.x86_64().allSyscalls().names().subList(0, 40);

    private RandomWorkloads() {}

    /**
     * {@code workloads} workloads of 1..{@code maxReplicas} ReplicaSet replicas each, in random order.
     *
     * @param bareEvery every {@code bareEvery}-th workload is made of bare pods instead (no controller); 0: none
     */
    static List<SimPod> of(Random random, int workloads, int maxReplicas, PodRequests requests, int bareEvery) {
        List<SimPod> pods = new ArrayList<>();
        for (int w = 0; w < workloads; w++) {
            Set<String> names = new HashSet<>();
            for (int k = 0; k < 12; k++) {
                names.add(NAMES.get(random.nextInt(NAMES.size())));
            }
            SyscallSet set = SyscallSet.of(names);
            boolean bare = bareEvery > 0 && w % bareEvery == bareEvery - 1;
            int replicas = 1 + random.nextInt(maxReplicas);
            for (int r = 0; r < replicas; r++) {
                String name = "w" + w + "-" + r;
                pods.add(
                        bare
                                ? new SimPod(name, "img" + w, set)
                                : new SimPod(
                                        name, "img" + w, set, Optional.of("ReplicaSet default/w" + w), true, requests));
            }
        }
        Collections.shuffle(pods, random);
        return pods;
    }
}
