package io.github.sysched.benchmarks.load;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.crud.Attribute;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Stores objects in the embedded API the way a create through it leaves them (uid, creationTimestamp,
 * resourceVersion; watchers notified), without its per-create scan of every stored object, which makes
 * 150,000 creates through the API take hours. Readers see no difference: informers list and watch them as usual.
 */
final class StoreLoader {

    private final KubernetesCrudDispatcher store;
    private final KubernetesSerialization serialization;

    /** Stores into {@code store}, the store behind the embedded API that {@code client} talks to. */
    StoreLoader(KubernetesCrudDispatcher store, KubernetesClient client) {
        this.store = store;
        this.serialization = client.getKubernetesSerialization();
    }

    /**
     * Stores {@code object} under {@code collectionPath} (e.g. {@code /api/v1/namespaces/default/pods}); the
     * caller guarantees the name is not taken.
     */
    void create(String collectionPath, HasMetadata object) {
        GenericKubernetesResource resource = serialization.convertValue(object, GenericKubernetesResource.class);
        ObjectMeta metadata = resource.getMetadata();
        if (metadata.getUid() == null) {
            metadata.setUid(UUID.randomUUID().toString());
        }
        metadata.setCreationTimestamp(
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        metadata.setResourceVersion(Long.toString(store.requestResourceVersion()));
        store.processEvent(
                collectionPath,
                store.getKey(collectionPath).add(new Attribute("name", metadata.getName())),
                null,
                resource,
                serialization.asJson(resource));
    }
}
