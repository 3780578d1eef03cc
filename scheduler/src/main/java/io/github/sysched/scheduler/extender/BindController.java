package io.github.sysched.scheduler.extender;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.scheduler.state.ClusterState;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * {@code POST /bind} (only with {@code sysched.scheduler.bind.enabled=true}): creates the pod's
 * {@code pods/binding} subresource, then counts the pod on the node at once so that the next pod's scores
 * see it before the informer reports the change. Needs RBAC {@code create} on {@code pods/binding}. The HTTP edge
 * ({@link ExtenderServlet}) decodes the request and writes the answer.
 */
@Component
@ConditionalOnProperty(prefix = "sysched.scheduler.bind", name = "enabled", havingValue = "true")
public class BindController {

    private static final Logger log = LoggerFactory.getLogger(BindController.class);
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private final KubernetesClient client;
    private final ClusterState state;
    private final ClusterView view;
    private final ExtenderObserver observer;

    public BindController(KubernetesClient client, ClusterState state, ClusterView view,
                          ObjectProvider<ExtenderObserver> observers) {
        this.client = client;
        this.state = state;
        this.view = view;
        this.observer = ExtenderObserver.all(observers.orderedStream().toList());
    }

    /** Binds {@code PodNamespace/PodName} (UID {@code PodUID}) to {@code Node}; empty {@code Error} on success. */
    public ExtenderBindingResult bind(ExtenderBindingArgs args) {
        long started = System.nanoTime();
        if (isBlank(args.podName()) || isBlank(args.podNamespace()) || isBlank(args.node())) {
            return new ExtenderBindingResult("PodName, PodNamespace and Node are required");
        }
        String invalid = invalidName(args);
        if (invalid != null) {
            return new ExtenderBindingResult(invalid);
        }
        Binding binding = new BindingBuilder()
                .withNewMetadata()
                .withName(args.podName()).withNamespace(args.podNamespace())
                .withUid(isBlank(args.podUid()) ? null : args.podUid())
                .endMetadata()
                .withNewTarget().withApiVersion("v1").withKind("Node").withName(args.node()).endTarget()
                .build();
        String url = client.getMasterUrl().toString().replaceAll("/+$", "")
                + "/api/v1/namespaces/" + args.podNamespace() + "/pods/" + args.podName() + "/binding";
        try {
            client.raw(url, "POST", binding);
        } catch (KubernetesClientException e) {
            log.info("binding {}/{} to {} failed: {}", args.podNamespace(), args.podName(), args.node(),
                    e.getMessage());
            return new ExtenderBindingResult("binding failed: " + e.getMessage());
        }
        Pod cached = view.pod(args.podNamespace(), args.podName());
        String uid = isBlank(args.podUid()) ? null : args.podUid();
        if (cached != null && (uid == null || uid.equals(cached.getMetadata().getUid()))) {
            state.assume(cached, args.node());
            uid = cached.getMetadata().getUid();
        }
        observer.bound(new ExtenderObserver.PodRef(args.podNamespace(), args.podName(), uid), args.node(),
                System.nanoTime() - started);
        return new ExtenderBindingResult("");
    }

    /**
     * The names go into the binding URL: anything but a Kubernetes name (which never needs escaping) is refused
     * rather than sent, e.g. a pod name with '/' or '?' that would address another path.
     */
    private static String invalidName(ExtenderBindingArgs args) {
        if (!isName(args.podNamespace(), DNS_LABEL, 63)) {
            return "PodNamespace '" + abbreviate(args.podNamespace()) + "' is not a valid namespace name";
        }
        if (!isName(args.podName(), DNS_SUBDOMAIN, 253)) {
            return "PodName '" + abbreviate(args.podName()) + "' is not a valid pod name";
        }
        if (!isName(args.node(), DNS_SUBDOMAIN, 253)) {
            return "Node '" + abbreviate(args.node()) + "' is not a valid node name";
        }
        return null;
    }

    private static boolean isName(String value, Pattern pattern, int maxLength) {
        return value.length() <= maxLength && pattern.matcher(value).matches();
    }

    private static String abbreviate(String value) {
        return value.length() > 64 ? value.substring(0, 64) + "..." : value;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
