package io.github.sysched.demo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import javax.net.ssl.SSLContext;
import tools.jackson.databind.node.ObjectNode;

/**
 * The demo's setup for other programs (the load benchmarks in {@code benchmarks/load}): the embedded Kubernetes
 * API with the built-in demo's cluster (SPO CRDs, namespaces, profiles, bindings, and the given empty nodes), and
 * the webhook (HTTPS, a CA made for the run) and the scheduler extender (HTTP) started in this JVM against it.
 * Closing it stops all three.
 */
public final class DemoHarness implements AutoCloseable {

    /** The user kube-apiserver names in the AdmissionReview of a pod its ReplicaSet controller creates. */
    public static final String REPLICASET_CONTROLLER = DemoMain.CONTROLLER;

    private final EmbeddedApiServer api;
    private final DemoManifests manifests;
    private final Services services;

    private DemoHarness(EmbeddedApiServer api, DemoManifests manifests, Services services) {
        this.api = api;
        this.manifests = manifests;
        this.services = services;
    }

    /** Starts the embedded API, stores the built-in demo's cluster with {@code nodes}, and starts both services. */
    public static DemoHarness start(List<String> nodes) throws Exception {
        DemoManifests manifests = DemoManifests.builtIn();
        EmbeddedApiServer api = new EmbeddedApiServer();
        try {
            DemoMain.prepareCluster(api, manifests, nodes);
            return new DemoHarness(api, manifests, Services.start(api, null));
        } catch (Exception | Error e) {
            api.close();
            throw e;
        }
    }

    /** A client of the embedded API. */
    public KubernetesClient client() {
        return api.client();
    }

    /**
     * The embedded API's object store. Each create through the API scans every stored object for a name clash,
     * so loading a large cluster (150,000 pods) goes through the store directly.
     */
    public KubernetesCrudDispatcher store() {
        return api.store();
    }

    /** The built-in demo's Deployments, in the order the demo places them. */
    public List<Deployment> workloads() {
        return manifests.workloads();
    }

    /** The built-in demo's SeccompProfiles, as written in its manifests. */
    public List<GenericKubernetesResource> profiles() {
        return manifests.profiles();
    }

    /** The pods the ReplicaSet controller of {@code deployment} sends to admission (generateName, owner). */
    public static List<Pod> podsOf(Deployment deployment) {
        return WorkloadPods.podsOf(deployment);
    }

    /** The admission.k8s.io/v1 AdmissionReview kube-apiserver sends for the CREATE of {@code pod}. */
    public ObjectNode admissionReview(Pod pod, String requester, String uid) {
        return services.admission().review(pod, requester, uid);
    }

    /** The webhook's {@code /mutate} URL (HTTPS). */
    public URI mutateUri() {
        return services.admission().mutateUri();
    }

    /** A TLS context that trusts the webhook's CA. */
    public SSLContext webhookTls() {
        return services.admission().sslContext();
    }

    /** {@code http://host:port} of the scheduler extender. */
    public URI extenderUri() {
        return services.extender().base();
    }

    /** The {@code ExtenderArgs} JSON kube-scheduler sends a {@code nodeCacheCapable} extender. */
    public String extenderArgs(Pod pod, List<String> nodeNames) {
        return services.extender().args(pod, nodeNames);
    }

    /** The extender's {@code /actuator/prometheus}. */
    public URI schedulerMetrics() {
        return services.schedulerMetrics();
    }

    /** A gauge the extender exports, e.g. {@code sysched_cluster_exs} or {@code sysched_pods_tracked}. */
    public double schedulerGauge(String name) throws IOException, InterruptedException {
        return services.schedulerGauge(name);
    }

    @Override
    public void close() {
        try {
            services.close();
        } finally {
            api.close();
        }
    }
}
