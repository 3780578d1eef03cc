package io.github.sysched.spo;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.Locale;

/**
 * Whether SeccompProfile objects live in namespaces (SPO up to v0.8.x) or at cluster level (v0.9+).
 *
 * <p>The scope decides how a profile is named ({@code operator/<ns>/<name>.json} versus
 * {@code operator/<name>.json}) and where a ProfileBinding's {@code profileRef.name} points. It must come
 * from the installed CRD ({@link #of(CustomResourceDefinition)}) or from configuration
 * ({@link #parse(String)}), never from a guess.
 */
public enum SpoScope {
    NAMESPACED,
    CLUSTER;

    /** The scope the installed SeccompProfile CRD declares in {@code spec.scope}. */
    public static SpoScope of(CustomResourceDefinition crd) {
        if (crd == null || crd.getSpec() == null) {
            throw new IllegalArgumentException("CustomResourceDefinition without spec: cannot detect the SPO scope");
        }
        String name = crd.getMetadata() == null ? null : crd.getMetadata().getName();
        if (name != null && !name.equals(SpoApi.SECCOMP_PROFILE_CRD)) {
            throw new IllegalArgumentException("expected the CRD " + SpoApi.SECCOMP_PROFILE_CRD + ", got " + name);
        }
        return fromCrdScope(crd.getSpec().getScope());
    }

    /** Maps a CRD {@code spec.scope} value ({@code Namespaced} or {@code Cluster}). */
    public static SpoScope fromCrdScope(String crdScope) {
        if ("Namespaced".equals(crdScope)) {
            return NAMESPACED;
        }
        if ("Cluster".equals(crdScope)) {
            return CLUSTER;
        }
        throw new IllegalArgumentException("unknown CRD scope '" + crdScope + "' (expected Namespaced or Cluster)");
    }

    /**
     * Reads a configured scope: {@code namespaced} or {@code cluster} (any case). The configuration value
     * {@code auto} is not a scope: the caller detects it from the CRD with {@link #of(CustomResourceDefinition)}.
     */
    public static SpoScope parse(String configured) {
        String value = configured == null ? "" : configured.trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "namespaced" -> NAMESPACED;
            case "cluster" -> CLUSTER;
            default ->
                throw new IllegalArgumentException(
                        "SPO scope must be 'namespaced' or 'cluster', got '" + configured + "'");
        };
    }
}
