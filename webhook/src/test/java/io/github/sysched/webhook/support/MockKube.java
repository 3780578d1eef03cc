package io.github.sysched.webhook.support;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.github.sysched.spo.ProfileBindingV1Alpha1;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.testsupport.TestNamespaces;
import io.github.sysched.testsupport.TestResources;
import java.net.InetAddress;
import java.util.HashMap;

/**
 * One fabric8 mock API server in CRUD mode per test JVM, with the SPO v0.8.4 CRDs (namespaced SeccompProfile),
 * the {@code default} namespace opted in, and the SySched demo's nginx and full-seccomp profiles and nginx
 * binding. The application's fabric8 client finds it through the {@code kubernetes.*} system properties.
 * Tests that need more objects create them in their own namespaces.
 */
public final class MockKube {

    public static final String OPT_IN_LABEL = "spo.x-k8s.io/enable-binding";

    private static KubernetesMockServer server;
    private static KubernetesClient client;

    private MockKube() {}

    public static synchronized KubernetesClient client() {
        if (server == null) {
            start();
        }
        return client;
    }

    public static synchronized KubernetesMockServer server() {
        client();
        return server;
    }

    private static void start() {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        String url = "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getPort();
        System.setProperty("kubernetes.master", url);
        System.setProperty("kubernetes.auth.tryKubeConfig", "false");
        System.setProperty("kubernetes.auth.tryServiceAccount", "false");
        System.setProperty("kubernetes.trust.certificates", "true");
        System.setProperty("kubernetes.namespace", "sysched-system");

        crd("/spo-crds/v0.8.4/seccompprofile.yaml");
        crd("/spo-crds/v0.8.4/profilebinding.yaml");
        namespace("default", true);
        namespace("sysched-system", false);
        SeccompProfileV1Beta1 full = load("/sysched-examples/full.profile.yaml", SeccompProfileV1Beta1.class);
        client.resources(SeccompProfileV1Beta1.class)
                .inNamespace("default")
                .resource(full)
                .create();
        SeccompProfileV1Beta1 nginx = load("/sysched-examples/nginx.profile.yaml", SeccompProfileV1Beta1.class);
        client.resources(SeccompProfileV1Beta1.class)
                .inNamespace("default")
                .resource(nginx)
                .create();
        ProfileBindingV1Alpha1 binding = load("/sysched-examples/nginx.binding.yaml", ProfileBindingV1Alpha1.class);
        client.resources(ProfileBindingV1Alpha1.class)
                .inNamespace("default")
                .resource(binding)
                .create();
    }

    public static Namespace namespace(String name, boolean optIn) {
        NamespaceBuilder builder = new NamespaceBuilder(TestNamespaces.named(name));
        if (optIn) {
            builder.editMetadata().addToLabels(OPT_IN_LABEL, "true").endMetadata();
        }
        return client().namespaces().resource(builder.build()).createOr(r -> r.update());
    }

    private static void crd(String resource) {
        CustomResourceDefinition crd = load(resource, CustomResourceDefinition.class);
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }

    public static <T> T load(String resource, Class<T> type) {
        return TestResources.read(resource, type);
    }
}
