package io.github.sysched.scheduler.extender;

import io.github.sysched.pod.ScoringPod;
import io.github.sysched.scheduler.extender.NodeNameTable.NodeName;
import io.github.sysched.scheduler.state.NodeIds;
import io.github.sysched.scoring.ExsEngine;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.RandomAccess;

/**
 * A decoded {@code ExtenderArgs} ({@code k8s.io/kube-scheduler/extender/v1}), as far as the extender reads it: the pod
 * reduced to what scoring reads, and the candidate nodes in the form kube-scheduler sent them.
 *
 * @param pod       the pod being scheduled, or null when the request has none
 * @param nodeNames {@code NodeNames} (a {@code nodeCacheCapable} extender), canonical entries in request order; null
 *                  when absent or null
 * @param nodeItems {@code Nodes.items} (not {@code nodeCacheCapable}): each node's name and its JSON exactly as
 *                  received, to be echoed by filter; null when absent or null
 *
 * <p>Neither list changes once decoded: the in-flight registry keeps the {@link #candidates()} view of
 * {@code nodeNames} as an attempt's candidates without copying it ({@link NodeIds}).
 */
record ExtenderRequest(ScoringPod pod, List<NodeName> nodeNames, List<NodeItem> nodeItems) {

    /** One element of {@code Nodes.items}: {@code metadata.name} (null if it has none) and its JSON text. */
    record NodeItem(String name, String json) {}

    /** The candidates: {@code NodeNames} when present, else the names of {@code Nodes.items} (nameless left out). */
    List<String> candidates() {
        if (nodeNames != null) {
            return names(nodeNames);
        }
        if (nodeItems != null) {
            return itemNames();
        }
        return List.of();
    }

    /**
     * Every node filter decides on: the candidates, plus the named items when a request (never kube-scheduler's)
     * carries both forms.
     */
    List<String> filterCandidates() {
        if (nodeNames == null || nodeItems == null) {
            return candidates();
        }
        LinkedHashSet<String> both = new LinkedHashSet<>(names(nodeNames));
        both.addAll(itemNames());
        return List.copyOf(both);
    }

    private List<String> itemNames() {
        List<String> names = new ArrayList<>(nodeItems.size());
        for (NodeItem item : nodeItems) {
            if (item.name() != null) {
                names.add(item.name());
            }
        }
        return names;
    }

    /**
     * The names of {@code entries} as a list view: no copy. The engine reads and corrects each entry's slot hint
     * through it ({@link ExsEngine.SlotHints}); the in-flight registry reads their ids ({@link NodeIds}).
     */
    static List<String> names(List<NodeName> entries) {
        return new Names(entries);
    }

    private static final class Names extends AbstractList<String>
            implements RandomAccess, ExsEngine.SlotHints, NodeIds {
        private final List<NodeName> entries;

        Names(List<NodeName> entries) {
            this.entries = entries;
        }

        @Override
        public String get(int index) {
            return entries.get(index).name();
        }

        @Override
        public int size() {
            return entries.size();
        }

        @Override
        public int slotHint(int index) {
            return entries.get(index).engineSlot();
        }

        @Override
        public void slotHint(int index, int slot) {
            entries.get(index).engineSlot(slot);
        }

        @Override
        public Object idSpace() {
            Object space = entries.isEmpty() ? null : entries.get(0).idSpace();
            for (NodeName entry : entries) {
                if (entry.idSpace() != space) {
                    return null; // the table was emptied while the request was decoded
                }
            }
            return space;
        }

        @Override
        public int id(int index) {
            return entries.get(index).id();
        }
    }
}
