package io.github.sysched.simulation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Renders the metrics of several strategies as a plain-text table, CSV, or an SVG bar chart. */
public final class SimulationReport {

    static final String[] COLUMNS = {"strategy", "pods", "placed", "unscheduled", "nodes", "nodes_used",
        "cluster_exs", "mean_attack_surface", "max_attack_surface", "vulnerable_syscalls", "victim_nodes",
        "victim_pods"};

    private SimulationReport() {
    }

    private static List<String[]> rows(List<PlacementMetrics> metrics) {
        List<String[]> rows = new ArrayList<>();
        for (PlacementMetrics m : metrics) {
            rows.add(new String[] {m.label(), String.valueOf(m.pods()), String.valueOf(m.placed()),
                String.valueOf(m.unscheduled()), String.valueOf(m.nodes()), String.valueOf(m.nodesUsed()),
                String.valueOf(m.clusterExs()), String.format(Locale.ROOT, "%.2f", m.meanAttackSurface()),
                String.valueOf(m.maxAttackSurface()), String.valueOf(m.vulnerableCount()),
                String.valueOf(m.victimNodes()), String.valueOf(m.victimPods())});
        }
        return rows;
    }

    public static List<PlacementMetrics> metricsOf(List<SimulationResult> results) {
        return results.stream().map(SimulationResult::metrics).toList();
    }

    /** Fixed-width columns: the strategy left-aligned, numbers right-aligned, one line per strategy. */
    public static String table(List<PlacementMetrics> metrics) {
        List<String[]> rows = rows(metrics);
        int[] width = new int[COLUMNS.length];
        for (int c = 0; c < COLUMNS.length; c++) {
            width[c] = COLUMNS[c].length();
            for (String[] row : rows) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendRow(out, COLUMNS, width);
        for (int c = 0; c < COLUMNS.length; c++) {
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

    /** CSV with a header line (RFC 4180 quoting, lines end with {@code \n}). */
    public static String csv(List<PlacementMetrics> metrics) {
        StringBuilder out = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (String[] row : rows(metrics)) {
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

    private record Panel(String title, ToDoubleFunction<PlacementMetrics> value, boolean integer) {
    }

    private static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
        "#b07aa1", "#ff9da7"};

    /**
     * An SVG bar chart: one panel per metric (cluster ExS, mean and max attack surface, victim nodes, victim
     * pods), one bar per strategy, each panel scaled to its own maximum, the value written above each bar.
     */
    public static String svg(List<PlacementMetrics> metrics, String title) {
        List<Panel> panels = List.of(
                new Panel("cluster ExS", m -> m.clusterExs(), true),
                new Panel("mean |U| per used node", PlacementMetrics::meanAttackSurface, false),
                new Panel("max |U| per node", m -> m.maxAttackSurface(), true),
                new Panel("victim nodes", m -> m.victimNodes(), true),
                new Panel("victim pods", m -> m.victimPods(), true));
        int bars = Math.max(1, metrics.size());
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
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"16\" font-weight=\"bold\">%s</text>%n",
                left, escape(title)));
        for (int p = 0; p < panels.size(); p++) {
            Panel panel = panels.get(p);
            int x0 = left + p * (panelWidth + panelGap);
            double max = 0;
            for (PlacementMetrics m : metrics) {
                max = Math.max(max, panel.value.applyAsDouble(m));
            }
            svg.append(String.format(Locale.ROOT, "<g class=\"panel\">%n<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
                    + "font-weight=\"bold\">%s</text>%n", x0 + panelWidth / 2, top - 8, escape(panel.title)));
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
                    x0, top + plotHeight, x0 + panelWidth, top + plotHeight));
            for (int b = 0; b < metrics.size(); b++) {
                double value = panel.value.applyAsDouble(metrics.get(b));
                double h = max == 0 ? 0 : (plotHeight - 20) * value / max;
                double x = x0 + gap + b * (barWidth + gap);
                double y = top + plotHeight - h;
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"><title>%s: %s</title></rect>%n",
                        x, y, barWidth, h, PALETTE[b % PALETTE.length], escape(metrics.get(b).label()),
                        format(value, panel.integer)));
                svg.append(String.format(Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\">%s</text>%n",
                        x + barWidth / 2.0, y - 4, format(value, panel.integer)));
            }
            svg.append("</g>\n");
        }
        for (int b = 0; b < metrics.size(); b++) {
            int y = legendTop + 20 * b;
            svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>%n",
                    left, y, PALETTE[b % PALETTE.length], left + 18, y + 11, escape(metrics.get(b).label())));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String format(double value, boolean integer) {
        return integer ? String.valueOf(Math.round(value)) : String.format(Locale.ROOT, "%.1f", value);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
