package io.github.sysched.scheduler.explain;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.scheduler.Harness;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.spo.SpoApi;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.testsupport.TestResources;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code explain} against the CRUD mock API server, through a kubeconfig as a user runs it: the SySched seed demo's
 * figures (README: redis1 26 vs 0, nginx2 0 vs 26, memcached1 66 vs 47), manifests, and bad input.
 */
class ExplainCommandTest {

    @TempDir
    static Path dir;

    static final SyscallSet NGINX = Harness.profileSet("nginx");
    static final SyscallSet REDIS = Harness.profileSet("redis");
    static final SyscallSet MEMCACHED = Harness.profileSet("memcached");

    /**
     * A mock API server with SPO's CRD (namespaced, SPO <= v0.8: the extender's spo.scope=auto reads it), the demo's
     * SeccompProfiles, two workers and a tainted control-plane node, {@code pods}, and a kubeconfig for it. One per
     * explain run that reaches its informers, so that each run sees exactly the cluster it was given (and the mock,
     * less forgiving than an API server, never serves a watch of an earlier run while the next one reads).
     */
    static final class Cluster implements AutoCloseable {
        final KubernetesMockServer server = Harness.newServer();
        final KubernetesClient client = server.createClient();
        final Path kubeconfig;

        Cluster(Pod... pods) throws IOException {
            client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .resource(new CustomResourceDefinitionBuilder()
                            .withNewMetadata()
                            .withName(SpoApi.SECCOMP_PROFILE_CRD)
                            .endMetadata()
                            .withNewSpec()
                            .withGroup(SpoApi.GROUP)
                            .withScope("Namespaced")
                            .withNewNames()
                            .withKind(SpoApi.SECCOMP_PROFILE_KIND)
                            .withPlural(SpoApi.SECCOMP_PROFILE_PLURAL)
                            .withSingular("seccompprofile")
                            .endNames()
                            .addNewVersion()
                            .withName("v1beta1")
                            .withServed(true)
                            .withStorage(true)
                            .endVersion()
                            .endSpec()
                            .build())
                    .create();
            for (String profile : List.of("nginx", "redis", "memcached", "full")) {
                client.resources(SeccompProfileV1Beta1.class)
                        .inNamespace("default")
                        .resource(Harness.profile(profile))
                        .create();
            }
            for (String worker : List.of("worker-a", "worker-b")) {
                client.nodes()
                        .resource(new NodeBuilder()
                                .withNewMetadata()
                                .withName(worker)
                                .endMetadata()
                                .build())
                        .create();
            }
            client.nodes()
                    .resource(new NodeBuilder()
                            .withNewMetadata()
                            .withName("control-plane")
                            .endMetadata()
                            .withNewSpec()
                            .addNewTaint()
                            .withKey("node-role.kubernetes.io/control-plane")
                            .withEffect("NoSchedule")
                            .endTaint()
                            .endSpec()
                            .build())
                    .create();
            for (Pod pod : pods) {
                client.pods().inNamespace("default").resource(pod).create();
            }
            kubeconfig = kubeconfig("http://127.0.0.1:" + server.getPort());
        }

        Run explain(String... args) {
            return explainWithInput("", args);
        }

        Run explainWithInput(String stdin, String... args) {
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("--kubeconfig", kubeconfig.toString()));
            return ExplainCommandTest.explainWithInput(stdin, all.toArray(String[]::new));
        }

        Run explainJson(String pod) {
            Run run = explain(pod, "-o", "json");
            assertThat(run.exit()).as(run.err()).isZero();
            return run;
        }

