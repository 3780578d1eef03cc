package io.github.sysched.demo;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Turns a Deployment into the pods its ReplicaSet controller would send to admission. */
final class WorkloadPods {

    private WorkloadPods() {}

    /**
     * One pod per replica, shaped as the ReplicaSet controller creates it: no name, a generateName,
     * the template's labels plus pod-template-hash, and an owner reference to the ReplicaSet.
     */
    static List<Pod> podsOf(Deployment deployment) {
        String namespace = deployment.getMetadata().getNamespace() == null
                ? "default"
                : deployment.getMetadata().getNamespace();
        String hash = Integer.toHexString(deployment.getMetadata().getName().hashCode() & 0xfffffff);
        String replicaSet = deployment.getMetadata().getName() + "-" + hash;
        int replicas = deployment.getSpec().getReplicas() == null
                ? 1
                : deployment.getSpec().getReplicas();
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            var template = deployment.getSpec().getTemplate();
            var labels = new java.util.LinkedHashMap<String, String>();
            if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
                labels.putAll(template.getMetadata().getLabels());
            }
            labels.put("pod-template-hash", hash);
            pods.add(new PodBuilder()
                    .withMetadata(new ObjectMetaBuilder()
                            .withGenerateName(replicaSet + "-")
                            .withNamespace(namespace)
                            .withLabels(labels)
                            .withAnnotations(
                                    template.getMetadata() == null
                                            ? null
                                            : template.getMetadata().getAnnotations())
                            .withOwnerReferences(new OwnerReferenceBuilder()
                                    .withApiVersion("apps/v1")
                                    .withKind("ReplicaSet")
                                    .withName(replicaSet)
                                    .withUid(UUID.nameUUIDFromBytes(replicaSet.getBytes())
                                            .toString())
                                    .withController(true)
                                    .withBlockOwnerDeletion(true)
                                    .build())
                            .build())
                    .withSpec(template.getSpec())
                    .build());
        }
        return pods;
    }

    /** What the API server appends to a generateName: 5 characters from this alphabet (apimachinery's rand). */
    private static final String GENERATED_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private static final int GENERATED_LENGTH = 5;

    /** What the API server does after admission: a name from generateName, and a uid. */
    static Pod named(Pod admitted, int sequence) {
        StringBuilder suffix = new StringBuilder(GENERATED_LENGTH);
        int n = Math.floorMod((sequence + 1) * 0x9E3779B1, 14_348_907); // 27^5 names, spread
        for (int i = 0; i < GENERATED_LENGTH; i++, n /= GENERATED_ALPHABET.length()) {
            suffix.append(GENERATED_ALPHABET.charAt(n % GENERATED_ALPHABET.length()));
        }
        return new PodBuilder(admitted)
                .editMetadata()
                .withName(admitted.getMetadata().getGenerateName() + suffix)
                .withUid(UUID.randomUUID().toString())
                .endMetadata()
                .build();
    }
}
