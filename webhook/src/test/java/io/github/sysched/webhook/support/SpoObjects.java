package io.github.sysched.webhook.support;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.github.sysched.spo.ProfileBindingSpec;
import io.github.sysched.spo.ProfileBindingV1Alpha1;
import io.github.sysched.spo.ProfileRef;
import io.github.sysched.spo.SeccompProfileSpec;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.spo.SeccompSyscall;
import java.util.List;

/** SPO objects for tests, in the versions of the SPO v0.8.4 CRDs that {@link MockKube} installs. */
public final class SpoObjects {

    private SpoObjects() {}

    /** A profile allowing {@code allowed} (errno for the rest) on top of {@code base} (null: none). */
    public static SeccompProfileV1Beta1 profile(String namespace, String name, String base, String... allowed) {
        SeccompProfileV1Beta1 profile = new SeccompProfileV1Beta1();
        profile.setMetadata(
                new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        SeccompProfileSpec spec = new SeccompProfileSpec();
        spec.setDefaultAction("SCMP_ACT_ERRNO");
        spec.setBaseProfileName(base);
        SeccompSyscall rule = new SeccompSyscall();
        rule.setAction("SCMP_ACT_ALLOW");
        rule.setNames(List.of(allowed));
        spec.setSyscalls(List.of(rule));
        profile.setSpec(spec);
        return profile;
    }

    /** A binding of {@code image} to SeccompProfile {@code profile}. */
    public static ProfileBindingV1Alpha1 binding(String namespace, String name, String image, String profile) {
        ProfileBindingV1Alpha1 binding = new ProfileBindingV1Alpha1();
        binding.setMetadata(
                new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        ProfileBindingSpec spec = new ProfileBindingSpec();
        spec.setImage(image);
        spec.setProfileRef(new ProfileRef("SeccompProfile", profile));
        binding.setSpec(spec);
        return binding;
    }
}
