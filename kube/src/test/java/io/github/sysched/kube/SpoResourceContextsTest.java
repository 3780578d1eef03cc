package io.github.sysched.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.github.sysched.spo.SpoApiVersion;
import io.github.sysched.spo.SpoScope;
import org.junit.jupiter.api.Test;

class SpoResourceContextsTest {

    @Test
    void resourceContextsFollowTheDetectedScope() {
        ResourceDefinitionContext cluster = SpoResourceContexts.seccompProfiles(SpoApiVersion.V1, SpoScope.CLUSTER);
        ResourceDefinitionContext namespaced =
                SpoResourceContexts.seccompProfiles(SpoApiVersion.V1BETA1, SpoScope.NAMESPACED);
        ResourceDefinitionContext bindings = SpoResourceContexts.profileBindings(SpoApiVersion.V1BETA1);

        assertThat(cluster.isNamespaceScoped()).isFalse();
        assertThat(cluster.getVersion()).isEqualTo("v1");
        assertThat(namespaced.isNamespaceScoped()).isTrue();
        assertThat(namespaced.getPlural()).isEqualTo("seccompprofiles");
        assertThat(bindings.isNamespaceScoped()).isTrue();
        assertThat(bindings.getVersion()).isEqualTo("v1alpha1");
    }
}
