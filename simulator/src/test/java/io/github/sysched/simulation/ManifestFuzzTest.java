package io.github.sysched.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.sysched.testsupport.TestResources;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of the manifest reader and of the SPO profile and binding readers behind it: a
 * YAML stream ({@link KubernetesInput#parse}) becomes a workload ({@link ManifestWorkload#build}), which converts
 * every SeccompProfile (actions, names, base profiles), every ProfileBinding (image, selector, profile reference)
 * and every Namespace, and resolves each pod as the webhook would. Bad input is refused with
 * {@link IllegalArgumentException} and a message; nothing else escapes. Regression inputs:
 * {@code ManifestFuzzTestInputs/manifest/} and the demo's manifests; campaign: SECURITY.md "Fuzzing".
 */
class ManifestFuzzTest {

    private static final List<String> DEMO = List.of(
            "00-namespace.yaml",
            "profiles/nginx.profile.yaml",
            "profiles/full.profile.yaml",
            "bindings/nginx.binding.yaml",
            "workloads/1-nginx1.yaml");

    static Stream<String> manifest() {
        String all =
                String.join("---\n", DEMO.stream().map(ManifestFuzzTest::demo).toList());
        return Stream.concat(DEMO.stream().map(ManifestFuzzTest::demo), Stream.of(all));
    }

    @MethodSource
    @FuzzTest
    void manifest(String yaml) {
        KubernetesInput input;
        try {
            input = KubernetesInput.parse(yaml, "fuzz.yaml");
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        try {
            ManifestWorkload.Result result = ManifestWorkload.build(input, ManifestWorkload.Options.defaults());
            assertThat(result.workload()).isNotNull();
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    private static String demo(String file) {
        try (InputStream in = TestResources.stream("/sysched-demo/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
