package io.github.sysched.demo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A run's placements, printed as a table. */
record PlacementReport(String strategy, List<String> nodes, List<PlacementStep> steps) {

    long finalClusterExs() {
        return steps.isEmpty() ? 0 : steps.get(steps.size() - 1).clusterExs();
    }

    /** Node → workloads placed there, in placement order. */
    Map<String, List<String>> workloadsByNode() {
        Map<String, List<String>> byNode = new TreeMap<>();
        nodes.forEach(n -> byNode.put(n, new ArrayList<>()));
        steps.forEach(s -> byNode.get(s.node()).add(s.workload()));
        return byNode;
    }

    void print(PrintStream out) {
        out.println();
        out.println("== " + strategy);
        StringBuilder header = new StringBuilder(String.format("%-4s %-28s %-10s", "step", "pod", "node"));
        for (String node : nodes) {
            header.append(String.format(" %14s", "ExS@" + node));
        }
        if (steps.stream().anyMatch(s -> !s.extenderScore().isEmpty())) {
            for (String node : nodes) {
                header.append(String.format(" %12s", "score@" + node));
            }
        }
        header.append(String.format(" %12s", "cluster ExS"));
        out.println(header);
        int i = 1;
        for (PlacementStep step : steps) {
            StringBuilder row = new StringBuilder(String.format("%-4d %-28s %-10s", i++, step.pod(), step.node()));
            for (String node : nodes) {
                row.append(String.format(" %14d", step.rawExs().getOrDefault(node, 0L)));
            }
            if (!step.extenderScore().isEmpty()) {
                for (String node : nodes) {
                    Integer score = step.extenderScore().get(node);
                    row.append(String.format(" %12s", score == null ? "filtered" : score.toString()));
                }
            }
            row.append(String.format(" %12d", step.clusterExs()));
            out.println(row);
        }
        Map<String, List<String>> byNode = new LinkedHashMap<>(workloadsByNode());
        byNode.forEach((node, workloads) -> out.println("   " + node + ": " + String.join(" + ", workloads)));
    }
}
