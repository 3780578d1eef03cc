package io.github.sysched.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.github.sysched.scoring.ReplicaSpreadGuard;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The zones the cluster's Nodes are in, kept from the Node informer's events: which zone each node is in, and the
 * distinct zones as an immutable set that readers take without locking. Nodes update often (status), zones
 * rarely: the set is only rebuilt when a node's zone changes, appears or goes.
 */
final class NodeZones implements ResourceEventHandler<Node> {

    private final Map<String, String> zoneOfNode = new HashMap<>();
    private volatile Set<String> zones = Set.of();
    private volatile boolean everyNodeHasZone = true;

    Set<String> zones() {
        return zones;
    }

    boolean everyNodeHasZone() {
        return everyNodeHasZone;
    }

    synchronized void clear() {
        zoneOfNode.clear();
        zones = Set.of();
        everyNodeHasZone = true;
    }

    @Override
    public void onAdd(Node node) {
        changed(node);
    }

    @Override
    public void onUpdate(Node oldNode, Node newNode) {
        changed(newNode);
    }

    @Override
    public void onDelete(Node node, boolean deletedFinalStateUnknown) {
        String name = nameOf(node);
        if (name == null) {
            return;
        }
        synchronized (this) {
            if (zoneOfNode.containsKey(name)) {
                zoneOfNode.remove(name);
                publish();
            }
        }
    }

    private void changed(Node node) {
        String name = nameOf(node);
        if (name == null) {
            return;
        }
        Map<String, String> labels = node.getMetadata().getLabels();
        String zone = labels == null ? null : labels.get(ReplicaSpreadGuard.ZONE_LABEL);
        synchronized (this) {
            boolean known = zoneOfNode.containsKey(name);
            String previous = zoneOfNode.put(name, zone);
            if (!known || !Objects.equals(previous, zone)) {
                publish();
            }
        }
    }

    private void publish() {
        Set<String> distinct = new TreeSet<>();
        boolean all = true;
        for (String zone : zoneOfNode.values()) {
            if (zone != null && !zone.isEmpty()) {
                distinct.add(zone);
            } else {
                all = false;
            }
        }
        everyNodeHasZone = all;
        zones = Set.copyOf(distinct);
    }

    private static String nameOf(Node node) {
        return node == null || node.getMetadata() == null
                ? null
                : node.getMetadata().getName();
    }
}
