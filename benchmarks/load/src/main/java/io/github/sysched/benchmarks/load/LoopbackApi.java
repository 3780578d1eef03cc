package io.github.sysched.benchmarks.load;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * A Kubernetes API on loopback for extender processes: fabric8's mock server in CRUD mode (lists, watches and
 * informers work), which also accepts every {@code pods/NAME/binding} (201), as a real API server does for a pending
 * pod. Objects can be stored in bulk without the per-create scan of the mock's create ({@link #store}); watchers are
 * notified as for a create.
 */
final class LoopbackApi implements AutoCloseable {

    /** Held: JUL keeps loggers weakly, and a collected logger forgets its level (then every request is logged). */
    private static final java.util.logging.Logger MOCK_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final BindingDispatcher dispatcher = new BindingDispatcher();
    private final KubernetesClient client;
    private final StoreLoader loader;

    LoopbackApi() {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        loader = new StoreLoader(dispatcher, client);
    }

    /** Accepts bindings (the CRUD dispatcher would answer 404 for the subresource). */
    private static final class BindingDispatcher extends KubernetesCrudDispatcher {
        BindingDispatcher() {
            super(List.of());
        }

        @Override
        public MockResponse handleCreate(RecordedRequest request) {
            if (request.getPath().endsWith("/binding")) {
                return new MockResponse()
                        .setResponseCode(201)
                        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\",\"code\":201}");
            }
            return super.handleCreate(request);
        }
    }

    /** Stores {@code object} under {@code collectionPath}, e.g. {@code /api/v1/namespaces/default/pods}. */
    void store(String collectionPath, HasMetadata object) {
        loader.create(collectionPath, object);
    }

    /** A kubeconfig for a child process: this server, a token, no TLS verification (loopback only). */
    Path writeKubeconfig(Path file) {
        String url = server.url("/").replaceAll("/+$", "");
        try {
            Files.writeString(file, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                      - name: loopback
                        cluster:
                          server: %s
                          insecure-skip-tls-verify: true
                    users:
                      - name: loopback
                        user:
                          token: loopback-benchmark-token
                    contexts:
                      - name: loopback
                        context:
                          cluster: loopback
                          user: loopback
                          namespace: default
                    current-context: loopback
                    """.formatted(url));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
