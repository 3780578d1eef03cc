package io.github.sysched.scheduler.explain;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** {@code explain}'s default output: a few lines about the pod, a table of nodes, the choice, notes. */
final class ExplanationTable {

    private static final List<String> HEADER = List.of(
            "NODE",
            "PODS",
            "ExS",
            "SCORE",
            "RANK",
            "|U| NOW->AFTER",
            "EXTRANEOUS FOR THE POD (U\\P)",
            "NEW FOR THE NODE'S PODS (P\\U)");

    private final int namesShown;

    ExplanationTable(int namesShown) {
        this.namesShown = namesShown;
    }

    void print(Explanation explanation, PrintStream out) {
        Explanation.PodFacts pod = explanation.pod();
        out.println("pod " + pod.namespace() + "/" + pod.name()
                + (pod.from() == null ? "" : " (from " + pod.from() + ", admission: " + pod.admission() + ")"));
        out.println("  syscalls: " + pod.syscalls() + ", from "
                + switch (pod.source()) {
                    case "annotation" -> "its exs.sysched.io/syscalls annotation";
                    case "malformed" -> "its own profiles (the exs.sysched.io/syscalls annotation is malformed)";
                    default -> "its own profiles (no exs.sysched.io/syscalls annotation)";
                });
        if (pod.currentNode() != null) {
            out.println("  runs on " + pod.currentNode() + " now: explained as if it were being scheduled (its own "
                    + "syscalls left out of " + pod.currentNode() + "'s figures)");
        }
        out.println();
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        List<String> others = new ArrayList<>();
        for (Explanation.NodeFacts node : explanation.nodes()) {
            if (!node.status().equals("scored")) {
                others.add(node.name() + ": " + node.status() + ", " + node.reason());
                continue;
            }
            rows.add(List.of(
                    node.name(),
                    String.valueOf(node.pods()),
                    String.valueOf(node.exs()),
                    String.valueOf(node.score()),
                    String.valueOf(node.rank()),
                    node.attackSurfaceBefore() + "->" + node.attackSurfaceAfter(),
                    names(node.extraneousForPod()),
                    node.pods() == 0
                            ? "-"
                            : names(node.newForNodePods())
                                    + (node.newForNodePods().isEmpty()
                                            ? ""
                                            : " (x" + node.pods() + (node.pods() == 1 ? " pod)" : " pods)"))));
        }
        if (rows.size() > 1) {
            printAligned(rows, out);
        } else {
            out.println("no node to score");
        }
        for (String other : others) {
            out.println("  not a candidate: " + other);
        }
        out.println();
        List<String> chosen = explanation.chosen();
        if (chosen.isEmpty()) {
            out.println("sysched has no node to choose for this pod");
        } else if (chosen.size() == 1) {
            Explanation.NodeFacts node = explanation.nodes().stream()
                    .filter(n -> n.name().equals(chosen.get(0)))
                    .findFirst()
                    .orElseThrow();
            out.println("sysched would choose " + node.name() + " (score " + node.score() + " of 10, ExS " + node.exs()
                    + ")");
        } else {
            out.println("sysched scores " + String.join(", ", chosen) + " alike (" + explanation.chosenScore()
                    + " of 10): kube-scheduler's own scores and its random tie-break decide");
        }
        for (String note : explanation.notes()) {
            out.println("note: " + note);
        }
    }

    /** {@code 14: a, b, c, d, e, f +8}, or {@code 0}. */
    private String names(List<String> names) {
        if (names.isEmpty()) {
            return "0";
        }
        List<String> shown = names.subList(0, Math.min(namesShown, names.size()));
        return names.size() + ": " + String.join(",", shown)
                + (names.size() > shown.size() ? " +" + (names.size() - shown.size()) : "");
    }

    private static void printAligned(List<List<String>> rows, PrintStream out) {
        int columns = rows.get(0).size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                String cell = row.get(c);
                boolean last = c == columns - 1;
                line.append(last ? cell : String.format("%-" + widths[c] + "s  ", cell));
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
