package io.github.sysched.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.testsupport.TestResources;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadLoaderTest {

    @TempDir
    Path dir;

    private void copy(String resource, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try (InputStream in = TestResources.stream(resource)) {
            Files.copy(in, target);
        }
    }

    private Path workload(String text) throws IOException {
        copy("/container-profiles/nginx.json", dir.resolve("profiles/nginx.json"));
        copy("/container-profiles/redis.json", dir.resolve("profiles/redis.json"));
        copy("/sysched-examples/memcached.profile.yaml", dir.resolve("profiles/memcached-spo.yaml"));
        Path file = dir.resolve("workload.txt");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void readsSettingsImagesAndProfiles() throws IOException {
        WorkloadFile file = WorkloadLoader.load(workload("""
                # a comment
                universe = 332   # Confine's kernel
                nodes = 5
                pods-per-node = 4

                nginx 3
                redis 2 # trailing comment
                memcached-spo 1
                """));

        assertThat(file.nodes()).hasValue(5);
        assertThat(file.podsPerNode()).hasValue(4);
        assertThat(file.cluster(50, 10)).isEqualTo(ClusterSpec.of(5, 4));
        assertThat(file.universe().cardinality()).isEqualTo(333);
        assertThat(file.replicas())
                .containsExactly(
                        java.util.Map.entry("nginx", 3),
                        java.util.Map.entry("redis", 2),
                        java.util.Map.entry("memcached-spo", 1));
        // Confine deny-lists against 0..332 (ConfineProfilesTest); the SPO allow-list profile as upstream counts it.
        assertThat(file.profiles().get("nginx").cardinality()).isEqualTo(162);
        assertThat(file.profiles().get("redis").cardinality()).isEqualTo(159);
        assertThat(file.profiles().get("memcached-spo").cardinality()).isEqualTo(53);
        assertThat(file.workload().pods())
                .extracting(SimPod::name)
                .containsExactly("nginx-1", "nginx-2", "nginx-3", "redis-1", "redis-2", "memcached-spo-1");
        assertThat(file.workload().pods().get(4).syscalls())
                .isSameAs(file.profiles().get("redis"));
        assertThat(file.profileDir()).isEqualTo(dir.resolve("profiles"));
    }

    @Test
    void defaultsAndOrders() throws IOException {
        WorkloadFile file = WorkloadLoader.load(workload("nginx 2\nredis 1\norder = interleaved\n"));
        assertThat(file.nodes()).isEmpty();
        assertThat(file.cluster(7, 3)).isEqualTo(ClusterSpec.of(7, 3));
        // universe defaults to the whole table: the deny-list then allows the newer syscalls too.
        assertThat(file.profiles().get("nginx").cardinality()).isEqualTo(191);
        assertThat(file.workload().pods()).extracting(SimPod::name).containsExactly("nginx-1", "redis-1", "nginx-2");

        Path shuffled = dir.resolve("shuffled.txt");
        Files.writeString(shuffled, "nginx 5\nredis 5\norder = shuffled 3\n");
        List<String> names = WorkloadLoader.load(shuffled).workload().pods().stream()
                .map(SimPod::name)
                .toList();
        assertThat(names)
                .hasSize(10)
                .isEqualTo(new Workload(WorkloadLoader.load(shuffled).workload().pods())
                        .pods().stream().map(SimPod::name).toList())
                .isNotEqualTo(List.of(
                        "nginx-1", "nginx-2", "nginx-3", "nginx-4", "nginx-5", "redis-1", "redis-2", "redis-3",
                        "redis-4", "redis-5"));
    }

    @Test
    void rejectsMistakes() throws IOException {
        assertThatThrownBy(() -> WorkloadLoader.load(workload("nginx\n")))
                .hasMessageContaining("workload.txt:1")
                .hasMessageContaining("image replicas");
        Files.delete(dir.resolve("workload.txt"));
        assertThatThrownBy(() -> WorkloadLoader.load(dir.resolve("none.txt"))).hasMessageContaining("cannot read");
        for (String bad : List.of(
                "../nginx 1",
                "nginx x",
                "nginx -1",
                "nodes = 0",
                "colour = blue",
                "order = sorted",
                "nginx 1\nnginx 2",
                "absent 1")) {
            Path file = dir.resolve("bad.txt");
            Files.writeString(file, bad + "\n");
            assertThatThrownBy(() -> WorkloadLoader.load(file)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void readsSyscallWeights() throws IOException {
        Path weights = dir.resolve("weights.txt");
        Files.writeString(weights, "# CVE-linked\nptrace 50\nbpf 20 # eBPF\n* 2\n");
        io.github.sysched.syscall.SyscallWeights read = WorkloadLoader.readWeights(weights);
        assertThat(read.defaultWeight()).isEqualTo(2);
        assertThat(read.listed()).isEqualTo(java.util.Map.of("ptrace", 50L, "bpf", 20L));
        assertThat(read.weigh(SyscallSet.of("ptrace", "read"))).isEqualTo(52);
        for (String bad : List.of("ptrace\n", "ptrace x\n", "ptrace -1\n", "procexit 3\n", "ptrace 1\nptrace 2\n")) {
            Files.writeString(weights, bad);
            assertThatThrownBy(() -> WorkloadLoader.readWeights(weights))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("weights.txt:");
        }
    }

    @Test
    void imagesAreGuardedReplicasOfOneReplicaSetAndRolloutOrdersThem() throws IOException {
        WorkloadFile file = WorkloadLoader.load(workload("nginx 3\nredis 2\norder = rollout 2\n"));
        assertThat(file.workload().pods())
                .allSatisfy(p -> assertThat(p.guarded()).isTrue());
        assertThat(file.workload().pods().get(0).controller()).contains("ReplicaSet default/nginx");
        assertThat(file.workload().pods())
                .extracting(SimPod::name)
                .containsExactly("nginx-1", "redis-1", "nginx-2", "nginx-3", "redis-2");
        assertThat(file.listed().pods())
                .extracting(SimPod::name)
                .containsExactly("nginx-1", "nginx-2", "nginx-3", "redis-1", "redis-2");
        assertThat(WorkloadLoader.arrange(file.listed(), "rollout", "x").pods())
                .extracting(SimPod::name)
                .containsExactly("nginx-1", "redis-1", "nginx-2", "nginx-3", "redis-2");
        assertThatThrownBy(() -> WorkloadLoader.arrange(file.listed(), "rollout 0", "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsSyscallLists() throws IOException {
        Path list = dir.resolve("vulnerable.txt");
        Files.writeString(list, "# escapes\nptrace keyctl\n\nbpf # eBPF verifier bugs\nptrace\n");
        assertThat(WorkloadLoader.readSyscallList(list)).isEqualTo(SyscallSet.of("ptrace", "keyctl", "bpf"));

        Files.writeString(list, "ptrace procexit\n");
        assertThatThrownBy(() -> WorkloadLoader.readSyscallList(list)).hasMessageContaining("procexit");
    }
}
