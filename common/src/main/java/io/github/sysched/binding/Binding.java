package io.github.sysched.binding;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.github.sysched.spo.ProfileBinding;
import io.github.sysched.spo.ProfileBindingSpec;
import io.github.sysched.spo.ProfileRef;
import java.util.Objects;
import java.util.Set;

/**
 * What the binding resolver needs of one SPO ProfileBinding (either API version).
 *
 * @param profileKind {@code spec.profileRef.kind}; only {@code SeccompProfile} bindings bind seccomp profiles
 * @param podSelector {@code spec.podSelector} (v1), null when absent
 */
public record Binding(String namespace, String name, String image, String profileKind, String profileName,
        LabelSelector podSelector) {

    public static final String SECCOMP_PROFILE_KIND = "SeccompProfile";
    /** Every kind SPO's binding webhook binds; the others are skipped by SPO. */
    public static final Set<String> SPO_KINDS = Set.of(SECCOMP_PROFILE_KIND, "SelinuxProfile", "AppArmorProfile");

    public Binding {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    public static Binding from(ProfileBinding binding) {
        ProfileBindingSpec spec = binding.getSpec() == null ? new ProfileBindingSpec() : binding.getSpec();
        ProfileRef ref = spec.getProfileRef() == null ? new ProfileRef() : spec.getProfileRef();
        return new Binding(binding.getMetadata().getNamespace(), binding.getMetadata().getName(), spec.getImage(),
                ref.getKind(), ref.getName(), spec.getPodSelector());
    }

    public boolean isWildcard() {
        return ProfileBindingSpec.ANY_IMAGE.equals(image);
    }

    /** {@code namespace/name}, as warnings and the profiles annotation show it. */
    public String reference() {
        return namespace + "/" + name;
    }
}
