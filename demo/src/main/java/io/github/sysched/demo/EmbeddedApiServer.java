package io.github.sysched.demo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.github.sysched.testsupport.TestNamespaces;
import io.github.sysched.testsupport.TestNodes;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-process Kubernetes API: fabric8's mock server in CRUD mode, so objects persist, watches fire and
 * the services' informers work exactly as against a real API server (on loopback only). Public for the load
 * benchmarks, which also need an API nobody watches; the demo's cluster comes with {@link DemoHarness}.
 */
public final class EmbeddedApiServer implements AutoCloseable {

    /** Held, not looked up: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesCrudDispatcher store;
    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Map<String, CustomResourceDefinition> crds = new HashMap<>();

    public EmbeddedApiServer() {
        // The mock server logs every request through java.util.logging; the demo prints its own story.
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        // SPO's v1beta1/v1alpha1 are what the demo manifests use; fabric8's "unstable version" notice is noise here.
        quietUntilError("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils");
        // vert.x (the mock server's and the client's HTTP) warns when a slow machine stalls an event loop for 2 s.
        quietUntilError("io.vertx.core.impl.BlockedThreadChecker");
        store = new KubernetesCrudDispatcher(List.of());
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), store, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
    }

    private static void quietUntilError(String loggerName) {
        if (org.slf4j.LoggerFactory.getLogger(loggerName) instanceof ch.qos.logback.classic.Logger logger) {
            logger.setLevel(ch.qos.logback.classic.Level.ERROR);
        }
    }

    public KubernetesClient client() {
        return client;
    }

    /**
     * The CRUD store behind the API. Each create through the API scans every stored object for a name clash,
     * so loading a large cluster (the benchmarks' 150,000 pods) goes through the store directly.
     */
    public KubernetesCrudDispatcher store() {
        return store;
    }

    /** The URL a kubeconfig would name as the server. */
    String url() {
        return client.getConfiguration().getMasterUrl();
    }

    void installCustomResourceDefinition(InputStream yaml) {
        CustomResourceDefinition crd =
                client.getKubernetesSerialization().unmarshal(yaml, CustomResourceDefinition.class);
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        crds.put(crd.getSpec().getGroup() + "/" + crd.getSpec().getNames().getKind(), crd);
    }

    /** Creates a namespace, or adds labels to an existing one (as {@code kubectl apply} would). */
    void applyNamespace(Namespace namespace) {
        Namespace existing =
                client.namespaces().withName(namespace.getMetadata().getName()).get();
        if (existing == null) {
            client.namespaces().resource(namespace).create();
            return;
        }
        Map<String, String> labels = new HashMap<>();
        if (existing.getMetadata().getLabels() != null) {
            labels.putAll(existing.getMetadata().getLabels());
        }
        if (namespace.getMetadata().getLabels() != null) {
            labels.putAll(namespace.getMetadata().getLabels());
        }
        client.namespaces()
                .resource(new NamespaceBuilder(existing)
                        .editMetadata()
                        .withLabels(labels)
                        .endMetadata()
                        .build())
                .update();
    }

    void ensureNamespace(String name) {
        if (client.namespaces().withName(name).get() == null) {
            client.namespaces().resource(TestNamespaces.named(name)).create();
        }
    }

    /**
     * Creates a custom resource of an installed CRD, as {@code kubectl apply} would: the CRD's scope decides
     * the path, and a namespace in the manifest of a cluster-scoped object is ignored.
     */
    void create(GenericKubernetesResource resource) {
        String apiVersion = resource.getApiVersion();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        CustomResourceDefinition crd = crds.get(group + "/" + resource.getKind());
        if (crd == null) {
            throw new IllegalArgumentException(
                    "no CustomResourceDefinition installed for " + apiVersion + " " + resource.getKind());
        }
        boolean namespaced = "Namespaced".equals(crd.getSpec().getScope());
        ResourceDefinitionContext context = new ResourceDefinitionContext.Builder()
                .withGroup(group)
                .withVersion(version)
                .withKind(resource.getKind())
                .withPlural(crd.getSpec().getNames().getPlural())
                .withNamespaced(namespaced)
                .build();
        if (namespaced) {
            String namespace = resource.getMetadata().getNamespace();
            client.genericKubernetesResources(context)
                    .inNamespace(namespace == null || namespace.isEmpty() ? "default" : namespace)
                    .resource(resource)
                    .create();
        } else {
            resource.getMetadata().setNamespace(null);
            client.genericKubernetesResources(context).resource(resource).create();
        }
    }

    void createNode(String name) {
        client.nodes().resource(TestNodes.ready(name)).create();
    }

    <T extends HasMetadata> T createObject(T object) {
        return client.resource(object).create();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
