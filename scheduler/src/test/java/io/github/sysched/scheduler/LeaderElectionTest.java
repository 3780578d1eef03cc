package io.github.sysched.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.scheduler.leader.Leadership;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.testsupport.TestCertificates;
import io.github.sysched.testsupport.TestCertificates.Issued;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Two extender replicas against one API server: exactly one leads and answers, the Service's EndpointSlice points at
 * it, the other refuses and closes the connection; when the leader stops, the other takes over. A leader serving
 * TLS names the slice's extender port {@code https}, as the chart names the Service's.
 */
class LeaderElectionTest {

    static String[] replica(String identity) {
        return new String[] {
            "sysched.scheduler.leader-election.enabled=true",
            "sysched.scheduler.leader-election.identity=" + identity,
            "sysched.scheduler.leader-election.namespace=sysched-system",
            "sysched.scheduler.leader-election.lease-name=sysched-scheduler",
            "sysched.scheduler.leader-election.lease-duration=3s",
            "sysched.scheduler.leader-election.renew-deadline=2s",
            "sysched.scheduler.leader-election.retry-period=300ms",
            "sysched.scheduler.leader-election.service-name=sysched-scheduler",
            "sysched.scheduler.leader-election.address=127.0.0.1",
            "sysched.scheduler.bind.enabled=true"
        };
    }

    static boolean leads(Harness harness) {
        return harness.bean(Leadership.class).leading();
    }

    static EndpointSlice slice(KubernetesClient client) {
        return client.discovery()
                .v1()
                .endpointSlices()
                .inNamespace("sysched-system")
                .withName("sysched-scheduler-leader")
                .get();
    }

    static int slicePort(KubernetesClient client) {
        EndpointSlice slice = slice(client);
        return slice == null
                ? -1
                : slice.getPorts().stream()
                        .filter(p -> "http".equals(p.getName()))
                        .findFirst()
                        .orElseThrow()
                        .getPort();
    }

    @Test
    void oneReplicaAnswersAndAStandbyTakesOver() throws Exception {
        KubernetesMockServer server = Harness.newServer();
        KubernetesClient client = server.createClient();
        Harness a = Harness.start(client, replica("replica-a"));
        Harness b = Harness.start(client, replica("replica-b"));
        try {
            Harness.awaitCondition("a leader", () -> leads(a) || leads(b));
            Harness leader = leads(a) ? a : b;
            Harness follower = leader == a ? b : a;
            assertThat(leads(follower)).isFalse();
            Harness.awaitCondition("the Service points at the leader", () -> slicePort(client) == leader.port());
            EndpointSlice slice = slice(client);
            assertThat(slice.getMetadata().getLabels())
                    .containsEntry("kubernetes.io/service-name", "sysched-scheduler");
            assertThat(slice.getEndpoints())
                    .singleElement()
                    .satisfies(e -> assertThat(e.getAddresses()).containsExactly("127.0.0.1"));
            assertThat(slice.getPorts()).anySatisfy(p -> {
                assertThat(p.getName()).isEqualTo("metrics");
                assertThat(p.getPort()).isEqualTo(leader.managementPort());
            });

            Pod pod = leader.create(Harness.pod("web", SyscallSet.of("read")));
            String request = Harness.argsWithNodeNames(pod, List.of("n1", "n2"));
            assertThat(leader.postJson("/filter", request).get("NodeNames")).hasSize(2);

            // as kube-scheduler's Go client: HTTP/1.1 with keep-alive
            HttpResponse<String> refused = java.net.http.HttpClient.newBuilder()
                    .version(java.net.http.HttpClient.Version.HTTP_1_1)
                    .build()
                    .send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create("http://127.0.0.1:" + follower.port() + "/filter"))
                                    .header("Content-Type", "application/json")
                                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(request))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(200);
            assertThat(Harness.JSON.readTree(refused.body()).get("Error").asString())
                    .contains("not the leader");
            assertThat(refused.headers().firstValue("connection")).contains("close");
            assertThat(follower.postJson("/prioritize", request))
                    .allSatisfy(p -> assertThat(p.get("Score").asInt()).isZero());
            JsonNode bind = follower.postJson(
                    "/bind",
                    "{\"PodName\":\"web\",\"PodNamespace\":\"default\",\"PodUID\":\""
                            + pod.getMetadata().getUid() + "\",\"Node\":\"n1\"}");
            assertThat(bind.get("Error").asString()).contains("not the leader");
            assertThat(client.pods()
                            .inNamespace("default")
                            .withName("web")
                            .get()
                            .getSpec()
                            .getNodeName())
                    .isNull();

            // both replicas are ready (rollouts and disruption budgets work as usual); readiness says who leads
            for (Harness replica : List.of(leader, follower)) {
                JsonNode readiness = Harness.JSON.readTree(
                        replica.getManagement("/actuator/health/readiness").body());
                assertThat(readiness.get("status").asString()).isEqualTo("UP");
                assertThat(readiness
                                .get("components")
                                .get("informers")
                                .get("details")
                                .get("leader")
                                .asBoolean())
                        .isEqualTo(replica == leader);
            }

            leader.close(); // releases the Lease
            Harness.awaitCondition("the standby leads", () -> leads(follower));
            Harness.awaitCondition("the Service points at the new leader", () -> slicePort(client) == follower.port());
            assertThat(follower.postJson("/filter", request).get("NodeNames")).hasSize(2);
        } finally {
            a.close();
            b.close();
            client.close();
            server.destroy();
        }
    }

    /**
     * With the extender's TLS (the chart's default) the Service's extender port is named {@code https}; an
     * EndpointSlice port of another name would leave the Service with no endpoint for it (kube-scheduler's calls would
     * go nowhere).
     */
    @Test
    void aLeaderServingTlsPublishesItsPortAsHttps(@TempDir Path volume) {
        Issued ca = TestCertificates.authority("sysched test CA");
        TestCertificates.writeSecretVolume(volume, TestCertificates.server(ca, "sysched-scheduler", true), ca);
        List<String> properties = new ArrayList<>(List.of(replica("replica-tls")));
        properties.addAll(List.of(
                "spring.ssl.bundle.pem.extender.keystore.certificate=file:" + volume.resolve("tls.crt"),
                "spring.ssl.bundle.pem.extender.keystore.private-key=file:" + volume.resolve("tls.key"),
                "spring.ssl.bundle.pem.extender.truststore.certificate=file:" + volume.resolve("ca.crt"),
                "server.ssl.bundle=extender",
                "server.ssl.client-auth=need"));
        KubernetesMockServer server = Harness.newServer();
        KubernetesClient client = server.createClient();
        Harness leader = Harness.start(client, properties.toArray(String[]::new));
        try {
            Harness.awaitCondition("the leader's EndpointSlice", () -> slice(client) != null);
            EndpointSlice slice = slice(client);
            assertThat(slice.getPorts())
                    .extracting(EndpointPort::getName)
                    .containsExactlyInAnyOrder("https", "metrics");
            assertThat(slice.getPorts())
                    .filteredOn(p -> "https".equals(p.getName()))
                    .singleElement()
                    .satisfies(p -> {
                        assertThat(p.getPort()).isEqualTo(leader.port());
                        assertThat(p.getProtocol()).isEqualTo("TCP");
                    });
            assertThat(slice.getEndpoints())
                    .singleElement()
                    .satisfies(e -> assertThat(e.getAddresses()).containsExactly("127.0.0.1"));
        } finally {
            leader.close();
            client.close();
            server.destroy();
        }
    }
}
