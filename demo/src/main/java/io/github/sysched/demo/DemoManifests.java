package io.github.sysched.demo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.github.sysched.simulation.KubernetesInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The objects a demo run applies: namespaces (top-level *.yaml), SeccompProfiles (profiles/),
 * ProfileBindings (bindings/) and Deployments (workloads/, placed in file-name order).
 */
record DemoManifests(
        List<Namespace> namespaces,
        List<GenericKubernetesResource> profiles,
        List<GenericKubernetesResource> bindings,
        List<Deployment> workloads) {

    static final String BUILT_IN_ROOT = "sysched-demo/";
    static final String BUILT_IN_INDEX = "sysched-demo.index";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static DemoManifests fromDirectory(Path root) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("manifest directory " + root + " does not exist");
        }
        List<String> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return load(files, file -> {
            try {
                return Files.readString(root.resolve(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The SySched demo as packaged in the jar (examples/sysched-demo, through test-support). */
    static DemoManifests builtIn() {
        List<String> files = readResource(BUILT_IN_INDEX)
                .lines()
                .filter(l -> !l.isBlank())
                .sorted()
                .toList();
        return load(files, file -> readResource(BUILT_IN_ROOT + file));
    }

    private static DemoManifests load(List<String> files, java.util.function.Function<String, String> reader) {
        List<Namespace> namespaces = new ArrayList<>();
        List<GenericKubernetesResource> profiles = new ArrayList<>();
        List<GenericKubernetesResource> bindings = new ArrayList<>();
        List<Deployment> workloads = new ArrayList<>();
        for (String file : files) {
            for (String document : KubernetesInput.yamlDocuments(reader.apply(file))) {
                GenericKubernetesResource generic = SERIALIZATION.unmarshal(document, GenericKubernetesResource.class);
                String kind = generic.getKind();
                String where = file + " (" + kind + " "
                        + (generic.getMetadata() == null
                                ? "?"
                                : generic.getMetadata().getName()) + ")";
                switch (kind == null ? "" : kind) {
                    case "Namespace" -> namespaces.add(SERIALIZATION.unmarshal(document, Namespace.class));
                    case "SeccompProfile" -> profiles.add(generic);
                    case "ProfileBinding" -> bindings.add(generic);
                    case "Deployment" -> workloads.add(SERIALIZATION.unmarshal(document, Deployment.class));
                    case "Service" -> {
                        // Services do not take part in placement.
                    }
                    default ->
                        throw new IllegalArgumentException("unsupported object in " + where
                                + ": expected Namespace, SeccompProfile, ProfileBinding, Deployment or Service");
                }
            }
        }
        if (workloads.isEmpty()) {
            throw new IllegalArgumentException("no Deployment found in the manifests: nothing to place");
        }
        return new DemoManifests(namespaces, profiles, bindings, workloads);
    }

    private static String readResource(String name) {
        try (InputStream in = DemoManifests.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing built-in resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
