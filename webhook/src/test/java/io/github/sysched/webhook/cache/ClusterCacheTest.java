package io.github.sysched.webhook.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.webhook.config.WebhookProperties;
import io.github.sysched.webhook.mutation.ProfileMutator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.health.contributor.Status;

/** P2: scope detection from the installed CRD, and readiness that waits for it and for the informers. */
class ClusterCacheTest {

    private KubernetesMockServer server;
    private KubernetesClient client;
    private ClusterCache cache;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        if (cache != null) {
            cache.stop();
        }
        client.close();
        server.destroy();
    }

    private static WebhookProperties properties(Map<String, String> map) {
        return new Binder(new MapConfigurationPropertySource(map)).bindOrCreate("sysched.webhook",
                WebhookProperties.class);
    }

    private <T> T load(String resource, Class<T> type) throws Exception {
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            return client.getKubernetesSerialization().unmarshal(in, type);
        }
    }

    @Test
    void readinessWaitsForTheCrdThenDetectsClusterScope() throws Exception {
        cache = new ClusterCache(client, properties(Map.of()), new SimpleMeterRegistry());
        InformersHealthIndicator health = new InformersHealthIndicator(cache,
                new StaticListableBeanFactory().getBeanProvider(ProfileMutator.class));
        cache.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> cache.problem().contains("not found"));
        assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(cache.scope()).isNull();

        client.apiextensions().v1().customResourceDefinitions()
                .resource(load("/spo-crds/head/seccompprofile.yaml", CustomResourceDefinition.class)).create();
        client.apiextensions().v1().customResourceDefinitions()
                .resource(load("/spo-crds/head/profilebinding.yaml", CustomResourceDefinition.class)).create();
        SeccompProfileV1Beta1 profile = load("/sysched-examples/nginx.profile.yaml", SeccompProfileV1Beta1.class);
        profile.getMetadata().setNamespace(null);
        // cluster-scoped: address it through a cluster-scoped context, as a real API server would store it
        var generic = client.getKubernetesSerialization().convertValue(profile,
                io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
        client.genericKubernetesResources(io.github.sysched.spo.SpoResourceContexts.seccompProfiles(
                io.github.sysched.spo.SpoApiVersion.V1BETA1, SpoScope.CLUSTER)).resource(generic).create();

        await().atMost(Duration.ofSeconds(20)).until(cache::synced);
        assertThat(cache.scope()).isEqualTo(SpoScope.CLUSTER);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        await().atMost(Duration.ofSeconds(5)).until(() -> cache.profile(ProfileKey.cluster("nginx-seccomp"))
                .isPresent());
    }

    @Test
    void v1ApiVersionWatchesTheV1Resources() throws Exception {
        client.apiextensions().v1().customResourceDefinitions()
                .resource(load("/spo-crds/head/seccompprofile.yaml", CustomResourceDefinition.class)).create();
        client.apiextensions().v1().customResourceDefinitions()
                .resource(load("/spo-crds/head/profilebinding.yaml", CustomResourceDefinition.class)).create();
        cache = new ClusterCache(client, properties(Map.of("sysched.webhook.spo.version", "v1")),
                new SimpleMeterRegistry());
        cache.start();
        await().atMost(Duration.ofSeconds(20)).until(cache::synced);

        var binding = new io.github.sysched.spo.ProfileBindingV1();
        binding.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("b").withNamespace("apps")
                .build());
        var spec = new io.github.sysched.spo.ProfileBindingSpec();
        spec.setImage("app:1");
        spec.setProfileRef(new io.github.sysched.spo.ProfileRef("SeccompProfile", "p"));
        binding.setSpec(spec);
        client.resources(io.github.sysched.spo.ProfileBindingV1.class).inNamespace("apps").resource(binding).create();

        await().atMost(Duration.ofSeconds(5)).until(() -> cache.bindings("apps").size() == 1);
        assertThat(cache.bindings("apps").get(0)).isInstanceOf(io.github.sysched.spo.ProfileBindingV1.class);
        assertThat(cache.bindings("other")).isEmpty();
        assertThat(cache.scope()).isEqualTo(SpoScope.CLUSTER);
    }

    @Test
    void configuredScopeSkipsDetection() {
        cache = new ClusterCache(client, properties(Map.of("sysched.webhook.spo.scope", "namespaced")),
                new SimpleMeterRegistry());
        cache.start();

        // no CRD exists in this mock: syncing at all shows the CRD was never needed
        await().atMost(Duration.ofSeconds(20)).until(cache::synced);
        assertThat(cache.scope()).isEqualTo(SpoScope.NAMESPACED);
    }

    @Test
    void aStoppedAndRestartedCacheIsCurrentAgain() {
        // Spring stops and restarts SmartLifecycle beans of a paused context; readiness must not keep following
        // the informers of the first start.
        cache = new ClusterCache(client, properties(Map.of("sysched.webhook.spo.scope", "namespaced")),
                new SimpleMeterRegistry());
        cache.start();
        await().atMost(Duration.ofSeconds(10)).until(cache::current);
        cache.stop();
        assertThat(cache.current()).isFalse();
        cache.start();
        await().atMost(Duration.ofSeconds(10)).until(cache::current);
        assertThat(cache.problem()).isEmpty();
    }
}
