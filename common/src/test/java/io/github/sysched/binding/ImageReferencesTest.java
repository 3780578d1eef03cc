package io.github.sysched.binding;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageReferencesTest {

    /**
     * security-profiles-operator {@code internal/pkg/webhooks/binding/binding_test.go}: {@code TestContainersByImage}
     * ("EquivalentReferences": nginx, docker.io/library/nginx:latest and index.docker.io/nginx are one image,
     * nginx:1.23.2 another) and {@code TestHandleNormalizesImages} (nginx:1.23.2, docker.io/nginx:1.23.2 and
     * docker.io/library/nginx:1.23.2 are bound alike).
     */
    @Test
    void equivalentReferencesAsSpoGroupsThem() {
        assertThat(ImageReferences.normalize("nginx"))
                .isEqualTo("docker.io/library/nginx:latest")
                .isEqualTo(ImageReferences.normalize("docker.io/library/nginx:latest"))
                .isEqualTo(ImageReferences.normalize("index.docker.io/nginx"));
        assertThat(ImageReferences.normalize("nginx:1.23.2"))
                .isEqualTo("docker.io/library/nginx:1.23.2")
                .isEqualTo(ImageReferences.normalize("docker.io/nginx:1.23.2"))
                .isEqualTo(ImageReferences.normalize("docker.io/library/nginx:1.23.2"));
    }

    @Test
    void registriesPortsOrganisationsAndDigestsAreKept() {
        assertThat(ImageReferences.normalize("quay.io/prometheus/node-exporter"))
                .isEqualTo("quay.io/prometheus/node-exporter:latest");
        assertThat(ImageReferences.normalize("localhost:5000/app:1")).isEqualTo("localhost:5000/app:1");
        assertThat(ImageReferences.normalize("localhost/app")).isEqualTo("localhost/app:latest");
        assertThat(ImageReferences.normalize("bitnami/redis:7")).isEqualTo("docker.io/bitnami/redis:7");
        assertThat(ImageReferences.normalize("nginx@sha256:abc")).isEqualTo("docker.io/library/nginx@sha256:abc");
        assertThat(ImageReferences.normalize("nginx:1.16@sha256:abc"))
                .isEqualTo("docker.io/library/nginx:1.16@sha256:abc");
    }

    @Test
    void referencesDockerRejectsStayAsTheyAre() {
        assertThat(ImageReferences.normalize("")).isEmpty();
        assertThat(ImageReferences.normalize(null)).isNull();
        assertThat(ImageReferences.normalize("Nginx")).isEqualTo("Nginx");
        assertThat(ImageReferences.normalize(" nginx")).isEqualTo(" nginx");
    }
}
