package io.github.sysched.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Renders the metrics of several strategies as a plain-text table, CSV, or an SVG bar chart. With several runs per
 * strategy every figure is the mean over the runs ({@code cluster_exs_min}/{@code _max} give the range).
 */
public final class SimulationReport {

    /** One column: its CSV name, whether the text table shows it, the value, and whether it is a count. */
    private record Column(String name, boolean inTable, ToDoubleFunction<StrategyRuns> value, boolean count) {}

    private static ToDoubleFunction<StrategyRuns> mean(ToDoubleFunction<SimulationResult> value) {
        return runs -> runs.mean(value);
    }

    private static ToDoubleFunction<StrategyRuns> metric(ToDoubleFunction<PlacementMetrics> value) {
        return mean(r -> value.applyAsDouble(r.metrics()));
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("runs", false, StrategyRuns::count, true),
            new Column("pods", false, metric(PlacementMetrics::pods), true),
            new Column("placed", false, metric(PlacementMetrics::placed), true),
            new Column("unscheduled", true, metric(PlacementMetrics::unscheduled), true),
            new Column("nodes", false, metric(PlacementMetrics::nodes), true),
            new Column("nodes_used", true, metric(PlacementMetrics::nodesUsed), true),
            new Column("cluster_exs", true, metric(PlacementMetrics::clusterExs), true),
            new Column(
                    "cluster_exs_min", false, runs -> runs.min(r -> r.metrics().clusterExs()), true),
            new Column(
                    "cluster_exs_max", false, runs -> runs.max(r -> r.metrics().clusterExs()), true),
            new Column("weighted_exs", true, metric(PlacementMetrics::weightedExs), true),
            new Column("mean_attack_surface", true, metric(PlacementMetrics::meanAttackSurface), false),
            new Column("max_attack_surface", true, metric(PlacementMetrics::maxAttackSurface), true),
            new Column("vulnerable_syscalls", false, metric(PlacementMetrics::vulnerableCount), true),
            new Column("victim_nodes", true, metric(PlacementMetrics::victimNodes), true),
            new Column("victim_pods", true, metric(PlacementMetrics::victimPods), true),
            new Column("victim_nodes_per_syscall", true, metric(PlacementMetrics::victimNodesPerSyscall), false),
            new Column("victim_pods_per_syscall", true, metric(PlacementMetrics::victimPodsPerSyscall), false),
            new Column("max_replica_share", true, metric(PlacementMetrics::maxReplicaShare), false),
            new Column("stacked_workloads", true, metric(PlacementMetrics::stackedWorkloads), true),
            new Column("replicas_over_guard", true, metric(PlacementMetrics::replicasOverGuard), true),
            new Column("tied_pods", true, mean(r -> r.decisions().tiedPods()), true),
            new Column("extender_top_ties", false, mean(r -> r.decisions().extenderTopTies()), true),
            new Column("median_extender_top_tie", false, mean(r -> r.decisions().medianExtenderTopTie()), false),
            new Column("opened_beside_identical", false, mean(r -> r.decisions().openedBesideIdentical()), true),
            new Column("evictions", true, mean(r -> r.rebalancing().evictions()), true),
            new Column(
                    "eviction_gain_predicted", false, mean(r -> r.rebalancing().predictedGain()), true),
            new Column(
                    "eviction_gain_realized", false, mean(r -> r.rebalancing().realizedGain()), true),
            new Column(
                    "evictions_off_prediction", false, mean(r -> r.rebalancing().offPrediction()), true),
            new Column("eviction_shortfalls", false, mean(r -> r.rebalancing().shortfalls()), true),
            new Column(
                    "evictions_left_pending", false, mean(r -> r.rebalancing().pending()), true));

    private SimulationReport() {}

    /** Column names of {@link #csv}, in order. */
    public static List<String> csvColumns() {
        List<String> names = new ArrayList<>();
        names.add("strategy");
        COLUMNS.forEach(c -> names.add(c.name));
        return names;
    }

    private static String format(double value, boolean count, int runs) {
        if (count && runs == 1) {
            return String.valueOf(Math.round(value));
        }
        return String.format(Locale.ROOT, count ? "%.1f" : "%.2f", value);
    }

    private static List<String[]> rows(List<StrategyRuns> strategies, boolean tableOnly) {
        List<String[]> rows = new ArrayList<>();
        for (StrategyRuns runs : strategies) {
            List<String> row = new ArrayList<>();
            row.add(runs.label());
            for (Column column : COLUMNS) {
                if (!tableOnly || column.inTable) {
                    row.add(format(column.value.applyAsDouble(runs), column.count, runs.count()));
                }
            }
            rows.add(row.toArray(String[]::new));
        }
        return rows;
    }

    /** Each result as its own one-run strategy. */
    public static List<StrategyRuns> single(List<SimulationResult> results) {
        return results.stream()
                .map(r -> new StrategyRuns(r.strategy(), List.of(r)))
                .toList();
    }

