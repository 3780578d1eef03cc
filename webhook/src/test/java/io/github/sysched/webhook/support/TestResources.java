package io.github.sysched.webhook.support;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Kubernetes objects from test resources (YAML or JSON). */
public final class TestResources {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private TestResources() {
    }

    public static <T> T load(String resource, Class<T> type) {
        try (InputStream in = TestResources.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return SERIALIZATION.unmarshal(in, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
