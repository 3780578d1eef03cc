package io.github.sysched.pod;

/** The seccomp annotations Kubernetes used before the {@code seccompProfile} fields (removed in 1.27). */
public final class LegacySeccompAnnotations {

    public static final String POD = "seccomp.security.alpha.kubernetes.io/pod";
    public static final String CONTAINER_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";

    private LegacySeccompAnnotations() {
    }

    public static String containerKey(String containerName) {
        return CONTAINER_PREFIX + containerName;
    }
}
