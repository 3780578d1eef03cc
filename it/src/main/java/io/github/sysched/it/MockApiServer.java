package io.github.sysched.it;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfigBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.github.sysched.testsupport.TestNamespaces;
import io.github.sysched.testsupport.TestNodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Kubernetes API on loopback for the shipped artifacts to run against: fabric8's mock server in CRUD mode
 * (objects persist, watches fire, informers work), with SPO's CRDs (SeccompProfile cluster-scoped, as SPO
 * &ge; v0.9), the namespaces {@code default} (opted in to binding resolution) and {@link #NAMESPACE}, the demo's
 * {@code nginx-seccomp} and {@code full-seccomp} profiles and the {@code nginx:1.16} binding, and two nodes.
 * A child process reaches it through the kubeconfig {@link #writeKubeconfig} writes.
 */
public final class MockApiServer implements AutoCloseable {

    /** Where the services run in these tests, as the chart's release namespace. */
    public static final String NAMESPACE = "sysched-system";

    public static final List<String> NODES = List.of("node-a", "node-b");

    private static final List<String> CRDS = List.of("spo-crds/seccompprofile.yaml", "spo-crds/profilebinding.yaml");
    /** The demo's opted-in namespace, nginx profile and binding (test-support packages examples/sysched-demo). */
    private static final List<String> SEED = List.of(
            "sysched-demo/00-namespace.yaml",
            "sysched-demo/profiles/full.profile.yaml",
            "sysched-demo/profiles/nginx.profile.yaml",
            "sysched-demo/bindings/nginx.binding.yaml");

    /** Held: JUL keeps loggers weakly, and a collected logger forgets its level (then every request is logged). */
    private static final java.util.logging.Logger MOCK_WEB_SERVER_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Map<String, CustomResourceDefinition> crds = new HashMap<>();

    private MockApiServer(int port) {
        MOCK_WEB_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(List.of()), false);
        server.init(InetAddress.getLoopbackAddress(), port);
        client = server.createClient();
    }

    /** Starts on a free loopback port with the CRDs, namespaces, profiles, binding and nodes described above. */
    public static MockApiServer start() {
        return start(0);
    }

    public static MockApiServer start(int port) {
        MockApiServer api = new MockApiServer(port);
        try {
            CRDS.forEach(api::installCrd);
            api.createNamespace(NAMESPACE);
            SEED.forEach(api::apply);
            NODES.forEach(api::createNode);
            return api;
        } catch (RuntimeException e) {
            api.close();
            throw e;
        }
    }

    public KubernetesClient client() {
        return client;
    }

    /** {@code http://127.0.0.1:<port>/}. */
    public String url() {
        return client.getConfiguration().getMasterUrl();
    }

    /**
     * A kubeconfig naming this server, a token user (the mock accepts any) and {@link #NAMESPACE} as the
     * context's namespace: what {@code KUBECONFIG} points a service at.
     */
    public Path writeKubeconfig(Path file) {
        String server = url().endsWith("/") ? url().substring(0, url().length() - 1) : url();
        String kubeconfig = """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: loopback
                    cluster:
                      server: %s
                users:
                  - name: loopback
                    user:
                      token: loopback-test-token
                contexts:
                  - name: loopback
                    context:
                      cluster: loopback
                      user: loopback
                      namespace: %s
                current-context: loopback
                """.formatted(server, NAMESPACE);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, kubeconfig);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The chart's two webhook configurations without a {@code caBundle}, calling Service {@code service} in
     * {@link #NAMESPACE}, as {@code helm install} leaves them for the webhook to fill in self-signed mode.
     */
    public void createWebhookConfigurations(String mutating, String validating, String service) {
        client.admissionRegistration()
                .v1()
                .mutatingWebhookConfigurations()
                .resource(new MutatingWebhookConfigurationBuilder()
                        .withNewMetadata()
                        .withName(mutating)
                        .endMetadata()
                        .addNewWebhook()
                        .withName("mutate.pods.exs.sysched.io")
                        .withAdmissionReviewVersions("v1")
                        .withSideEffects("None")
                        .withClientConfig(clientConfig(service, "/mutate"))
                        .endWebhook()
                        .build())
                .create();
        client.admissionRegistration()
                .v1()
                .validatingWebhookConfigurations()
                .resource(new ValidatingWebhookConfigurationBuilder()
                        .withNewMetadata()
                        .withName(validating)
                        .endMetadata()
                        .addNewWebhook()
                        .withName("validate.pods.exs.sysched.io")
                        .withAdmissionReviewVersions("v1")
                        .withSideEffects("None")
                        .withClientConfig(clientConfig(service, "/validate"))
                        .endWebhook()
                        .addNewWebhook()
                        .withName("validate.profiles.exs.sysched.io")
                        .withAdmissionReviewVersions("v1")
                        .withSideEffects("None")
                        .withClientConfig(clientConfig(service, "/validate"))
                        .endWebhook()
                        .build())
                .create();
    }

    private static WebhookClientConfig clientConfig(String service, String path) {
        return new WebhookClientConfigBuilder()
                .withNewService()
                .withName(service)
                .withNamespace(NAMESPACE)
                .withPath(path)
                .withPort(443)
                .endService()
                .build();
    }

    private void installCrd(String resource) {
        CustomResourceDefinition crd =
                client.getKubernetesSerialization().unmarshal(read(resource), CustomResourceDefinition.class);
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        crds.put(crd.getSpec().getGroup() + "/" + crd.getSpec().getNames().getKind(), crd);
    }

    private void createNamespace(String name) {
        client.namespaces().resource(TestNamespaces.named(name)).create();
    }

    private void createNode(String name) {
        client.nodes().resource(TestNodes.ready(name)).create();
    }

    /** Creates one manifest as {@code kubectl apply} would; a cluster-scoped CR's namespace is dropped. */
    private void apply(String resource) {
        HasMetadata object = client.getKubernetesSerialization().unmarshal(read(resource));
        if (object instanceof Namespace namespace) {
            namespace
                    .getMetadata()
                    .getLabels()
                    .put("kubernetes.io/metadata.name", namespace.getMetadata().getName());
            if (client.namespaces().withName(namespace.getMetadata().getName()).get() == null) {
                client.namespaces().resource(namespace).create();
            } else {
                client.namespaces().resource(namespace).update();
            }
            return;
        }
        GenericKubernetesResource custom = (GenericKubernetesResource) object;
        String apiVersion = custom.getApiVersion();
        String group = apiVersion.substring(0, apiVersion.indexOf('/'));
        CustomResourceDefinition crd = Objects.requireNonNull(
                crds.get(group + "/" + custom.getKind()), () -> "no CRD for " + apiVersion + " " + custom.getKind());
        boolean namespaced = "Namespaced".equals(crd.getSpec().getScope());
        ResourceDefinitionContext context = new ResourceDefinitionContext.Builder()
                .withGroup(group)
                .withVersion(apiVersion.substring(apiVersion.indexOf('/') + 1))
                .withKind(custom.getKind())
                .withPlural(crd.getSpec().getNames().getPlural())
                .withNamespaced(namespaced)
                .build();
        if (namespaced) {
            client.genericKubernetesResources(context)
                    .inNamespace(custom.getMetadata().getNamespace())
                    .resource(custom)
                    .create();
        } else {
            custom.getMetadata().setNamespace(null);
            client.genericKubernetesResources(context).resource(custom).create();
        }
    }

    private static InputStream read(String resource) {
        return Objects.requireNonNull(
                MockApiServer.class.getClassLoader().getResourceAsStream(resource),
                () -> "missing resource " + resource);
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
