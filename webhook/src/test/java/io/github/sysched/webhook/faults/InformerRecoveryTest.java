package io.github.sysched.webhook.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.kube.boot.InformersHealthIndicator;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.webhook.cache.ClusterCache;
import io.github.sysched.webhook.config.WebhookProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.health.contributor.Status;

/** The informer caches when the API server fails before their first list (e.g. during a control-plane upgrade). */
class InformerRecoveryTest {

    private final FakeApiServer api = new FakeApiServer();
    private final KubernetesClient client = api.client();
    private ClusterCache cache;

    @AfterEach
    void stop() {
        if (cache != null) {
            cache.stop();
        }
        client.close();
        api.close();
    }

    private static WebhookProperties properties() {
        return new Binder(new MapConfigurationPropertySource(Map.of("sysched.webhook.spo.scope", "namespaced")))
                .bindOrCreate("sysched.webhook", WebhookProperties.class);
    }

    @Test
    void informersThatCannotListAtStartKeepTryingAndBecomeReadyWhenTheApiServerRecovers() {
        api.failing();
        cache = new ClusterCache(client, properties());
        InformersHealthIndicator health = new InformersHealthIndicator(cache, List.of());
        cache.start();

        // every informer's first list has failed at least twice
        await().atMost(Duration.ofSeconds(20)).until(() -> failedLists() >= 2 * FakeApiServer.COLLECTIONS.size());
        assertThat(cache.synced()).isFalse();
        assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);

        api.healthy();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> health.health().getStatus().equals(Status.UP));
        assertThat(cache.profile(ProfileKey.namespaced("default", "nginx-seccomp")))
                .isPresent();
        assertThat(cache.bindings("default")).hasSize(1);
        assertThat(cache.namespace("default")).isPresent();
        System.out.println("FAULTS webhook informers: first lists failed " + failedLists()
                + " times, then synced and watching once the API server recovered");
    }

    private long failedLists() {
        return api.requests().stream()
                .filter(e -> !e.getRequest().getUrl().contains("watch=")
                        && e.getResponse().getStatus() == 500)
                .count();
    }
}
