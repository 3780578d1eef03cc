package io.github.sysched.webhook.mutation;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.github.sysched.pod.PodSyscalls;
import io.github.sysched.webhook.admission.AdmissionContext;
import io.github.sysched.webhook.admission.AdmissionVerdict;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** One pod CREATE while the mutators run: the pod they edit, their verdict, and what they tell each other. */
public final class PodAdmission {

    private final AdmissionContext request;
    private final Pod pod;
    private final AdmissionVerdict verdict;
    private PodSyscalls syscalls;
    private String sandboxIppClass;

    public PodAdmission(AdmissionContext request, Pod pod, AdmissionVerdict verdict) {
        this.request = request;
        this.pod = pod;
        this.verdict = verdict;
    }

    public AdmissionContext request() {
        return request;
    }

    /** The pod being admitted, edited in place by the mutators. */
    public Pod pod() {
        return pod;
    }

    public void warn(String warning) {
        verdict.warn(warning);
    }

    public void deny(String message) {
        verdict.deny(message);
    }

    /** The pod's resolved syscall set, once {@link ProfileMutator} has computed it. */
    public Optional<PodSyscalls> syscalls() {
        return Optional.ofNullable(syscalls);
    }

    void syscalls(PodSyscalls syscalls) {
        this.syscalls = syscalls;
    }

    /** The IPP class the sandbox policy gives an unconfined pod that has none (see {@link SandboxMutator}). */
    public Optional<String> sandboxIppClass() {
        return Optional.ofNullable(sandboxIppClass);
    }

    void sandboxIppClass(String ippClass) {
        this.sandboxIppClass = ippClass;
    }

    /** Sets annotation {@code key}, adding the annotations map when the pod has none. */
    public void annotate(String key, String value) {
        ObjectMeta metadata = metadata();
        if (metadata.getAnnotations() == null) {
            metadata.setAnnotations(new LinkedHashMap<>());
        }
        metadata.getAnnotations().put(key, value);
    }

    /** Sets label {@code key}, adding the labels map when the pod has none. */
    public void label(String key, String value) {
        ObjectMeta metadata = metadata();
        if (metadata.getLabels() == null) {
            metadata.setLabels(new LinkedHashMap<>());
        }
        metadata.getLabels().put(key, value);
    }

    /** Label {@code key}, or null. */
    public String labelValue(String key) {
        Map<String, String> labels =
                pod.getMetadata() == null ? null : pod.getMetadata().getLabels();
        return labels == null ? null : labels.get(key);
    }

    private ObjectMeta metadata() {
        if (pod.getMetadata() == null) {
            pod.setMetadata(new ObjectMeta());
        }
        return pod.getMetadata();
    }
}
