package io.github.sysched.spo;

/** Names of the Security Profiles Operator API that several classes share. */
public final class SpoApi {

    public static final String GROUP = "security-profiles-operator.x-k8s.io";
    public static final String SECCOMP_PROFILE_KIND = "SeccompProfile";
    public static final String SECCOMP_PROFILE_PLURAL = "seccompprofiles";
    public static final String SECCOMP_PROFILE_CRD = SECCOMP_PROFILE_PLURAL + "." + GROUP;
    public static final String PROFILE_BINDING_KIND = "ProfileBinding";
    public static final String PROFILE_BINDING_PLURAL = "profilebindings";
    public static final String PROFILE_BINDING_CRD = PROFILE_BINDING_PLURAL + "." + GROUP;

    private SpoApi() {}
}
