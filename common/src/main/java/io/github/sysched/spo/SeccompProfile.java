package io.github.sysched.spo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;

/**
 * An SPO SeccompProfile, in either served version ({@link SeccompProfileV1Beta1}, {@link SeccompProfileV1}).
 *
 * <p>Scope: the class is marked {@link Namespaced} so that {@code client.resources(type).inAnyNamespace()}
 * works, and that call lists both scopes at the same URL ({@code /apis/<group>/<version>/seccompprofiles}).
 * Whether the installed CRD is namespaced (SPO ≤ v0.8.x) or cluster-scoped (v0.9+) is a separate,
 * detected or configured fact: {@link SpoScope}. Never address a single profile through this class's
 * scope marker; use {@link SpoResourceContexts} with the detected scope instead.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public abstract class SeccompProfile extends CustomResource<SeccompProfileSpec, SeccompProfileStatus>
        implements Namespaced {}