    /** Fixed-width columns (the main ones): the strategy left-aligned, numbers right-aligned, one line each. */
    public static String table(List<StrategyRuns> strategies) {
        List<String> header = new ArrayList<>();
        header.add("strategy");
        COLUMNS.stream().filter(c -> c.inTable).forEach(c -> header.add(c.name));
        String[] names = header.toArray(String[]::new);
        List<String[]> rows = rows(strategies, true);
        int[] width = new int[names.length];
        for (int c = 0; c < names.length; c++) {
            width[c] = names[c].length();
            for (String[] row : rows) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendRow(out, names, width);
        for (int c = 0; c < names.length; c++) {
            out.append(c == 0 ? "" : "  ").append("-".repeat(width[c]));
        }
        out.append('\n');
        for (String[] row : rows) {
            appendRow(out, row, width);
        }
        return out.toString();
    }

    private static void appendRow(StringBuilder out, String[] row, int[] width) {
        for (int c = 0; c < row.length; c++) {
            String format = c == 0 ? "%-" + width[c] + "s" : "  %" + width[c] + "s";
            out.append(String.format(Locale.ROOT, format, row[c]));
        }
        out.append('\n');
    }

    /** CSV with a header line (RFC 4180 quoting, lines end with {@code \n}), every column. */
    public static String csv(List<StrategyRuns> strategies) {
        StringBuilder out = new StringBuilder(String.join(",", csvColumns())).append('\n');
        for (String[] row : rows(strategies, false)) {
            for (int c = 0; c < row.length; c++) {
                out.append(c == 0 ? "" : ",").append(csvField(row[c]));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String csvField(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }

    private record Panel(String title, ToDoubleFunction<StrategyRuns> value, boolean integer) {}

    private static final String[] PALETTE = {
        "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"
    };

    /**
     * An SVG bar chart: one panel per metric (cluster ExS, mean |U|, victim nodes and pods per vulnerable syscall,
     * largest replica share), one bar per strategy, each panel scaled to its own maximum, the value above each bar.
     */
    public static String svg(List<StrategyRuns> strategies, String title) {
        List<Panel> panels = List.of(
                new Panel("cluster ExS", metric(PlacementMetrics::clusterExs), true),
                new Panel("mean |U| per used node", metric(PlacementMetrics::meanAttackSurface), false),
                new Panel("victim nodes per V syscall", metric(PlacementMetrics::victimNodesPerSyscall), false),
                new Panel("victim pods per V syscall", metric(PlacementMetrics::victimPodsPerSyscall), false),
                new Panel("largest replica share", metric(PlacementMetrics::maxReplicaShare), false));
        int bars = Math.max(1, strategies.size());
        int barWidth = 28;
        int gap = 10;
        int panelWidth = Math.max(150, bars * (barWidth + gap) + gap);
        int panelGap = 20;
        int left = 20;
        int top = 50;
        int plotHeight = 200;
        int legendTop = top + plotHeight + 40;
        int width = left * 2 + panels.size() * panelWidth + (panels.size() - 1) * panelGap;
        int height = legendTop + 20 * bars + 20;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">%n",
                width,
                height,
                width,
                height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"24\" font-size=\"16\" font-weight=\"bold\">%s</text>%n",
                left,
                escape(title)));
        for (int p = 0; p < panels.size(); p++) {
            Panel panel = panels.get(p);
            int x0 = left + p * (panelWidth + panelGap);
            double max = 0;
            for (StrategyRuns m : strategies) {
                max = Math.max(max, panel.value.applyAsDouble(m));
            }
            svg.append(String.format(
                    Locale.ROOT,
                    "<g class=\"panel\">%n<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
                            + "font-weight=\"bold\">%s</text>%n",
                    x0 + panelWidth / 2,
                    top - 8,
                    escape(panel.title)));
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
                    x0,
                    top + plotHeight,
                    x0 + panelWidth,
                    top + plotHeight));
            for (int b = 0; b < strategies.size(); b++) {
                double value = panel.value.applyAsDouble(strategies.get(b));
                double h = max == 0 ? 0 : (plotHeight - 20) * value / max;
                double x = x0 + gap + b * (barWidth + gap);
                double y = top + plotHeight - h;
                String shown = format(value, panel.integer && strategies.get(b).count() == 1);
                svg.append(String.format(
                        Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"><title>%s: %s</title></rect>%n",
                        x,
                        y,
                        barWidth,
                        h,
                        PALETTE[b % PALETTE.length],
                        escape(strategies.get(b).label()),
                        shown));
                svg.append(String.format(
                        Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\">%s</text>%n",
                        x + barWidth / 2.0,
                        y - 4,
                        shown));
            }
            svg.append("</g>\n");
        }
        for (int b = 0; b < strategies.size(); b++) {
            int y = legendTop + 20 * b;
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>%n",
                    left,
                    y,
                    PALETTE[b % PALETTE.length],
                    left + 18,
                    y + 11,
                    escape(strategies.get(b).label())));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String format(double value, boolean integer) {
        return integer
                ? String.valueOf(Math.round(value))
                : String.format(Locale.ROOT, value >= 10 ? "%.1f" : "%.2f", value);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
