package io.github.sysched.scheduler.extender;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.annotation.SyscallAnnotation;
import io.github.sysched.kube.boot.ReadinessContributor;
import io.github.sysched.profile.RuntimeDefaultProfile;
import io.github.sysched.scheduler.extender.ExtenderMetrics.Verb;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.scoring.NodeSnapshot;
import jakarta.servlet.http.HttpServletRequest;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms the request path before readiness turns UP (a {@link ReadinessContributor}: {@link #onSynced} runs once, when
 * the pod informer has synced and before the first UP), so that class loading and the JIT do not land on
 * kube-scheduler's first calls (before this, the first {@code /filter} after a start took 0.31–1.32 s, against the
 * chart's 2 s {@code httpTimeout}):
 * <ol>
 *   <li>in-process, {@value #IN_PROCESS_CALLS} filter and prioritize calls (at most {@link #IN_PROCESS_BUDGET}) through
 *       the servlet's own decode, decide and encode code, with a pod as kube-scheduler sends it and
 *       {@value #NODES} node names (the nodes the state knows, padded with made-up names);</li>
 *   <li>over the extender's own port, the same requests through Tomcat (and TLS, when the port has it) on one
 *       keep-alive connection, at most {@value #PORT_REQUESTS} (and {@link #PORT_BUDGET}). With client
 *       certificates required, the warm-up presents the extender's own certificate, which therefore needs the
 *       {@code clientAuth} usage besides {@code serverAuth} (the chart issues it so); without it the handshake is
 *       refused and only the in-process part counts (logged).</li>
 * </ol>
 * Its requests carry a header with a token of this process, so they are neither in the request metrics nor counted
 * as cold; every other request answered before the warm-up has finished is ({@code sysched.extender.requests.cold}).
 * A failing warm-up is logged and does not keep the extender from turning ready.
 */
public final class ExtenderWarmUp implements ReadinessContributor {

    static final String HEADER = "X-Sysched-Warm-Up";
    static final int IN_PROCESS_CALLS = 3_000;
    static final Duration IN_PROCESS_BUDGET = Duration.ofMillis(1_000);
    static final int PORT_REQUESTS = 400;
    static final Duration PORT_BUDGET = Duration.ofMillis(600);
    static final int NODES = 230;

    private static final Logger log = LoggerFactory.getLogger(ExtenderWarmUp.class);

    /** Where the extender's port is, and the TLS context to reach it with (null: plain HTTP). */
    record Port(InetAddress address, IntSupplier port, Supplier<SSLContext> tls) {}

    private final String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    private final ExsEngine engine;
    private final KubernetesSerialization serialization;
    private final Port port;
    private volatile ExtenderServlet servlet;
    private volatile boolean warm;
    private volatile Map<String, Object> details = Map.of();

    ExtenderWarmUp(ExsEngine engine, KubernetesSerialization serialization, Port port) {
        this.engine = engine;
        this.serialization = serialization;
        this.port = port;
    }

    void use(ExtenderServlet servlet) {
        this.servlet = servlet;
    }

    /** Whether the warm-up has run (requests answered before that are counted as cold). */
    boolean warm() {
        return warm;
    }

    boolean isWarmUpRequest(HttpServletRequest request) {
        return !warm && token.equals(request.getHeader(HEADER));
    }

    @Override
    public Map<String, Object> details() {
        return details;
    }

    @Override
    public void onSynced() {
        long started = System.nanoTime();
        Map<String, Object> done = new LinkedHashMap<>();
        try {
            List<byte[]> requests = requests();
            done.put("warmUpCalls", inProcess(requests));
            done.put("warmUpRequests", overThePort(requests));
        } catch (RuntimeException e) {
            log.warn("warm-up of the request path failed; the first requests may be slow: {}", e.toString());
            done.put("warmUpFailure", e.toString());
        } finally {
            done.put("warmUpMillis", (System.nanoTime() - started) / 1_000_000);
            details = Map.copyOf(done);
            warm = true;
        }
        log.info("request path warmed up: {}", done);
    }

    /** The filter and prioritize bodies: an unclassed and an IPP-classed pod, as kube-scheduler sends them. */
    private List<byte[]> requests() {
        List<String> nodes = new ArrayList<>(NODES);
        for (NodeSnapshot node : engine.nodes()) {
            if (nodes.size() == NODES) {
                break;
            }
            nodes.add(node.nodeName());
        }
        for (int i = 0; nodes.size() < NODES; i++) {
            nodes.add("sysched-warm-up-node-" + i);
        }
        List<byte[]> bodies = new ArrayList<>(2);
        for (Pod pod : List.of(pod("warm-up-0", null), pod("warm-up-1", "sysched-warm-up"))) {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("Pod", pod);
            args.put("Nodes", null);
            args.put("NodeNames", nodes);
            bodies.add(serialization.asJson(args).getBytes(StandardCharsets.UTF_8));
        }
        return bodies;
    }

    private static Pod pod(String name, String ippClass) {
        PodBuilder pod = new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("sysched-warm-up")
                .withUid("00000000-0000-0000-0000-00000000000" + name.charAt(name.length() - 1))
                .addToLabels("app", name)
                .addToAnnotations(
                        PlacementAnnotations.SYSCALLS,
                        new SyscallAnnotation(RuntimeDefaultProfile.syscalls(), List.of("RuntimeDefault")).encode())
                .addNewOwnerReference()
                .withApiVersion("apps/v1")
                .withKind("ReplicaSet")
                .withName(name)
                .withUid("00000000-0000-0000-0000-0000000000ff")
                .withController(true)
                .endOwnerReference()
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(name)
                .withImage("registry.example/" + name + ":1")
                .withNewSecurityContext()
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .endContainer()
                .withSchedulerName("sysched-scheduler")
                .endSpec()
                .withNewStatus()
                .withPhase("Pending")
                .endStatus();
        if (ippClass != null) {
            pod.editMetadata()
                    .addToAnnotations(PlacementAnnotations.IPP_CLASS, ippClass)
                    .endMetadata();
        }
        return pod.build();
    }

    private int inProcess(List<byte[]> requests) {
        long deadline = System.nanoTime() + IN_PROCESS_BUDGET.toNanos();
        int calls = 0;
        while (calls < IN_PROCESS_CALLS && System.nanoTime() < deadline) {
            byte[] body = requests.get(calls / 2 % requests.size());
            servlet.answer(calls % 2 == 0 ? Verb.FILTER : Verb.PRIORITIZE, body, new ExtenderAnswer(4 * 1024));
            calls++;
        }
        return calls;
    }

    private int overThePort(List<byte[]> requests) {
        long deadline = System.nanoTime() + PORT_BUDGET.toNanos();
        int sent = 0;
        try (Connection connection = new Connection(port, token)) {
            // at least one request however slow the machine (its first one is what loads the TLS and HTTP classes);
            // the socket's timeout bounds it
            while (sent < PORT_REQUESTS && (sent == 0 || System.nanoTime() < deadline)) {
                byte[] body = requests.get(sent / 2 % requests.size());
                int status = connection.post(sent % 2 == 0 ? "/filter" : "/prioritize", body);
                if (status != 200) {
                    throw new IOException("the extender answered a warm-up request with HTTP " + status);
                }
                sent++;
            }
        } catch (IOException e) {
            log.info("warm-up over the extender's port stopped after {} requests: {}", sent, e.toString());
        }
        return sent;
    }

    /** One keep-alive HTTP/1.1 connection to the extender's own port, plain or TLS, blocking. */
    private static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final String token;

        Connection(Port port, String token) throws IOException {
            this.token = token;
            InetAddress address = port.address() == null || port.address().isAnyLocalAddress()
                    ? InetAddress.getLoopbackAddress()
                    : port.address();
            Socket raw = new Socket();
            raw.setTcpNoDelay(true);
            raw.connect(new InetSocketAddress(address, port.port().getAsInt()), 2_000);
            raw.setSoTimeout(5_000);
            if (port.tls() != null) {
                // our own certificate: its name is the Service's, not the loopback address; its chain is checked
                SSLSocket tls = (SSLSocket) port.tls()
                        .get()
                        .getSocketFactory()
                        .createSocket(raw, address.getHostAddress(), raw.getPort(), true);
                tls.startHandshake();
                socket = tls;
            } else {
                socket = raw;
            }
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        }

        int post(String path, byte[] body) throws IOException {
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + HEADER
                            + ": " + token + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String status = line();
            long length = -1;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(
                            lower.substring("content-length:".length()).trim());
                }
            }
            if (length < 0) {
                throw new IOException("answer without Content-Length");
            }
            in.skipNBytes(length);
            return Integer.parseInt(status.substring(9, 12));
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new EOFException("connection closed by the extender");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
