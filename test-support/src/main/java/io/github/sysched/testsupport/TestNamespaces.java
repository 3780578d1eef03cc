package io.github.sysched.testsupport;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;

/** Namespaces as a real API server stores them, for the loopback API servers and the in-memory clusters. */
public final class TestNamespaces {

    private TestNamespaces() {}

    /**
     * A namespace named {@code name} with the label {@code kubernetes.io/metadata.name=name}, which the API server
     * sets on every namespace (webhook namespace selectors match on it).
     */
    public static Namespace named(String name) {
        return new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("kubernetes.io/metadata.name", name)
                .endMetadata()
                .build();
    }
}
