package io.github.sysched.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.testsupport.TestCertificates;
import io.github.sysched.testsupport.TestCertificates.Issued;
import java.io.IOException;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The extender port with mutual TLS, configured as the chart configures it (a PEM SSL bundle over a Secret-volume
 * directory, {@code server.ssl.client-auth=need}), with real handshakes on loopback: kube-scheduler's client
 * certificate gets answers; a client without a certificate, or with one from another CA, gets nothing (the handshake
 * is refused, no verb runs); the management port stays plain HTTP; a rotated certificate and trust bundle are served
 * without a restart; the warm-up goes through the TLS port with the extender's own certificate.
 */
class ExtenderTlsTest {

    @TempDir
    static Path secrets;

    static Path volume;
    static KubernetesMockServer server;
    static KubernetesClient client;
    static Harness harness;
    static Issued ca;
    static Issued otherCa;
    static Issued kubeScheduler;

    @BeforeAll
    static void start() throws IOException {
        ca = TestCertificates.authority("sysched test CA");
        otherCa = TestCertificates.authority("another CA");
        kubeScheduler = TestCertificates.client(ca, "sysched-kube-scheduler");
        volume = secrets.resolve("extender-tls");
        mountSecret(TestCertificates.server(ca, "sysched-scheduler", true), ca);
        server = Harness.newServer();
        client = server.createClient();
        harness = Harness.start(
                client,
                "spring.ssl.bundle.pem.extender.reload-on-update=true",
                "spring.ssl.bundle.pem.extender.keystore.certificate=file:" + volume + "/tls.crt",
                "spring.ssl.bundle.pem.extender.keystore.private-key=file:" + volume + "/tls.key",
                "spring.ssl.bundle.pem.extender.truststore.certificate=file:" + volume + "/ca.crt",
                "spring.ssl.bundle.watch.file.quiet-period=200ms",
                "server.ssl.bundle=extender",
                "server.ssl.client-auth=need");
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
        client.close();
        server.destroy();
    }

    /**
     * Writes the Secret volume as the kubelet does: the files are symlinks into a {@code ..data} directory whose
     * link is swapped atomically on every update.
     */
    static void mountSecret(Issued leaf, Issued... trusted) throws IOException {
        Files.createDirectories(volume);
        Path version =
                TestCertificates.writeSecretVolume(Files.createTempDirectory(volume, "..version-"), leaf, trusted);
        Path link = volume.resolve("..data_tmp");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, version.getFileName());
        Files.move(link, volume.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        for (String file : List.of("tls.crt", "tls.key", "ca.crt")) {
            Path target = volume.resolve(file);
            if (!Files.isSymbolicLink(target)) {
                Files.createSymbolicLink(target, Path.of("..data", file));
            }
        }
    }

    static SSLContext tls(Issued identity, Issued... trusted) {
        return TestCertificates.sslContext(identity, trusted);
    }

