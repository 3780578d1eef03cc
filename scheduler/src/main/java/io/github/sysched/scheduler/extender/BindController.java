package io.github.sysched.scheduler.extender;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.sysched.scheduler.state.ClusterState;
import io.github.sysched.scheduler.state.Informers;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /bind} (only with {@code sysched.scheduler.bind.enabled=true}): creates the pod's
 * {@code pods/binding} subresource, then counts the pod on the node at once so that the next pod's scores
 * see it before the informer reports the change. Needs RBAC {@code create} on {@code pods/binding}.
 */
@RestController
@ConditionalOnProperty(prefix = "sysched.scheduler.bind", name = "enabled", havingValue = "true")
public class BindController {

    private static final Logger log = LoggerFactory.getLogger(BindController.class);

    private final KubernetesClient client;
    private final ClusterState state;
    private final Informers informers;
    private final ExtenderController.ExtenderMetrics metrics;

    public BindController(KubernetesClient client, ClusterState state, Informers informers,
                          ExtenderController.ExtenderMetrics metrics) {
        this.client = client;
        this.state = state;
        this.informers = informers;
        this.metrics = metrics;
    }

    @PostMapping(path = "/bind", consumes = MediaType.ALL_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    public ExtenderBindingResult bind(@RequestBody ExtenderBindingArgs args) {
        Timer.Sample sample = metrics.start();
        String outcome = "error";
        try {
            if (args == null || isBlank(args.podName()) || isBlank(args.podNamespace()) || isBlank(args.node())) {
                return new ExtenderBindingResult("PodName, PodNamespace and Node are required");
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
            Pod cached = informers.cachedPod(args.podNamespace(), args.podName());
            if (cached != null && (isBlank(args.podUid()) || args.podUid().equals(cached.getMetadata().getUid()))) {
                state.assume(cached, args.node());
            }
            outcome = "success";
            return new ExtenderBindingResult("");
        } finally {
            metrics.stop(sample, "bind", outcome);
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
