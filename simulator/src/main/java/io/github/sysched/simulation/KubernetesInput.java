package io.github.sysched.simulation;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.sysched.spo.ProfileBinding;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SpoApiVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Kubernetes objects read from files the way {@code kubectl} writes or applies them: YAML (several documents
 * separated by {@code ---}) or JSON, single objects or {@code kind: List} ({@code kubectl get … -o json}).
 * A directory is read recursively, files ({@code .yaml}, {@code .yml}, {@code .json}) in name order; objects keep
 * the order in which they were read, which is the arrival order of the pods.
 *
 * <p>Kept: Pods, Deployments, StatefulSets, Nodes, Namespaces, SPO SeccompProfiles and ProfileBindings. Every
 * other kind is counted in {@link #ignoredKinds()} and otherwise left alone.
 */
public record KubernetesInput(
        List<HasMetadata> workloads,
        List<Node> nodes,
        List<Namespace> namespaces,
        List<SeccompProfile> profiles,
        List<ProfileBinding> bindings,
        Map<String, Integer> ignoredKinds) {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    /** Replicas one Deployment or StatefulSet may ask for: each becomes a simulated pod. */
    public static final int MAX_REPLICAS = 100_000;

    public KubernetesInput {
        workloads = List.copyOf(workloads);
        nodes = List.copyOf(nodes);
        namespaces = List.copyOf(namespaces);
        profiles = List.copyOf(profiles);
        bindings = List.copyOf(bindings);
        ignoredKinds = java.util.Collections.unmodifiableMap(new TreeMap<>(ignoredKinds));
    }

    public static KubernetesInput read(Collection<Path> paths) {
        Builder builder = new Builder();
        for (Path path : paths) {
            for (Path file : filesOf(path)) {
                builder.addFile(file);
            }
        }
        return builder.build();
    }

    /**
     * The objects of {@code text}, read as the content of a file named {@code file} ({@code .json}: one JSON
     * document, else a YAML stream), which also names it in messages.
     *
     * @throws IllegalArgumentException when the text is not valid YAML or JSON, or holds an invalid object
     */
    public static KubernetesInput parse(String text, String file) {
        Builder builder = new Builder();
        builder.addText(text, file);
        return builder.build();
    }

    /**
     * The documents of a YAML stream, each as JSON text, leaving out empty ones (only comments or blanks). Read by a
     * YAML parser, so every valid separator counts ({@code ---} followed by a comment or by content, {@code ...}
     * document ends) and a {@code ---} inside a block scalar does not.
     *
     * @throws IllegalArgumentException when the text is not valid YAML (the message gives the line)
     */
    public static List<String> yamlDocuments(String text) {
        List<String> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> values = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (values.hasNextValue()) {
                JsonNode document = values.nextValue();
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    documents.add(document.toString());
                }
            }
        } catch (JacksonException e) {
            throw new IllegalArgumentException(
                    "not valid YAML: " + e.getOriginalMessage()
                            + (e.getLocation() == null
                                    ? ""
                                    : " (line " + e.getLocation().getLineNr() + ")"),
                    e);
        }
        return documents;
    }

    private static List<Path> filesOf(Path path) {
        if (Files.isRegularFile(path)) {
            return List.of(path);
        }
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException(path + " does not exist");
        }
        try (Stream<Path> walk = Files.walk(path)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml")
                            || p.toString().endsWith(".yml")
                            || p.toString().endsWith(".json"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + path, e);
        }
    }

    private static final class Builder {
        private final List<HasMetadata> workloads = new ArrayList<>();
        private final List<Node> nodes = new ArrayList<>();
        private final List<Namespace> namespaces = new ArrayList<>();
        private final List<SeccompProfile> profiles = new ArrayList<>();
        private final List<ProfileBinding> bindings = new ArrayList<>();
        private final Map<String, Integer> ignored = new TreeMap<>();

        void addFile(Path file) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            addText(text, file.toString());
        }

        void addText(String text, String file) {
            List<String> documents;
            try {
                documents = file.endsWith(".json") ? List.of(text) : yamlDocuments(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
            for (int i = 0; i < documents.size(); i++) {
                String document = documents.get(i);
                String where = file + (documents.size() > 1 ? " (document " + (i + 1) + ")" : "");
                GenericKubernetesResource object;
                try {
                    object = Serialization.unmarshal(document, GenericKubernetesResource.class);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(where + ": not a Kubernetes object: " + e.getMessage(), e);
                }
                add(object, where);
            }
        }

        private void add(GenericKubernetesResource object, String where) {
            String kind = object.getKind() == null ? "" : object.getKind();
            if (kind.isEmpty()) {
                throw new IllegalArgumentException(where + ": object without kind");
            }
            if (kind.equals("List") || kind.endsWith("List")) {
                Object items = object.getAdditionalProperties().get("items");
                if (items instanceof List<?> list) {
                    for (int i = 0; i < list.size(); i++) {
                        add(
                                Serialization.unmarshal(
                                        Serialization.asJson(list.get(i)), GenericKubernetesResource.class),
                                where + " item " + i);
                    }
                }
                return;
            }
            String version = object.getApiVersion() == null ? "" : object.getApiVersion();
            SpoApiVersion spo = SpoApiVersion.ofObjectVersion(version.substring(version.indexOf('/') + 1));
            boolean spoGroup = version.startsWith("security-profiles-operator.x-k8s.io/");
            switch (kind) {
                case "Pod" -> {
                    Pod pod = named(as(object, Pod.class, where), where);
                    containersNamed(pod.getSpec(), where);
                    workloads.add(pod);
                }
                case "Deployment" -> {
                    Deployment deployment = named(as(object, Deployment.class, where), where);
                    workloads.add(deployment);
                    controller(
                            deployment.getSpec() == null
                                    ? null
                                    : deployment.getSpec().getReplicas(),
                            deployment.getSpec() == null
                                    ? null
                                    : deployment.getSpec().getTemplate(),
                            where);
                }
                case "StatefulSet" -> {
                    StatefulSet statefulSet = named(as(object, StatefulSet.class, where), where);
                    workloads.add(statefulSet);
                    controller(
                            statefulSet.getSpec() == null
                                    ? null
                                    : statefulSet.getSpec().getReplicas(),
                            statefulSet.getSpec() == null
                                    ? null
                                    : statefulSet.getSpec().getTemplate(),
                            where);
                }
                case "Node" -> nodes.add(named(as(object, Node.class, where), where));
                case "Namespace" -> namespaces.add(named(as(object, Namespace.class, where), where));
                case "SeccompProfile" -> {
                    if (spoGroup) {
                        profiles.add(named(as(object, spo.seccompProfileClass(), where), where));
                    } else {
                        ignored.merge(kind, 1, Integer::sum);
                    }
                }
                case "ProfileBinding" -> {
                    if (spoGroup) {
                        ProfileBinding binding = named(as(object, spo.profileBindingClass(), where), where);
                        if (binding.getMetadata().getNamespace() == null) {
                            binding.getMetadata().setNamespace("default"); // where kubectl apply would put it
                        }
                        bindings.add(binding);
                    } else {
                        ignored.merge(kind, 1, Integer::sum);
                    }
                }
                default -> ignored.merge(kind, 1, Integer::sum);
            }
        }

        /** Every object the API server would store has a name; ours are looked up and reported by it. */
        private static <T extends HasMetadata> T named(T object, String where) {
            if (object.getMetadata() == null
                    || object.getMetadata().getName() == null
                    || object.getMetadata().getName().isEmpty()) {
                throw new IllegalArgumentException(where + ": " + object.getKind() + " without metadata.name");
            }
            return object;
        }

        /** Containers are resolved and reported by name: the API server refuses a pod with a nameless one. */
        private static void containersNamed(PodSpec spec, String where) {
            if (spec == null) {
                return;
            }
            for (String list : List.of("containers", "initContainers")) {
                List<Container> containers =
                        list.equals("containers") ? spec.getContainers() : spec.getInitContainers();
                for (int i = 0; containers != null && i < containers.size(); i++) {
                    if (containers.get(i) == null
                            || containers.get(i).getName() == null
                            || containers.get(i).getName().isEmpty()) {
                        throw new IllegalArgumentException(where + ": " + list + "[" + i + "] without a name");
                    }
                }
            }
        }

        /** A controller becomes {@code replicas} pods of its template: both must make sense. */
        private static void controller(Integer replicas, PodTemplateSpec template, String where) {
            if (template == null || template.getSpec() == null) {
                throw new IllegalArgumentException(where + ": without spec.template.spec");
            }
            containersNamed(template.getSpec(), where);
            if (replicas != null && (replicas < 0 || replicas > MAX_REPLICAS)) {
                throw new IllegalArgumentException(
                        where + ": spec.replicas " + replicas + " is not between 0 and " + MAX_REPLICAS);
            }
        }

        private static <T> T as(GenericKubernetesResource object, Class<T> type, String where) {
            try {
                return Serialization.unmarshal(Serialization.asJson(object), type);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(where + ": invalid " + object.getKind() + ": " + e.getMessage(), e);
            }
        }

        KubernetesInput build() {
            return new KubernetesInput(workloads, nodes, namespaces, profiles, bindings, ignored);
        }
    }
}
