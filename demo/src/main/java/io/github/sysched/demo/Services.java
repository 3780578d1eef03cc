package io.github.sysched.demo;

import io.github.sysched.scheduler.SchedulerApplication;
import io.github.sysched.webhook.WebhookApplication;
import io.github.sysched.webhook.tls.CertificateFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * The two real services, started in this JVM on loopback ports chosen by the OS: the webhook serving
 * HTTPS with a certificate issued by a CA generated for this run (as cert-manager would lay it out in a
 * Secret volume), and the scheduler extender on plain HTTP, learning placements from its pod informer.
 */
final class Services implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final ConfigurableApplicationContext webhook;
    private final ConfigurableApplicationContext scheduler;
    private final AdmissionClient admission;
    private final ExtenderClient extender;
    private final Path tlsDir;
    private final URI schedulerMetrics;

    private Services(
            ConfigurableApplicationContext webhook,
            ConfigurableApplicationContext scheduler,
            AdmissionClient admission,
            ExtenderClient extender,
            Path tlsDir,
            URI schedulerMetrics) {
        this.webhook = webhook;
        this.scheduler = scheduler;
        this.admission = admission;
        this.extender = extender;
        this.tlsDir = tlsDir;
        this.schedulerMetrics = schedulerMetrics;
    }

    /** A gauge the extender exports on its management port ({@code /actuator/prometheus}), e.g. sysched_cluster_exs. */
    double schedulerGauge(String name) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(schedulerMetrics).build(), HttpResponse.BodyHandlers.ofString());
        for (String line : response.body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new IllegalStateException("the extender does not export " + name);
    }

    /** Waits until the extender's pod informer counts {@code pods} pods (it learns placements from watches). */
    void awaitTrackedPods(int pods) throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        double tracked = -1;
        while (System.nanoTime() < deadline) {
            tracked = schedulerGauge("sysched_pods_tracked");
            if (tracked == pods) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the extender tracks " + tracked + " pods, expected " + pods);
    }

    /** The extender's {@code /actuator/prometheus} on its management port. */
    URI schedulerMetrics() {
        return schedulerMetrics;
    }

    AdmissionClient admission() {
        return admission;
    }

    ExtenderClient extender() {
        return extender;
    }

    static Services start(EmbeddedApiServer api, PrintStream log) throws Exception {
        // Both services build their fabric8 client from the standard system properties.
        System.setProperty("kubernetes.master", api.url());
        System.setProperty("kubernetes.trust.certificates", "true");
        System.setProperty("kubernetes.auth.tryKubeConfig", "false");
        System.setProperty("kubernetes.auth.tryServiceAccount", "false");
        System.setProperty("kubernetes.namespace", "default");
        System.setProperty("kubernetes.disable.autoConfig", "false");

        Path tlsDir = Files.createTempDirectory("sysched-demo-tls");
        CertificateFactory.Issued ca = CertificateFactory.certificateAuthority("sysched demo CA", Duration.ofDays(1));
        CertificateFactory.Issued serving =
                CertificateFactory.serving(ca, List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        Files.writeString(tlsDir.resolve("tls.crt"), serving.certificatePem());
        Files.writeString(tlsDir.resolve("tls.key"), serving.keyPem());
        Files.writeString(tlsDir.resolve("ca.crt"), ca.certificatePem());
        // the annotation key both services share (as the chart's Secret): the webhook signs, the extender verifies
        byte[] annotationKey = new byte[48];
        new java.security.SecureRandom().nextBytes(annotationKey);
        Files.write(tlsDir.resolve("current"), annotationKey);

        // Both services log to one file (they share logback in this JVM); the console is the demo's own story.
        Path serviceLog = Files.createTempFile("sysched-demo-services-", ".log");
        if (log != null) {
            log.println("[demo] service logs: " + serviceLog);
        }
        Map<String, Object> webhookProperties = new LinkedHashMap<>();
        webhookProperties.put("server.port", 0);
        webhookProperties.put("server.address", "127.0.0.1");
        webhookProperties.put("management.server.port", 0);
        webhookProperties.put("management.server.address", "127.0.0.1");
        webhookProperties.put("sysched.webhook.tls.mode", "files");
        webhookProperties.put("sysched.webhook.tls.dir", tlsDir.toString());
        webhookProperties.put("sysched.webhook.annotations.key-dir", tlsDir.toString());
        webhookProperties.put("logging.level.root", "WARN");
        webhookProperties.put("logging.file.name", serviceLog.toString());
        webhookProperties.put("logging.threshold.console", "OFF");
        webhookProperties.put("logging.level.io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", "ERROR");
        ConfigurableApplicationContext webhook = launch(WebhookApplication.class, webhookProperties);

        Map<String, Object> schedulerProperties = new LinkedHashMap<>();
        schedulerProperties.put("server.port", 0);
        schedulerProperties.put("server.address", "127.0.0.1");
        schedulerProperties.put("management.server.port", 0);
        schedulerProperties.put("management.server.address", "127.0.0.1");
        schedulerProperties.put("sysched.scheduler.annotations.key-dir", tlsDir.toString());
        schedulerProperties.put("logging.level.root", "WARN");
        schedulerProperties.put("logging.file.name", serviceLog.toString());
        schedulerProperties.put("logging.threshold.console", "OFF");
        schedulerProperties.put("logging.level.io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", "ERROR");
        ConfigurableApplicationContext scheduler;
        try {
            scheduler = launch(SchedulerApplication.class, schedulerProperties);
        } catch (RuntimeException e) {
            webhook.close();
            throw e;
        }

        int webhookPort = port(webhook, "local.server.port");
        int schedulerPort = port(scheduler, "local.server.port");
        awaitReady("webhook", port(webhook, "local.management.port"), log);
        awaitReady("scheduler extender", port(scheduler, "local.management.port"), log);
        if (log != null) {
            log.println("[demo] webhook: https://127.0.0.1:" + webhookPort + "/mutate; extender: http://127.0.0.1:"
                    + schedulerPort + "/{filter,prioritize}");
        }
        return new Services(
                webhook,
                scheduler,
                new AdmissionClient(URI.create("https://127.0.0.1:" + webhookPort + "/mutate"), trusting(ca)),
                new ExtenderClient(URI.create("http://127.0.0.1:" + schedulerPort)),
                tlsDir,
                URI.create("http://127.0.0.1:" + port(scheduler, "local.management.port") + "/actuator/prometheus"));
    }

    private static ConfigurableApplicationContext launch(Class<?> application, Map<String, Object> properties) {
        // As command-line arguments: they must win over the application's own application.yaml.
        String[] args = properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return new SpringApplicationBuilder(application)
                .resourceLoader(new DefaultResourceLoader(new AppClassLoader(application)))
                .run(args);
    }

    private static int port(ConfigurableApplicationContext context, String property) {
        String value = context.getEnvironment().getProperty(property);
        if (value == null) {
            throw new IllegalStateException(property + " is not set: did the server start?");
        }
        return Integer.parseInt(value);
    }

    private static void awaitReady(String name, int managementPort, PrintStream log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI readiness = URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness");
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response =
                        http.send(HttpRequest.newBuilder(readiness).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    if (log != null) {
                        log.println("[demo] " + name + " ready (informers synced)");
                    }
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " not ready after " + READY_TIMEOUT + ": " + last);
    }

    private static SSLContext trusting(CertificateFactory.Issued ca) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("demo-ca", ca.certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    @Override
    public void close() {
        try {
            scheduler.close();
        } finally {
            webhook.close();
            try (var files = Files.list(tlsDir)) {
                files.forEach(f -> f.toFile().delete());
                Files.deleteIfExists(tlsDir);
            } catch (IOException ignored) {
                // a temp directory left behind is harmless
            }
        }
    }
}
