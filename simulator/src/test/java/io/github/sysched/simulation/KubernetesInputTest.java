package io.github.sysched.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** YAML streams are split by a YAML parser: every valid separator, nothing else. */
class KubernetesInputTest {

    @Test
    void aSeparatorWithACommentSeparates(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("pods.yaml");
        Files.writeString(file, """
                --- # first pod
                apiVersion: v1
                kind: Pod
                metadata: {name: a, namespace: shop}
                --- # second pod
                apiVersion: v1
                kind: Pod
                metadata: {name: b, namespace: shop}
                """);
        KubernetesInput input = KubernetesInput.read(List.of(file));
        assertThat(input.workloads()).extracting(o -> o.getMetadata().getName()).containsExactly("a", "b");
        assertThat(input.workloads()).allSatisfy(o -> assertThat(o).isInstanceOf(Pod.class));
    }

    @Test
    void separatorsInsideBlockScalarsAndEmptyDocumentsAreNoDocuments() {
        List<String> documents = KubernetesInput.yamlDocuments("""
                # only a comment
                ---
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: script}
                data:
                  run.sh: |
                    echo one
                    ---
                    echo two
                ...
                ---
                # trailing comment only
                """);
        assertThat(documents).hasSize(1);
        assertThat(documents.get(0)).contains("echo one\\n---\\necho two");
        assertThat(KubernetesInput.yamlDocuments("")).isEmpty();
        assertThat(KubernetesInput.yamlDocuments("---\n---   \n# nothing\n")).isEmpty();
    }

    @Test
    void invalidYamlIsAnErrorNamingFileAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, "apiVersion: v1\nkind: Pod\n---\nmetadata: {name: [x\n");
        assertThatThrownBy(() -> KubernetesInput.read(List.of(file)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broken.yaml")
                .hasMessageContaining("line");
        assertThatThrownBy(() -> KubernetesInput.yamlDocuments("a: [1,\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid YAML");
    }

    /** Found by ManifestFuzzTest: these made simulate fail with a NullPointerException (or allocate without bound). */
    @Test
    void objectsThatCannotBecomePodsAreRefusedWithTheirPlace() {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec: {replicas: %s%s}
                """;
        assertThatThrownBy(() -> KubernetesInput.parse(deployment.formatted("1", ""), "d.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("d.yaml: without spec.template.spec");
        String template = ", template: {spec: {containers: [{name: c, image: nginx}]}}";
        assertThatThrownBy(() -> KubernetesInput.parse(deployment.formatted("2000000000", template), "d.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spec.replicas 2000000000");
        assertThatThrownBy(() -> KubernetesInput.parse("apiVersion: v1\nkind: Pod\nmetadata: {}\n", "p.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Pod without metadata.name");
        assertThatThrownBy(() ->
                        KubernetesInput.parse(deployment.formatted("1", template.replace("name: c, ", "")), "d.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("containers[0] without a name");
        assertThat(KubernetesInput.parse(deployment.formatted("3", template), "d.yaml")
                        .workloads())
                .hasSize(1);
    }

    @Test
    void aProfileBindingWithoutNamespaceIsInTheDefaultNamespaceAsKubectlWouldPutIt() {
        KubernetesInput input = KubernetesInput.parse("""
                apiVersion: security-profiles-operator.x-k8s.io/v1alpha1
                kind: ProfileBinding
                metadata: {name: b}
                spec: {image: nginx, profileRef: {kind: SeccompProfile, name: p}}
                """, "b.yaml");

        assertThat(input.bindings().get(0).getMetadata().getNamespace()).isEqualTo("default");
    }
}
