package io.github.sysched.binding;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.github.sysched.spo.ProfileBinding;
import io.github.sysched.spo.ProfileBindingSpec;
import io.github.sysched.spo.ProfileRef;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Set;

/**
 * What the binding resolver needs of one SPO ProfileBinding (either API version).
 *
 * @param profileKind {@code spec.profileRef.kind}; only {@code SeccompProfile} bindings bind seccomp profiles
 * @param podSelector {@code spec.podSelector} (v1), null when absent
 * @param created     {@code metadata.creationTimestamp}, null when absent or unreadable (e.g. a manifest)
 */
public record Binding(
        String namespace,
        String name,
        String image,
        String profileKind,
        String profileName,
        LabelSelector podSelector,
        Instant created) {

    public static final String SECCOMP_PROFILE_KIND = "SeccompProfile";
    /** Every kind SPO's binding webhook binds; the others are skipped by SPO. */
    public static final Set<String> SPO_KINDS = Set.of(SECCOMP_PROFILE_KIND, "SelinuxProfile", "AppArmorProfile");

    public Binding {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    /** A binding without a creation time. */
    public Binding(
            String namespace,
            String name,
            String image,
            String profileKind,
            String profileName,
            LabelSelector podSelector) {
        this(namespace, name, image, profileKind, profileName, podSelector, null);
    }

    public static Binding from(ProfileBinding binding) {
        ProfileBindingSpec spec = binding.getSpec() == null ? new ProfileBindingSpec() : binding.getSpec();
        ProfileRef ref = spec.getProfileRef() == null ? new ProfileRef() : spec.getProfileRef();
        return new Binding(
                binding.getMetadata().getNamespace(),
                binding.getMetadata().getName(),
                spec.getImage(),
                ref.getKind(),
                ref.getName(),
                spec.getPodSelector(),
                instant(binding.getMetadata().getCreationTimestamp()));
    }

    private static Instant instant(String timestamp) {
        try {
            return timestamp == null ? null : Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    public boolean isWildcard() {
        return ProfileBindingSpec.ANY_IMAGE.equals(image);
    }

    /** {@code namespace/name}, as warnings and the profiles annotation show it. */
    public String reference() {
        return namespace + "/" + name;
    }
}
