package io.github.sysched.scheduler.explain;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.sysched.simulation.KubernetesInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pod a manifest would create: a Pod as it is, or the pod template of a workload (anything with
 * {@code spec.template}: Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController; a CronJob's
 * {@code spec.jobTemplate.spec.template}), named as its controller would name it ({@code generateName}). YAML (several
 * documents) or JSON, as {@code kubectl apply -f} reads it; other kinds (a Service next to the Deployment) are skipped.
 *
 * @param pod   the pod, in its manifest's namespace or the default one
 * @param from  what it came from, e.g. {@code Deployment redis1}
 */
record ManifestPod(Pod pod, String from) {

    /**
     * @param where            the file name (or {@code stdin}) for messages
     * @param defaultNamespace the namespace of objects that name none
     * @throws IllegalArgumentException when the text is not Kubernetes YAML/JSON, or holds no pod or more than one
     */
    static ManifestPod read(String text, String where, String defaultNamespace) {
        List<String> documents;
        try {
            documents = KubernetesInput.yamlDocuments(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        List<ManifestPod> pods = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            String at = where + (documents.size() > 1 ? " (document " + (i + 1) + ")" : "");
            GenericKubernetesResource object;
            try {
                object = Serialization.unmarshal(documents.get(i), GenericKubernetesResource.class);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(at + ": not a Kubernetes object: " + e.getMessage(), e);
            }
            if (object == null || object.getKind() == null || object.getKind().isEmpty()) {
                throw new IllegalArgumentException(at + ": not a Kubernetes object (no kind)");
            }
            ManifestPod pod = podOf(object, at, defaultNamespace);
            if (pod == null) {
                skipped.add(object.getKind());
            } else {
                pods.add(pod);
            }
        }
        if (pods.isEmpty()) {
            throw new IllegalArgumentException(where + " holds no Pod and no workload with a pod template"
                    + (skipped.isEmpty() ? "" : " (only " + String.join(", ", skipped) + ")"));
        }
        if (pods.size() > 1) {
            throw new IllegalArgumentException(where + " holds " + pods.size() + " pods ("
                    + String.join(", ", pods.stream().map(ManifestPod::from).toList()) + "): give one at a time");
        }
        return pods.get(0);
    }

    private static ManifestPod podOf(GenericKubernetesResource object, String at, String defaultNamespace) {
        String kind = object.getKind();
        ObjectMeta meta = object.getMetadata() == null ? new ObjectMeta() : object.getMetadata();
        String namespace =
                meta.getNamespace() == null || meta.getNamespace().isEmpty() ? defaultNamespace : meta.getNamespace();
        String name = meta.getName() == null ? "" : meta.getName();
        if (kind.equals("Pod")) {
            Pod pod = convert(object, Pod.class, at);
            return new ManifestPod(
                    new PodBuilder(pod)
                            .editOrNewMetadata()
                            .withNamespace(namespace)
                            .endMetadata()
                            .build(),
                    "Pod " + name);
        }
        Object template = path(object.getAdditionalProperties(), "spec", "template");
        if (template == null) {
            template = path(object.getAdditionalProperties(), "spec", "jobTemplate", "spec", "template");
        }
        if (!(template instanceof Map<?, ?>)) {
            return null;
        }
        PodTemplateSpec spec = convert(template, PodTemplateSpec.class, at + " spec.template");
        if (spec.getSpec() == null) {
            throw new IllegalArgumentException(at + ": " + kind + " " + name + " has a pod template without a spec");
        }
        ObjectMeta templateMeta = spec.getMetadata() == null ? new ObjectMeta() : spec.getMetadata();
        Pod pod = new PodBuilder()
                .withMetadata(new ObjectMetaBuilder(templateMeta)
                        .withName(null)
                        .withNamespace(namespace)
                        .withGenerateName(name.isEmpty() ? null : name + "-")
                        .build())
                .withSpec(spec.getSpec())
                .build();
        return new ManifestPod(pod, kind + " " + name);
    }

    private static Object path(Map<String, Object> root, String... keys) {
        Object at = root;
        for (String key : keys) {
            if (!(at instanceof Map<?, ?> map)) {
                return null;
            }
            at = map.get(key);
        }
        return at;
    }

    private static <T> T convert(Object value, Class<T> type, String at) {
        try {
            return Serialization.unmarshal(Serialization.asJson(value), type);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(at + ": invalid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
