package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.github.sysched.annotation.AnnotationSignature;
import io.github.sysched.kube.AnnotationKeyDirectory;

/**
 * Whether the extender may believe a pod's {@code exs.sysched.io/syscalls} and {@code exs.sysched.io/ipp-class}
 * annotations: only when the webhook wrote them for that pod, i.e. they carry a valid {@link AnnotationSignature} under
 * the keys in force ({@code sysched.scheduler.annotations.trust=signed}, the default). Anything else (a pod of a
 * namespace the webhook does not cover, one created while it was down, a value copied from another pod) is resolved
 * from the pod's spec like an unannotated pod, and its class comes from its label (SECURITY.md).
 */
public final class AnnotationTrust {

    /** {@code sysched.scheduler.annotations.trust}. */
    public enum Mode {
        /** Only annotations with a valid signature (default). */
        SIGNED,
        /** Every annotation, signed or not: only for clusters where no one but the webhook can set them. */
        ANY
    }

    /** Believes every annotation (trust mode {@code any}, and tests of other concerns). */
    public static final AnnotationTrust ANY = new AnnotationTrust(Mode.ANY, null);

    private final Mode mode;
    private final AnnotationKeyDirectory keys;

    public AnnotationTrust(Mode mode, AnnotationKeyDirectory keys) {
        this.mode = mode;
        this.keys = keys;
    }

    public Mode mode() {
        return mode;
    }

    public AnnotationSignature.Verdict verify(Pod pod) {
        if (mode == Mode.ANY) {
            return AnnotationSignature.Verdict.VALID;
        }
        ObjectMeta meta = pod.getMetadata();
        if (meta == null) {
            return AnnotationSignature.Verdict.ABSENT;
        }
        return AnnotationSignature.verify(
                keys == null ? null : keys.keys().orElse(null),
                meta.getNamespace(),
                meta.getName(),
                meta.getAnnotations());
    }

    /** {@code listener} runs when the keys change (pods signed with a newly known key verify now). */
    public void onChange(Runnable listener) {
        if (keys != null) {
            keys.onChange(listener);
        }
    }
}
