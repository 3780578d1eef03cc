package io.github.sysched.testsupport;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;

/**
 * Nodes for the loopback API servers (the demo's embedded one, it/'s mock API, the load benchmarks) and for extender
 * requests that carry full Node objects: what the extender and the webhook read of a node, nothing a kubelet would
 * report besides.
 */
public final class TestNodes {

    private TestNodes() {}

    /** A node named {@code name}, labelled {@code kubernetes.io/hostname=name}, with condition Ready=True. */
    public static Node ready(String name) {
        return new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("kubernetes.io/hostname", name)
                .endMetadata()
                .withNewStatus()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build();
    }
}
