package io.github.sysched.annotation;

/** Pod annotation keys that form the contract between the webhook (writer) and the scheduler (reader). */
public final class PlacementAnnotations {

    /** The pod's resolved syscall set, encoded by {@link SyscallAnnotation}. */
    public static final String SYSCALLS = "exs.sysched.io/syscalls";

    /** Human-readable: which profile each container got and why. */
    public static final String PROFILES = "exs.sysched.io/profiles";

    /** The pod's instance-per-pod isolation class in IPP {@code fast} mode. */
    public static final String IPP_CLASS = "exs.sysched.io/ipp-class";

    /**
     * The webhook's proof that it wrote {@link #SYSCALLS} and {@link #IPP_CLASS} for this pod
     * ({@link AnnotationSignature}); the extender trusts those two only with a valid one.
     */
    public static final String SIGNATURE = "exs.sysched.io/signature";

    /**
     * The topology keys of the {@code topologySpreadConstraints} the webhook injected for the replica-spread guard,
     * comma-separated (e.g. {@code kubernetes.io/hostname,topology.kubernetes.io/zone}); absent when it injected
     * none. It tells injected constraints from the pod author's. (The label of the same key,
     * {@code exs.sysched.io/replica-spread=off}, is the opt-out: an input, not this output.)
     */
    public static final String REPLICA_SPREAD = "exs.sysched.io/replica-spread";

    /** Every annotation the webhook owns: clients may not set or change them. */
    public static final java.util.List<String> OWNED =
            java.util.List.of(SYSCALLS, PROFILES, IPP_CLASS, SIGNATURE, REPLICA_SPREAD);

    private PlacementAnnotations() {}
}
