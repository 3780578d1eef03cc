package io.github.sysched.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.annotation.SyscallAnnotation;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.WebhookTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code sysched.webhook.containers.*} reaches the resolver: with {@code unprofiled=ignore} an unprofiled sidecar
 * next to the demo's bound nginx is left out (upstream SySched's reading), with {@code init=ignore} an init
 * container that runs to completion is too; the client is told.
 */
@TestPropertySource(
        properties = {"sysched.webhook.containers.unprofiled=ignore", "sysched.webhook.containers.init=ignore"})
class ContainerPolicyTest extends WebhookTestBase {

    @Test
    void unprofiledAndInitContainersAreLeftOutWhenConfigured() {
        ObjectNode pod = Reviews.pod("nginx-", "default", "nginx:1.16", "envoy:1");
        ((ObjectNode) pod.path("spec"))
                .putArray("initContainers")
                .addObject()
                .put("name", "istio-init")
                .put("image", "proxyv2:1");
        ObjectNode review = Reviews.podCreate("default", pod);

        JsonNode response = admit("/mutate", review);
        JsonNode patched = patched(review, response);

        JsonNode annotations = patched.path("metadata").path("annotations");
        assertThat(SyscallAnnotation.decode(
                                annotations.path(PlacementAnnotations.SYSCALLS).asString())
                        .syscalls()
                        .cardinality())
                .isEqualTo(98);
        assertThat(annotations.path(PlacementAnnotations.PROFILES).asString())
                .isEqualTo("init:istio-init=left out (runs to completion), "
                        + "c0=default/nginx-seccomp (binding default/nginx-binding), c1=no profile (left out)");
        assertThat(response.path("warnings").toString())
                .contains("container(s) [c1]")
                .contains("left out of its syscall set (containers.unprofiled=ignore)");
    }
}
