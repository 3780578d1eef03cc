package io.github.sysched.testsupport;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The shared fixtures of this module by class-path name: {@code /spo-crds/…} (SPO's CRDs of several releases),
 * {@code /sysched-examples/NAME.profile.yaml} and {@code NAME.binding.yaml} (the SySched demo's profiles and
 * bindings), {@code /sysched-demo/…} (examples/sysched-demo as laid out there), {@code /container-profiles/…}.
 */
public final class TestResources {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private TestResources() {}

    public static InputStream stream(String resource) {
        InputStream in = TestResources.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalArgumentException("no test resource " + resource);
        }
        return in;
    }

    /** A single-document YAML or JSON fixture as {@code type}. */
    public static <T> T read(String resource, Class<T> type) {
        try (InputStream in = stream(resource)) {
            return SERIALIZATION.unmarshal(in, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As {@link #read(String, Class)}, checking that the object is of {@code kind}. */
    public static <T extends HasMetadata> T read(String resource, String kind, Class<T> type) {
        T object = read(resource, type);
        if (!kind.equals(object.getKind())) {
            throw new IllegalArgumentException(resource + " holds a " + object.getKind() + ", not a " + kind);
        }
        return object;
    }
}
