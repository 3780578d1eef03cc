package io.github.sysched.webhook.mutation;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.annotation.AnnotationSignature;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.WebhookTestBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The webhook signs what it writes with the key mounted in {@code key-dir}, and the extender's check
 * ({@link AnnotationSignature#verify}) accepts exactly the pod as the API server completes it (generated name) and
 * nothing the client or another namespace brought.
 */
@TestPropertySource(properties = {"sysched.webhook.ipp.mode=fast", "sysched.webhook.annotations.key-check-interval=1h"})
class AnnotationSignerTest extends WebhookTestBase {

    static final AnnotationSignature.Key KEY =
            AnnotationSignature.Key.of("webhook-test-annotation-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    static final AnnotationSignature.KeyRing RING = new AnnotationSignature.KeyRing(KEY, null);

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) {
        try {
            Path dir = Files.createTempDirectory("webhook-annotation-keys");
            Files.write(dir.resolve("current"), KEY.secret());
            registry.add("sysched.webhook.annotations.key-dir", dir::toString);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> annotations(JsonNode pod) {
        Map<String, String> annotations = new LinkedHashMap<>();
        pod.path("metadata")
                .path("annotations")
                .properties()
                .forEach(e -> annotations.put(e.getKey(), e.getValue().asString()));
        return annotations;
    }

    @Test
    void whatTheWebhookWritesVerifiesForThePodTheApiServerCreates() {
        ObjectNode pod = Reviews.pod("web-7d9f8c-", "default", "nginx:1.16");
        ((ObjectNode) pod.path("metadata").path("labels")).put("ipp-class", "tenant-a");
        ((ObjectNode) pod.path("metadata"))
                .putObject("annotations")
                .put(PlacementAnnotations.SIGNATURE, "v1;0123456789abcdef;g:web-7d9f8c-;" + "A".repeat(43));

        Map<String, String> admitted = annotations(
                patched(Reviews.podCreate("default", pod), admit("/mutate", Reviews.podCreate("default", pod))));

        assertThat(admitted).containsKeys(PlacementAnnotations.SYSCALLS, PlacementAnnotations.IPP_CLASS);
        assertThat(admitted.get(PlacementAnnotations.SIGNATURE))
                .as("the client's value is replaced")
                .startsWith("v1;" + KEY.id() + ";g:web-7d9f8c-;");
        assertThat(AnnotationSignature.verify(RING, "default", "web-7d9f8c-x2b4q", admitted))
                .isEqualTo(AnnotationSignature.Verdict.VALID);
        // bound to the namespace and the values it covers
        assertThat(AnnotationSignature.verify(RING, "kube-system", "web-7d9f8c-x2b4q", admitted))
                .isEqualTo(AnnotationSignature.Verdict.INVALID);
        Map<String, String> reclassed = new LinkedHashMap<>(admitted);
        reclassed.put(PlacementAnnotations.IPP_CLASS, "tenant-b");
        assertThat(AnnotationSignature.verify(RING, "default", "web-7d9f8c-x2b4q", reclassed))
                .isEqualTo(AnnotationSignature.Verdict.INVALID);
    }

    @Test
    void aPodOfAnExemptNamespaceIsNeitherAnnotatedNorSigned() {
        ObjectNode pod = Reviews.pod("agent-", "kube-system", "nginx:1.16");
        ((ObjectNode) pod.path("metadata"))
                .putObject("annotations")
                .put(PlacementAnnotations.SYSCALLS, "v1;;;")
                .put(PlacementAnnotations.IPP_CLASS, "tenant-a");

        JsonNode response = admit("/mutate", Reviews.podCreate("kube-system", pod));

        assertThat(patchOf(response)).isEmpty();
        assertThat(AnnotationSignature.verify(RING, "kube-system", "agent-x2b4q", annotations(pod)))
                .isEqualTo(AnnotationSignature.Verdict.ABSENT);
    }
}
