package io.github.sysched.pod;

/**
 * The seccomp annotations Kubernetes used before the {@code seccompProfile} fields: older kubelets applied them,
 * and the API server's version-skew handling copies them into the fields of a pod created without those
 * ({@code applySeccompVersionSkew} in the pod strategy). Any other key, e.g. the bare
 * {@code seccomp.security.alpha.kubernetes.io} upstream SySched also reads, was never applied by anything.
 */
public final class LegacySeccompAnnotations {

    public static final String POD = "seccomp.security.alpha.kubernetes.io/pod";
    public static final String CONTAINER_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";
    /** What upstream SySched looks for in any annotation key. */
    static final String MARKER = "seccomp.security.alpha.kubernetes.io";

    private LegacySeccompAnnotations() {}

    public static String containerKey(String containerName) {
        return CONTAINER_PREFIX + containerName;
    }

    /** True for keys that contain the marker but are neither {@link #POD} nor a {@link #CONTAINER_PREFIX} key. */
    static boolean isUnappliedLookalike(String key) {
        return key.contains(MARKER) && !key.equals(POD) && !key.startsWith(CONTAINER_PREFIX);
    }
}
