package io.github.sysched.webhook.cache;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.kube.ClusterViewSettings;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.webhook.config.WebhookProperties;
import org.springframework.stereotype.Component;

/**
 * The webhook's view of the cluster: kube's {@link ClusterView} over SeccompProfiles, ProfileBindings (all
 * namespaces) and Namespaces, and Nodes' labels when the replica-spread guard decides zones by itself
 * ({@code replica-spread.zones=auto}), in the SPO scope and API version of {@code sysched.webhook.spo.*}. The mutators and
 * validators read it, through {@link ClusterLookups}; {@code io.github.sysched.kube.boot} starts it with the
 * application and reports its readiness ({@code informers}).
 */
@Component
public class ClusterCache extends ClusterView implements ClusterLookups {

    public ClusterCache(KubernetesClient client, WebhookProperties properties) {
        super(settings(client, properties));
    }

    private static ClusterViewSettings settings(KubernetesClient client, WebhookProperties properties) {
        ClusterViewSettings settings = ClusterView.settings(client)
                .watch(Resource.SECCOMP_PROFILES, Resource.PROFILE_BINDINGS, Resource.NAMESPACES)
                .version(properties.spo().version())
                .scope(
                        switch (properties.spo().scope()) {
                            case AUTO -> null;
                            case NAMESPACED -> SpoScope.NAMESPACED;
                            case CLUSTER -> SpoScope.CLUSTER;
                        });
        if (properties.replicaSpread().watchesNodes()) {
            settings.watch(Resource.NODES);
        }
        return settings;
    }
}