        /**
         * The mock waits at most 10 s for its connections to close (MockWebServer.shutdown). Once in a full build on
         * a loaded machine it did not finish in time after an explain run; no assertion depends on the shutdown, so
         * that is reported, not failed.
         */
        @Override
        public void close() {
            client.close();
            try {
                server.destroy();
            } catch (IllegalStateException e) {
                System.err.println("ExplainCommandTest: the mock API server did not close in time: " + e.getMessage());
            }
        }
    }

    static Path kubeconfig(String url) throws IOException {
        Path file = Files.createTempFile(dir, "kubeconfig", ".yaml");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster: {server: "%s"}
                contexts:
                - name: mock
                  context: {cluster: mock, user: me, namespace: default}
                current-context: mock
                users:
                - name: me
                  user: {token: not-checked}
                """.formatted(url));
        return file;
    }

    record Run(int exit, String out, String err) {
        JsonNode json() {
            return Harness.JSON.readTree(out);
        }

        JsonNode node(String name) {
            for (JsonNode node : json().get("nodes")) {
                if (node.get("name").asString().equals(name)) {
                    return node;
                }
            }
            throw new AssertionError("no node " + name + " in " + out);
        }

        long exs(String node) {
            return node(node).get("exs").asLong();
        }

        int score(String node) {
            return node(node).get("score").asInt();
        }

        List<String> chosen() {
            List<String> names = new ArrayList<>();
            json().get("chosen").forEach(n -> names.add(n.asString()));
            return names;
        }

        /** A failure a user can act on: one message on standard error, nothing on standard output, no stack trace. */
        void failedCleanly(String message) {
            assertThat(exit).as(err).isNotZero();
            assertThat(err)
                    .startsWith("explain: ")
                    .contains(message)
                    .doesNotContain("\tat ")
                    .doesNotContain("Exception");
            assertThat(out).isEmpty();
        }
    }

    static Run explainWithInput(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        int exit = ExplainCommand.run(
                all.toArray(String[]::new),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                in);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run explain(String... args) {
        return explainWithInput("", args);
    }

    static Pod pending(String name, SyscallSet set) {
        return Harness.pod(name, set);
    }

    static Pod on(String node, String name, SyscallSet set) {
        return new PodBuilder(Harness.pod(name, set))
                .editSpec()
                .withNodeName(node)
                .endSpec()
                .build();
    }

    @Test
    void theSeedDemoStepByStepWithTheReadmesFigures() throws IOException {
        try (Cluster cluster = new Cluster(pending("nginx1", NGINX))) {
            Run nginx1 = cluster.explainJson("default/nginx1");
            assertThat(nginx1.exs("worker-a")).isZero();
            assertThat(nginx1.exs("worker-b")).isZero();
            assertThat(nginx1.chosen()).containsExactly("worker-a", "worker-b");
        }

        // redis1: 26 next to nginx1, 0 on the empty node
        try (Cluster cluster = new Cluster(on("worker-a", "nginx1", NGINX), pending("redis1", REDIS))) {
            Run redis1 = cluster.explainJson("default/redis1");
            assertThat(redis1.exs("worker-a")).as(redis1.out()).isEqualTo(26);
            assertThat(redis1.exs("worker-b")).isZero();
            // the default marginal score: 26 is more than the empty node's opening cost (20), one level lower
            assertThat(redis1.score("worker-a")).isEqualTo(9);
            assertThat(redis1.score("worker-b")).isEqualTo(10);
            assertThat(redis1.chosen()).containsExactly("worker-b");
            JsonNode nextToNginx = redis1.node("worker-a");
            assertThat(nextToNginx.get("pods").asInt()).isEqualTo(1);
            assertThat(nextToNginx.get("rank").asInt()).isEqualTo(2);
            assertThat(nextToNginx.get("attackSurfaceBefore").asInt()).isEqualTo(98);
            assertThat(nextToNginx.get("attackSurfaceAfter").asInt())
                    .isEqualTo(NGINX.union(REDIS).cardinality());
            assertThat(names(nextToNginx.get("extraneousForPod")))
                    .isEqualTo(NGINX.difference(REDIS).names());
            assertThat(names(nextToNginx.get("newForNodePods")))
                    .isEqualTo(REDIS.difference(NGINX).names());
            // ExS = |U \ P| + Σ |(U ∪ P) \ S_i|: what the pod is exposed to, plus what nginx1 newly is
            assertThat(nextToNginx.get("extraneousForPod").size()
                            + nextToNginx.get("newForNodePods").size())
                    .isEqualTo(26);
            JsonNode control = redis1.node("control-plane");
            assertThat(control.get("status").asString()).isEqualTo("left-out");
            assertThat(control.get("reason").asString())
                    .isEqualTo("taint node-role.kubernetes.io/control-plane:NoSchedule not tolerated");
            assertThat(redis1.json().get("pod").get("source").asString()).isEqualTo("annotation");
            assertThat(redis1.json().get("pod").get("syscalls").asInt()).isEqualTo(86);
        }

        // nginx2: 0 next to nginx1, 26 next to redis1
        try (Cluster cluster = new Cluster(
                on("worker-a", "nginx1", NGINX), on("worker-b", "redis1", REDIS), pending("nginx2", NGINX))) {
            Run nginx2 = cluster.explainJson("default/nginx2");
            assertThat(nginx2.exs("worker-a")).isZero();
            assertThat(nginx2.exs("worker-b")).isEqualTo(26);
            assertThat(nginx2.chosen()).containsExactly("worker-a");
        }

        // memcached1: 66 next to the two nginx pods, 47 next to redis1; scores 9 and 10 (upstream's score: 0 and 3)
        Pod[] beforeMemcached = {
            on("worker-a", "nginx1", NGINX), on("worker-b", "redis1", REDIS), on("worker-a", "nginx2", NGINX)
        };
        try (Cluster cluster = new Cluster(concat(beforeMemcached, pending("memcached1", MEMCACHED)))) {
            Run memcached1 = cluster.explainJson("default/memcached1");
            assertThat(memcached1.exs("worker-a")).isEqualTo(66);
            assertThat(memcached1.exs("worker-b")).isEqualTo(47);
            assertThat(memcached1.score("worker-a")).isEqualTo(9);
            assertThat(memcached1.score("worker-b")).isEqualTo(10);
            assertThat(memcached1.chosen()).containsExactly("worker-b");
            assertThat(memcached1.json().get("chosenScore").asInt()).isEqualTo(10);
        }
        try (Cluster cluster = new Cluster(concat(beforeMemcached, pending("memcached1", MEMCACHED)))) {
            Run table = cluster.explain("memcached1", "--syscalls", "3");
            assertThat(table.exit()).as(table.err()).isZero();
            assertThat(table.out())
                    .contains("pod default/memcached1\n  syscalls: 53, from its exs.sysched.io/syscalls "
                            + "annotation\n");
            assertThat(table.out())
                    .containsPattern("NODE +PODS +ExS +SCORE +RANK +\\|U\\| NOW->AFTER +EXTRANEOUS FOR "
                            + "THE POD \\(U\\\\P\\) +NEW FOR THE NODE'S PODS \\(P\\\\U\\)");
            String firstThree =
                    String.join(",", MEMCACHED.difference(NGINX).names().subList(0, 3));
            assertThat(table.out())
                    .containsPattern("worker-a +2 +66 +9 +2 +98->"
                            + NGINX.union(MEMCACHED).cardinality()
                            + " +" + NGINX.difference(MEMCACHED).cardinality() + ": [a-z0-9_,]+ \\+\\d+ +"
                            + MEMCACHED.difference(NGINX).cardinality() + ": " + firstThree + " \\+\\d+ \\(x2 pods\\)");
            assertThat(table.out()).containsPattern("worker-b +1 +47 +10 +1 ");
            assertThat(table.out())
                    .contains("  not a candidate: control-plane: left-out, taint "
                            + "node-role.kubernetes.io/control-plane:NoSchedule not tolerated\n");
            assertThat(table.out()).contains("\nsysched would choose worker-b (score 10 of 10, ExS 47)\n");
            assertThat(table.err()).isEmpty();
        }
        try (Cluster cluster = new Cluster(concat(beforeMemcached, pending("memcached1", MEMCACHED)))) {
            // --nodes narrows the candidates
            Run onlyA = cluster.explain("default/memcached1", "-o", "json", "--nodes", "worker-a");
            assertThat(onlyA.json().get("nodes")).hasSize(1);
            assertThat(onlyA.chosen()).containsExactly("worker-a");
        }

        // once bound, the pod is explained as if it were being scheduled again: its own set is left out
        try (Cluster cluster = new Cluster(concat(beforeMemcached, on("worker-b", "memcached1", MEMCACHED)))) {
            Run bound = cluster.explainJson("default/memcached1");
            assertThat(bound.exs("worker-a")).isEqualTo(66);
            assertThat(bound.exs("worker-b")).isEqualTo(47);
            assertThat(bound.json().get("pod").get("currentNode").asString()).isEqualTo("worker-b");
        }
    }

    private static Pod[] concat(Pod[] pods, Pod more) {
        Pod[] all = java.util.Arrays.copyOf(pods, pods.length + 1);
        all[pods.length] = more;
        return all;
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asString()));
        return names;
    }

    @Test
    void aManifestsPodIsExplainedAsTheExtenderWouldSeeIt() throws IOException {
        String redisDeployment = new String(
                TestResources.stream("/sysched-demo/workloads/2-redis1.yaml").readAllBytes(), StandardCharsets.UTF_8);
        Path settings = dir.resolve("application.yaml");
        Files.writeString(settings, "sysched:\n  scheduler:\n    default-profile:\n      name: redis-seccomp\n");
        try (Cluster cluster = new Cluster(on("worker-a", "nginx1", NGINX))) {
            // no admission: no annotation, so the pod's own (absent) profile: the default profile, full-seccomp
            Run asWritten = cluster.explainWithInput(
                    redisDeployment, "-f", "-", "-o", "json", "--admission", "none", "-n", "default");
            assertThat(asWritten.exit()).as(asWritten.err()).isZero();
            JsonNode pod = asWritten.json().get("pod");
            assertThat(pod.get("from").asString()).isEqualTo("Deployment redis1");
            assertThat(pod.get("name").asString()).isEqualTo("redis1-<generated>");
            assertThat(pod.get("source").asString()).isEqualTo("missing");
            assertThat(pod.get("syscalls").asInt())
                    .isEqualTo(Harness.profileSet("full").cardinality());
            assertThat(asWritten.json().get("notes").toString()).contains("no exs.sysched.io/syscalls annotation");
        }
        try (Cluster cluster = new Cluster(on("worker-a", "nginx1", NGINX))) {

            // the extender's settings apply: another default profile, from its configuration file, then --set
            Run otherDefault = cluster.explainWithInput(
                    redisDeployment, "-f", "-", "-o", "json", "--admission", "none", "--config", settings.toString());
            assertThat(otherDefault.exit()).as(otherDefault.err()).isZero();
            assertThat(otherDefault.json().get("pod").get("syscalls").asInt()).isEqualTo(86);
            assertThat(otherDefault.exs("worker-a")).isEqualTo(26);
        }
        try (Cluster cluster = new Cluster(on("worker-a", "nginx1", NGINX))) {
            Run overridden = cluster.explainWithInput(
                    redisDeployment,
                    "-f",
                    "-",
                    "-o",
                    "json",
                    "--admission",
                    "none",
                    "--config",
                    settings.toString(),
                    "--set",
                    "sysched.scheduler.default-profile.name=nginx-seccomp");
            assertThat(overridden.json().get("pod").get("syscalls").asInt()).isEqualTo(98);
        }
        try (Cluster cluster = new Cluster()) {
            // a server-side dry run (the mock API server has no webhook: the pod comes back as it went)
            Path file = dir.resolve("redis1.yaml");
            Files.writeString(file, redisDeployment);
            Run dryRun = cluster.explain("-f", file.toString(), "-o", "json");
            assertThat(dryRun.exit()).as(dryRun.err()).isZero();
            assertThat(dryRun.json().get("pod").get("admission").asString()).isEqualTo("dry-run");
            assertThat(dryRun.json().get("pod").get("from").asString()).isEqualTo("Deployment redis1");
        }
    }

    @Test
    void badInputIsAClearErrorWithoutAStackTrace() throws IOException {
        try (Cluster cluster = new Cluster(on("worker-a", "nginx1", NGINX))) {
            cluster.explain("default/no-such-pod").failedCleanly("pod default/no-such-pod not found");
            cluster.explain("-f", dir.resolve("missing.yaml").toString())
                    .failedCleanly("cannot read " + dir.resolve("missing.yaml") + ": no such file");
            cluster.explainWithInput("kind: Deployment\n  spec: [unclosed", "-f", "-")
                    .failedCleanly("standard input: not valid YAML");
            cluster.explainWithInput("apiVersion: v1\nkind: Service\nmetadata: {name: web}\n", "-f", "-")
                    .failedCleanly("standard input holds no Pod and no workload with a pod template (only Service)");
            cluster.explain("default/nginx1", "--nodes", "worker-z").failedCleanly("no such node: worker-z");
            cluster.explain("default/nginx1", "--set", "sysched.scheduler.spo.scope=sideways")
                    .failedCleanly("invalid extender setting sysched.scheduler.spo.scope");
            cluster.explain("default/nginx1", "--context", "prod").failedCleanly("prod");
        }
        explain("default/nginx1", "--kubeconfig", dir.resolve("nope").toString())
                .failedCleanly("cannot read --kubeconfig");

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Path unreachable = kubeconfig("http://127.0.0.1:" + closedPort);
        explain("default/nginx1", "--kubeconfig", unreachable.toString())
                .failedCleanly("cannot reach the Kubernetes API at http://127.0.0.1:" + closedPort);

        Run usage = explain("--kubeconfig", unreachable.toString());
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("give a POD (NAMESPACE/NAME) or -f FILE");
        assertThat(explain("--output", "yaml", "x").exit()).isEqualTo(2);
    }
}
