package io.github.sysched.charts;

import static io.github.sysched.charts.ChartRenderer.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The images the chart pulls are the images the build makes: Jib names them
 * {@code ${image.registry}/${artifactId}:${project.version}} (root pom.xml), the chart renders
 * {@code <image.registry>/<repository>:<tag, default appVersion>} or {@code @<digest>}.
 */
class ImageTest {

    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    private static Container container(Rendered r, String component) {
        Deployment d = component.equals("webhook") ? AppConfigTest.webhook(r) : AppConfigTest.scheduler(r);
        return d.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static String pomValue(String tag) throws IOException {
        String pom = Files.readString(Path.of("..", "pom.xml"));
        Matcher m = Pattern.compile("<" + Pattern.quote(tag) + ">([^<]+)</" + Pattern.quote(tag) + ">")
                .matcher(pom);
        assertThat(m.find()).as("<%s> in the root pom", tag).isTrue();
        return m.group(1);
    }

    private static String chartValue(String key) throws IOException {
        Matcher m = Pattern.compile("(?m)^" + key + ":\\s*\"?([^\"\\s]+)\"?")
                .matcher(Files.readString(ChartRenderer.CHART.resolve("Chart.yaml")));
        assertThat(m.find()).as(key + " in Chart.yaml").isTrue();
        return m.group(1);
    }

    @Test
    void defaultsNameTheImagesJibBuildsForThisVersion() throws IOException {
        Matcher own = Pattern.compile("<artifactId>sysched-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Path.of("..", "pom.xml")));
        assertThat(own.find()).as("the version of sysched-parent").isTrue();
        String version = own.group(1);
        assertThat(chartValue("appVersion")).isEqualTo(version);
        assertThat(chartValue("version")).isEqualTo(version);
        String registry = pomValue("image.registry");
        Rendered r = render("cert-manager");
        assertThat(container(r, "webhook").getImage()).isEqualTo(registry + "/sysched-webhook:" + version);
        assertThat(container(r, "scheduler").getImage()).isEqualTo(registry + "/sysched-scheduler:" + version);
    }

    @Test
    void aDigestPinsTheImageAndATagOrRegistryCanBeChosen() throws IOException {
        Rendered r = render(
                "cert-manager",
                Map.of(
                        "webhook.image.digest",
                        DIGEST,
                        "scheduler.image.tag",
                        "0.2.0-rc1",
                        "image.registry",
                        "registry.example.com/platform"));
        assertThat(container(r, "webhook").getImage())
                .isEqualTo("registry.example.com/platform/sysched-webhook@" + DIGEST);
        assertThat(container(r, "scheduler").getImage())
                .isEqualTo("registry.example.com/platform/sysched-scheduler:0.2.0-rc1");

        Rendered local =
                render("cert-manager", Map.of("image.registry", "", "scheduler.image.registry", "localhost:5000"));
        assertThat(container(local, "webhook").getImage()).isEqualTo("sysched-webhook:" + chartValue("appVersion"));
        assertThat(container(local, "scheduler").getImage()).startsWith("localhost:5000/sysched-scheduler:");
    }

    @Test
    void malformedDigestsAndRegistriesAreRejected() {
        assertThatThrownBy(() -> ChartRenderer.template("cert-manager", Map.of("webhook.image.digest", "latest")))
                .hasMessageContaining("digest");
        assertThatThrownBy(() -> ChartRenderer.template("cert-manager", Map.of("image.registry", "https://ghcr.io")))
                .hasMessageContaining("registry");
    }

    @Test
    void bothPodsKnowTheirOwnNameNamespaceAndUidForTheirNotReadyEvents() {
        Rendered r = render("everything");
        for (String component : new String[] {"webhook", "scheduler"}) {
            Map<String, String> fieldRefs = new java.util.HashMap<>();
            for (EnvVar env : container(r, component).getEnv()) {
                if (env.getValueFrom() != null && env.getValueFrom().getFieldRef() != null) {
                    fieldRefs.put(
                            env.getName(), env.getValueFrom().getFieldRef().getFieldPath());
                }
            }
            assertThat(fieldRefs)
                    .as(component)
                    .containsEntry("POD_NAME", "metadata.name")
                    .containsEntry("POD_NAMESPACE", "metadata.namespace")
                    .containsEntry("POD_UID", "metadata.uid");
        }
    }
}
