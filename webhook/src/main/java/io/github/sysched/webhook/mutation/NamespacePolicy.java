package io.github.sysched.webhook.mutation;

import io.fabric8.kubernetes.api.model.Namespace;
import io.github.sysched.webhook.cache.ClusterLookups;
import io.github.sysched.webhook.config.WebhookProperties;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Which namespaces the webhook acts in: never the exempt ones; opted-in ones (label) or all by configuration. */
@Component
public class NamespacePolicy {

    private final ClusterLookups cluster;
    private final WebhookProperties properties;

    public NamespacePolicy(ClusterLookups cluster, WebhookProperties properties) {
        this.cluster = cluster;
        this.properties = properties;
    }

    public boolean exempt(String namespace) {
        return properties.exemptNamespaces().contains(namespace);
    }

    /**
     * True when pods of {@code namespace} get their profile resolved: not exempt, and either every namespace is
     * enabled or the namespace carries the opt-in label (any value, as SPO's binding webhook checks it).
     */
    public boolean resolvesProfiles(String namespace) {
        if (exempt(namespace)) {
            return false;
        }
        if (properties.allNamespaces()) {
            return true;
        }
        Optional<Namespace> ns = cluster.namespace(namespace);
        Map<String, String> labels = ns.map(n -> n.getMetadata().getLabels()).orElse(null);
        return labels != null && labels.containsKey(properties.optInLabel());
    }
}
