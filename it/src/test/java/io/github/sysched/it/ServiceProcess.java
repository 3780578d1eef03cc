package io.github.sysched.it;

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
 * One shipped exec jar running as its own JVM ({@code java -jar}), pointed at the loopback API server by
 * {@code KUBECONFIG}, its console output in {@code <name>.log}. Everything checked about it is checked from
 * outside: over HTTP(S) on its ports and through the API server.
 */
final class ServiceProcess implements AutoCloseable {

    /**
     * An upper bound only: an exec jar starts in about 10 s on an idle 2-core machine, but took over 3 minutes while
     * four builds shared those cores.
     */
    static final Duration START_TIMEOUT = Duration.ofMinutes(6);

    private final String name;
    private final Process process;
    private final Path log;
    private final int managementPort;

    private ServiceProcess(String name, Process process, Path log, int managementPort) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.managementPort = managementPort;
    }

    /** The exec jar a system property set by Failsafe names (see it/pom.xml). */
    static Path jar(String property) {
        String value = System.getProperty(property);
        if (value == null || !Files.isRegularFile(Path.of(value))) {
            throw new IllegalStateException("system property " + property + " must name a built exec jar (got " + value
                    + "); run the integration tests through Maven: ./mvnw verify");
        }
        return Path.of(value);
    }

    static ServiceProcess start(
            String name, Path jar, Path kubeconfig, Path workDir, int managementPort, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // small and quick to start: these JVMs share two cores with the build
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + workDir,
                "-jar",
                jar.toString(),
                "--management.server.port=" + managementPort,
                "--management.server.address=127.0.0.1"));
        command.addAll(arguments);
        Path log = workDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("KUBERNETES_") || k.startsWith("POD_"));
        env.put("KUBECONFIG", kubeconfig.toString());
        env.put("LOGGING_STRUCTURED_FORMAT_CONSOLE", "");
        try {
            return new ServiceProcess(name, builder.start(), log, managementPort);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls {@code /actuator/health/readiness} on the management port until it answers 200 UP. */
    String awaitReady() throws InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI readiness = URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(
                        name + " exited with " + process.exitValue() + " before it was ready:\n" + log());
            }
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(readiness)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                last = response.statusCode() + " " + response.body();
                if (response.statusCode() == 200 && response.body().contains("\"UP\"")) {
                    return response.body();
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new AssertionError(name + " not ready after " + START_TIMEOUT + " (last: " + last + "):\n" + log());
    }

    /**
     * {@code /actuator/prometheus} on the management port, asking for the OpenMetrics format (families declared
     * with their types, so series names map back to them).
     */
    OpenMetricsScrape scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + managementPort + "/actuator/prometheus"))
                                .header("Accept", "application/openmetrics-text;version=1.0.0")
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200
                || !response.headers()
                        .firstValue("Content-Type")
                        .orElse("")
                        .startsWith("application/openmetrics-text")) {
            throw new AssertionError(name + " /actuator/prometheus answered " + response.statusCode() + " "
                    + response.headers().firstValue("Content-Type").orElse("") + ":\n" + response.body());
        }
        return OpenMetricsScrape.parse(response.body());
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no output)";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
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
