package io.github.sysched.benchmarks.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler exec jar running as its own JVM ({@code java -jar}), as in a pod: its own heap, GC and JIT, pointed at
 * the loopback API by {@code KUBECONFIG}, its output in {@code <name>.log}. The load generator measures it from
 * outside, over its extender port, and reads its metrics and CPU time.
 */
final class ExtenderProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    final String name;
    final int port;
    final int managementPort;
    final boolean tls;
    private final Process process;
    private final Path log;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ExtenderProcess(String name, int port, int managementPort, boolean tls, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.managementPort = managementPort;
        this.tls = tls;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code jar} with the chart's JVM settings for a 512 MiB container, on free loopback ports, with
     * {@code bind.enabled} and, if {@code tlsDir} is not null, mutual TLS from that Secret-volume directory as the
     * chart configures it; {@code jvmOptions} are added before {@code -jar}, and with {@code cpus} (a {@code taskset}
     * CPU list; null: any) the JVM runs on those CPUs only.
     */
    static ExtenderProcess start(
            String name, Path jar, Path kubeconfig, Path workDir, Path tlsDir, List<String> jvmOptions, String cpus) {
        int port = freePort();
        int managementPort = freePort();
        List<String> command = new ArrayList<>();
        if (cpus != null) {
            command.addAll(List.of("taskset", "-c", cpus));
        }
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.io.tmpdir=" + workDir));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-jar",
                jar.toAbsolutePath().toString(),
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--management.server.port=" + managementPort,
                "--management.server.address=127.0.0.1",
                "--sysched.scheduler.spo.scope=cluster",
                "--sysched.scheduler.informer.profile-wait=1s",
                "--sysched.scheduler.bind.enabled=true",
                // B7's stored pods carry annotations no webhook signed; measure scoring them, as before signing
                "--sysched.scheduler.annotations.trust=any",
                // B7 never binds its pods (nothing would settle them) but models one pod at a time, where every
                // earlier pod is counted before the next: without this each request would wait out max-wait for the
                // previous one. The waits of a burst are a separate cost, measured in docs/SCHEDULING.md.
                "--sysched.scheduler.in-flight.max-wait=0",
                "--logging.level.root=WARN"));
        if (tlsDir != null) {
            command.addAll(List.of(
                    "--spring.ssl.bundle.pem.extender.reload-on-update=true",
                    "--spring.ssl.bundle.pem.extender.keystore.certificate=file:" + tlsDir.resolve("tls.crt"),
                    "--spring.ssl.bundle.pem.extender.keystore.private-key=file:" + tlsDir.resolve("tls.key"),
                    "--spring.ssl.bundle.pem.extender.truststore.certificate=file:" + tlsDir.resolve("ca.crt"),
                    "--server.ssl.bundle=extender",
                    "--server.ssl.client-auth=need"));
        }
        Path log = workDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet()
                .removeIf(k -> k.startsWith("KUBERNETES_") || k.startsWith("POD_") || k.equals("JAVA_TOOL_OPTIONS"));
        env.put("KUBECONFIG", kubeconfig.toString());
        env.put("LOGGING_STRUCTURED_FORMAT_CONSOLE", "");
        try {
            return new ExtenderProcess(name, port, managementPort, tlsDir != null, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    URI base() {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port);
    }

    /** Polls readiness until UP (the extender's own warm-up, if it has one, has run by then). */
    void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpResponse<String> response = get("/actuator/health/readiness");
                last = response.statusCode() + " " + response.body();
                if (response.statusCode() == 200 && response.body().contains("\"UP\"")) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " not ready after " + START_TIMEOUT + " (last: " + last + ")");
    }

    /** The value of a gauge or counter on {@code /actuator/prometheus} (summed over its label sets); NaN if absent. */
    double metric(String name) throws IOException, InterruptedException {
        double sum = Double.NaN;
        for (String line : get("/actuator/prometheus").body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                sum = Double.isNaN(sum) ? value : sum + value;
            }
        }
        return sum;
    }

    /** CPU time the process has used so far (all its threads), in nanoseconds. */
    long cpuNanos() {
        return process.toHandle()
                .info()
                .totalCpuDuration()
                .map(Duration::toNanos)
                .orElse(-1L);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no output)";
        } catch (IOException e) {
            return "(cannot read " + log + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
