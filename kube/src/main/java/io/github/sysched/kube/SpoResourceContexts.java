package io.github.sysched.kube;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.github.sysched.spo.SpoApi;
import io.github.sysched.spo.SpoApiVersion;
import io.github.sysched.spo.SpoScope;

/**
 * Resource contexts whose scope is the detected one, for requests that address a single object
 * (e.g. {@code client.genericKubernetesResources(context).withName(name)} on a cluster-scoped SPO).
 * Listing and watching every profile works with the typed classes and {@code inAnyNamespace()} alone.
 */
public final class SpoResourceContexts {

    private SpoResourceContexts() {}

    public static ResourceDefinitionContext seccompProfiles(SpoApiVersion version, SpoScope scope) {
        return new ResourceDefinitionContext.Builder()
                .withGroup(SpoApi.GROUP)
                .withVersion(version.seccompProfileVersion())
                .withKind(SpoApi.SECCOMP_PROFILE_KIND)
                .withPlural(SpoApi.SECCOMP_PROFILE_PLURAL)
                .withNamespaced(scope == SpoScope.NAMESPACED)
                .build();
    }

    public static ResourceDefinitionContext profileBindings(SpoApiVersion version) {
        return new ResourceDefinitionContext.Builder()
                .withGroup(SpoApi.GROUP)
                .withVersion(version.profileBindingVersion())
                .withKind(SpoApi.PROFILE_BINDING_KIND)
                .withPlural(SpoApi.PROFILE_BINDING_PLURAL)
                .withNamespaced(true)
                .build();
    }
}
