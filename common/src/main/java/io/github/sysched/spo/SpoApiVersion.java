package io.github.sysched.spo;

import java.util.Locale;

/**
 * The pair of API versions to read: SPO up to v0.10 serves SeccompProfile {@code v1beta1} and ProfileBinding
 * {@code v1alpha1}; SPO v1.0+ serves {@code v1} for both (and still the old ones, through conversion).
 */
public enum SpoApiVersion {
    V1BETA1("v1beta1", "v1alpha1", SeccompProfileV1Beta1.class, ProfileBindingV1Alpha1.class),
    V1("v1", "v1", SeccompProfileV1.class, ProfileBindingV1.class);

    private final String seccompProfileVersion;
    private final String profileBindingVersion;
    private final Class<? extends SeccompProfile> seccompProfileClass;
    private final Class<? extends ProfileBinding> profileBindingClass;

    SpoApiVersion(
            String seccompProfileVersion,
            String profileBindingVersion,
            Class<? extends SeccompProfile> seccompProfileClass,
            Class<? extends ProfileBinding> profileBindingClass) {
        this.seccompProfileVersion = seccompProfileVersion;
        this.profileBindingVersion = profileBindingVersion;
        this.seccompProfileClass = seccompProfileClass;
        this.profileBindingClass = profileBindingClass;
    }

    /** Reads the configuration value {@code v1beta1} or {@code v1} (the SeccompProfile version). */
    public static SpoApiVersion parse(String configured) {
        String value = configured == null ? "" : configured.trim().toLowerCase(Locale.ROOT);
        for (SpoApiVersion version : values()) {
            if (version.seccompProfileVersion.equals(value)) {
                return version;
            }
        }
        throw new IllegalArgumentException("SPO version must be 'v1beta1' or 'v1', got '" + configured + "'");
    }

    /**
     * The generation an object of API version {@code version} belongs to, as an admission request names it:
     * {@code v1} objects are read with the v1 classes, every older version with the v1beta1/v1alpha1 ones.
     */
    public static SpoApiVersion ofObjectVersion(String version) {
        return "v1".equals(version) ? V1 : V1BETA1;
    }

    public String seccompProfileVersion() {
        return seccompProfileVersion;
    }

    public String profileBindingVersion() {
        return profileBindingVersion;
    }

    /** The typed class to hand to {@code client.resources(...)}. */
    public Class<? extends SeccompProfile> seccompProfileClass() {
        return seccompProfileClass;
    }

    /** The typed class to hand to {@code client.resources(...)}. */
    public Class<? extends ProfileBinding> profileBindingClass() {
        return profileBindingClass;
    }
}
