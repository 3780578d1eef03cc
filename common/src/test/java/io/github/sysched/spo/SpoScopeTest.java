package io.github.sysched.spo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class SpoScopeTest {

    private static CustomResourceDefinition crd(String resource) {
        return Serialization.unmarshal(TestResources.stream(resource), CustomResourceDefinition.class);
    }

    @Test
    void detectsTheScopeFromEachReleasesCrd() {
        assertThat(SpoScope.of(crd("/spo-crds/v0.8.4/seccompprofile.yaml"))).isEqualTo(SpoScope.NAMESPACED);
        assertThat(SpoScope.of(crd("/spo-crds/v0.10.1/seccompprofile.yaml"))).isEqualTo(SpoScope.CLUSTER);
        assertThat(SpoScope.of(crd("/spo-crds/seccompprofile.yaml"))).isEqualTo(SpoScope.CLUSTER);
        assertThat(SpoScope.of(crd("/spo-crds/scheduler-plugins/seccompprofile.yaml")))
                .isEqualTo(SpoScope.NAMESPACED);
    }

    @Test
    void refusesAnotherCrdOrAnUnknownScope() {
        assertThatThrownBy(() -> SpoScope.of(crd("/spo-crds/profilebinding.yaml")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("profilebindings.security-profiles-operator.x-k8s.io");
        assertThatThrownBy(() -> SpoScope.fromCrdScope("Global")).hasMessageContaining("'Global'");
    }

    @Test
    void readsConfiguredScopesButNotAuto() {
        assertThat(SpoScope.parse("namespaced")).isEqualTo(SpoScope.NAMESPACED);
        assertThat(SpoScope.parse(" Cluster ")).isEqualTo(SpoScope.CLUSTER);
        assertThatThrownBy(() -> SpoScope.parse("auto")).hasMessageContaining("'auto'");
    }

    @Test
    void apiVersionsPairProfileAndBindingVersions() {
        assertThat(SpoApiVersion.parse("v1beta1").profileBindingVersion()).isEqualTo("v1alpha1");
        assertThat(SpoApiVersion.parse("v1beta1").seccompProfileClass()).isEqualTo(SeccompProfileV1Beta1.class);
        assertThat(SpoApiVersion.parse("V1").profileBindingClass()).isEqualTo(ProfileBindingV1.class);
        assertThatThrownBy(() -> SpoApiVersion.parse("v2")).hasMessageContaining("'v2'");
    }
}
