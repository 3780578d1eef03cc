package io.github.sysched.webhook.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.github.sysched.spo.ProfileBindingV1Alpha1;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * WireMock standing in for the Kubernetes API server, serving list and watch of what the webhook's informers
 * read (SPO v1beta1 SeccompProfiles, v1alpha1 ProfileBindings, Namespaces, and Nodes, which the replica-spread
 * guard's {@code zones: auto} watches by default): the {@code default} namespace opted in with the SySched demo's
 * nginx and full-seccomp profiles and nginx binding, two nodes without zone labels. Each object is also served on
 * its own, as a real API server would, so that a webhook reading objects per request would work, and be seen
 * doing so. A watch stays open for {@link #WATCH_LENGTH}, then the client reconnects, as after a routine watch
 * expiry. Faults are stubs of higher priority laid over that: {@link #slow}, {@link #failing};
 * {@link #healthy} removes them.
 */
final class FakeApiServer implements AutoCloseable {

    static final String SECCOMP_PROFILES = "/apis/security-profiles-operator.x-k8s.io/v1beta1/seccompprofiles";
    static final String PROFILE_BINDINGS = "/apis/security-profiles-operator.x-k8s.io/v1alpha1/profilebindings";
    static final String NAMESPACES = "/api/v1/namespaces";
    static final String NODES = "/api/v1/nodes";
    static final List<String> COLLECTIONS = List.of(SECCOMP_PROFILES, PROFILE_BINDINGS, NAMESPACES, NODES);

    /** Longer than 2s: fabric8 takes a watch that closes sooner without an event for a stale resourceVersion. */
    static final Duration WATCH_LENGTH = Duration.ofMillis(2500);

    private static final String RESOURCE_VERSION = "100";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int HEALTHY = 5;
    private static final int FAULT = 1;

    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final WireMockServer server =
            new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    private final List<StubMapping> faults = new ArrayList<>();
    private final Set<UUID> slowStubs = ConcurrentHashMap.newKeySet();
    private final List<Route> routes = new ArrayList<>();
    private final Map<String, String> lists = new HashMap<>();
    private final Map<String, String> bookmarks = new HashMap<>();

    FakeApiServer() {
        server.start();
        SeccompProfileV1Beta1 nginx = load("/sysched-examples/nginx.profile.yaml", SeccompProfileV1Beta1.class);
        SeccompProfileV1Beta1 full = load("/sysched-examples/full.profile.yaml", SeccompProfileV1Beta1.class);
        ProfileBindingV1Alpha1 binding = load("/sysched-examples/nginx.binding.yaml", ProfileBindingV1Alpha1.class);
        var defaultNamespace = new NamespaceBuilder()
                .withNewMetadata()
                .withName("default")
                .addToLabels("kubernetes.io/metadata.name", "default")
                .addToLabels("spo.x-k8s.io/enable-binding", "true")
                .endMetadata()
                .build();
        serve(SECCOMP_PROFILES, "security-profiles-operator.x-k8s.io/v1beta1", "SeccompProfile", List.of(nginx, full));
        serve(PROFILE_BINDINGS, "security-profiles-operator.x-k8s.io/v1alpha1", "ProfileBinding", List.of(binding));
        serve(NAMESPACES, "v1", "Namespace", List.of(defaultNamespace));
        serve(
                NODES,
                "v1",
                "Node",
                List.of(
                        new NodeBuilder()
                                .withNewMetadata()
                                .withName("node-a")
                                .endMetadata()
                                .build(),
                        new NodeBuilder()
                                .withNewMetadata()
                                .withName("node-b")
                                .endMetadata()
                                .build()));
    }

    /**
     * A client as the webhook builds one, pointed here; watch reconnects start at 100ms (fabric8's default 1s
     * backs off to 32s, which would make recovery slow to observe) and failed requests are not retried by the
     * HTTP layer (the informers retry).
     */
    KubernetesClient client() {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(server.baseUrl())
                .withNamespace("sysched-system")
                .withWatchReconnectInterval(100)
                .withRequestRetryBackoffLimit(0)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** Every request answers after {@code delay}. */
    synchronized void slow(Duration delay) {
        healthy();
        for (Route route : routes) {
            slowStubs.add(fault(
                    route.request().get().willReturn(route.response().get().withFixedDelay((int) delay.toMillis()))));
        }
    }

    /** Requests that matched a {@link #slow} stub. */
    long requestsServedSlowly() {
        return requests().stream()
                .filter(e -> e.getStubMapping() != null
                        && slowStubs.contains(e.getStubMapping().getId()))
                .count();
    }

    /** Every request gets a 500. */
    synchronized void failing() {
        healthy();
        fault(
                any(anyUrl())
                        .willReturn(
                                aResponse()
                                        .withStatus(500)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                                                        + "\"message\":\"etcdserver: request timed out\",\"reason\":\"InternalError\",\"code\":500}")));
    }

    private UUID fault(MappingBuilder stub) {
        StubMapping mapping = server.stubFor(stub.atPriority(FAULT));
        faults.add(mapping);
        return mapping.getId();
    }

    synchronized void healthy() {
        faults.forEach(server::removeStub);
        faults.clear();
    }

    List<ServeEvent> requests() {
        return server.getAllServeEvents();
    }

    @Override
    public void close() {
        server.stop();
    }

    private void serve(String path, String apiVersion, String kind, List<? extends HasMetadata> items) {
        ObjectNode list = JSON.createObjectNode();
        list.put("apiVersion", apiVersion);
        list.put("kind", kind + "List");
        list.putObject("metadata").put("resourceVersion", RESOURCE_VERSION);
        ArrayNode array = list.putArray("items");
        int version = 1;
        for (HasMetadata item : items) {
            item.getMetadata().setResourceVersion(Integer.toString(version++));
            String json = serialization.asJson(item);
            array.add(JSON.readTree(json));
            route(
                    () -> get(urlPathEqualTo(objectPath(path, item))),
                    () -> aResponse()
                            .withStatus(200)
                            .withHeader("Content-Type", "application/json")
                            .withBody(json));
        }
        lists.put(path, list.toString());
        ObjectNode bookmark = JSON.createObjectNode();
        bookmark.put("type", "BOOKMARK");
        ObjectNode object = bookmark.putObject("object");
        object.put("apiVersion", apiVersion);
        object.put("kind", kind);
        object.putObject("metadata").put("resourceVersion", RESOURCE_VERSION);
        bookmarks.put(path, bookmark + "\n");
        route(() -> get(urlPathEqualTo(path)).withQueryParam("watch", absent()), () -> list(path));
        route(() -> get(urlPathEqualTo(path)).withQueryParam("watch", equalTo("true")), () -> watch(path));
    }

    /** What a healthy server answers to requests like {@code request}; a fault overrides it. */
    private record Route(Supplier<MappingBuilder> request, Supplier<ResponseDefinitionBuilder> response) {}

    private void route(Supplier<MappingBuilder> request, Supplier<ResponseDefinitionBuilder> response) {
        routes.add(new Route(request, response));
        server.stubFor(request.get().atPriority(HEALTHY).willReturn(response.get()));
    }

    /** Where a real API server serves one object of the collection at {@code path} (the webhook should not ask). */
    private static String objectPath(String path, HasMetadata item) {
        String namespace = item.getMetadata().getNamespace();
        if (namespace == null) {
            return path + "/" + item.getMetadata().getName();
        }
        int resource = path.lastIndexOf('/');
        return path.substring(0, resource) + "/namespaces/" + namespace + path.substring(resource) + "/"
                + item.getMetadata().getName();
    }

    private ResponseDefinitionBuilder list(String path) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(lists.get(path));
    }

    /** A bookmark dribbled over {@link #WATCH_LENGTH}, then the end of the watch. */
    private ResponseDefinitionBuilder watch(String path) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(bookmarks.get(path))
                .withChunkedDribbleDelay(10, (int) WATCH_LENGTH.toMillis());
    }

    private <T> T load(String resource, Class<T> type) {
        try (InputStream in = FakeApiServer.class.getResourceAsStream(resource)) {
            return serialization.unmarshal(in, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