    static HttpResponse<String> post(SSLContext tls, String path, String body)
            throws IOException, InterruptedException {
        // a new client per call: a new connection, so each call makes its own handshake
        HttpClient http = HttpClient.newBuilder()
                .sslContext(tls)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        return http.send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + harness.port() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String args() {
        return Harness.argsWithNodeNames(
                Harness.pod("web", SyscallSet.of("read", "write")), List.of("node-a", "node-b"));
    }

    static double requestsCounted() {
        String metrics = harness.getManagement("/actuator/prometheus").body();
        return metrics.lines()
                .filter(l ->
                        l.startsWith("sysched_extender_requests_seconds_count{") && l.contains("verb=\"prioritize\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void kubeSchedulersClientCertificateGetsAnswers() throws Exception {
        HttpResponse<String> prioritize = post(tls(kubeScheduler, ca), "/prioritize", args());
        HttpResponse<String> filter = post(tls(kubeScheduler, ca), "/filter", args());

        assertThat(prioritize.statusCode()).as(prioritize.body()).isEqualTo(200);
        assertThat(prioritize.body())
                .isEqualTo("[{\"Host\":\"node-a\",\"Score\":10},{\"Host\":\"node-b\",\"Score\":10}]");
        assertThat(filter.statusCode()).isEqualTo(200);
        assertThat(Harness.JSON.readTree(filter.body()).get("NodeNames").size()).isEqualTo(2);
    }

    @Test
    void aClientWithoutACertificateGetsNothing() throws Exception {
        double before = requestsCounted();

        assertThatThrownBy(() -> post(tls(null, ca), "/prioritize", args())).isInstanceOf(IOException.class);
        assertThat(rawExchange(tls(null, ca))).doesNotContain("HTTP/1.1");
        assertThat(requestsCounted()).isEqualTo(before);
    }

    @Test
    void aClientCertificateFromAnotherCaGetsNothing() throws Exception {
        Issued stranger = TestCertificates.client(otherCa, "sysched-kube-scheduler");
        double before = requestsCounted();

        assertThatThrownBy(() -> post(tls(stranger, ca), "/prioritize", args())).isInstanceOf(IOException.class);
        assertThat(rawExchange(tls(stranger, ca))).doesNotContain("HTTP/1.1");
        assertThat(requestsCounted()).isEqualTo(before);
    }

    @Test
    void plainHttpOnTheExtenderPortReachesNoVerb() throws Exception {
        double before = requestsCounted();

        HttpResponse<String> plain = harness.post("/prioritize", args());

        assertThat(plain.statusCode()).isEqualTo(400); // Tomcat's own answer: this port requires TLS
        assertThat(plain.body()).doesNotContain("Host");
        assertThat(requestsCounted()).isEqualTo(before);
    }

    @Test
    void managementStaysPlainHttpAndTheWarmUpWentThroughTls() {
        HttpResponse<String> readiness = harness.getManagement("/actuator/health/readiness");

        assertThat(readiness.statusCode()).isEqualTo(200);
        JsonNode details = Harness.JSON
                .readTree(readiness.body())
                .get("components")
                .get("informers")
                .get("details");
        assertThat(details.get("warmUpRequests").asInt()).as(readiness.body()).isPositive();
        assertThat(details.has("warmUpFailure")).isFalse();
    }

    @Test
    void rotatedCertificateAndTrustAreServedWithoutARestart() throws Exception {
        Issued rotated = TestCertificates.server(ca, "sysched-scheduler", true);
        Issued strangerBefore = TestCertificates.client(otherCa, "sysched-kube-scheduler");
        try {
            // the new serving certificate, and a trust bundle that now also holds the other CA
            mountSecret(rotated, ca, otherCa);
            BigInteger expected = rotated.certificate().getSerialNumber();
            Harness.awaitCondition(
                    "the rotated certificate is served",
                    () -> expected.equals(
                            servedCertificate(tls(kubeScheduler, ca)).getSerialNumber()));
            Harness.awaitCondition("a client of the newly trusted CA is accepted", () -> {
                try {
                    return post(tls(strangerBefore, ca), "/prioritize", args()).statusCode() == 200;
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
            assertThat(post(tls(kubeScheduler, ca), "/prioritize", args()).statusCode())
                    .isEqualTo(200);
        } finally {
            mountSecret(TestCertificates.server(ca, "sysched-scheduler", true), ca);
            Harness.awaitCondition("the other CA is no longer trusted", () -> {
                try {
                    post(tls(strangerBefore, ca), "/prioritize", args());
                    return false;
                } catch (IOException | InterruptedException e) {
                    return true;
                }
            });
        }
    }

    /** The certificate the extender presents in a fresh handshake. */
    static X509Certificate servedCertificate(SSLContext tls) {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", harness.port())) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A request written right after a handshake whose client side completes (TLS 1.3 lets the client finish before
     * the server has checked its certificate): what comes back, if anything, before the connection ends.
     */
    static String rawExchange(SSLContext tls) {
        StringBuilder received = new StringBuilder();
        try (Socket socket = tls.getSocketFactory().createSocket("127.0.0.1", harness.port())) {
            socket.setSoTimeout(5_000);
            byte[] body = args().getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream()
                    .write(("POST /prioritize HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            byte[] buffer = new byte[4096];
            for (int n = socket.getInputStream().read(buffer);
                    n > 0;
                    n = socket.getInputStream().read(buffer)) {
                received.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            received.append("[").append(e.getClass().getSimpleName()).append("]");
        }
        return received.toString();
    }
}
