package io.github.sysched.it;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The metric selectors of a PromQL expression, read well enough to name every series an alert or a dashboard
 * panel queries: a metric name is an identifier that is not a keyword, not a function or aggregation (those are
 * followed by {@code (} or by {@code by}/{@code without}), not a label inside {@code {...}} or inside the label
 * list of {@code by/without/on/ignoring/group_left/group_right}, not inside {@code [...]} (ranges, subquery
 * steps) and not a number or duration. Strings, comments and Grafana variables ({@code $x}, {@code ${x}},
 * {@code [[x]]}) are skipped. A selector without a name ({@code {__name__="x"}}) takes its name from the
 * {@code __name__} equality matcher. Anything the reader does not understand is an error, never a silent skip.
 */
final class PromQl {

    record Matcher(String label, String op, String value) {}

    record Selector(String metric, List<Matcher> matchers) {}

    /** The selectors in order of appearance and every label named in a grouping or matching clause. */
    record Parsed(List<Selector> selectors, Set<String> groupingLabels) {
        Set<String> metricNames() {
            Set<String> names = new LinkedHashSet<>();
            selectors.forEach(s -> names.add(s.metric()));
            return names;
        }
    }

    private static final Set<String> LABEL_LIST_KEYWORDS =
            Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
    private static final Set<String> OPERATOR_KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2");
    private static final Set<String> AGGREGATIONS = Set.of(
            "sum",
            "avg",
            "count",
            "min",
            "max",
            "group",
            "stddev",
            "stdvar",
            "topk",
            "bottomk",
            "quantile",
            "count_values",
            "limitk",
            "limit_ratio");

    private final String text;
    private int pos;
    private final List<Selector> selectors = new ArrayList<>();
    private final Set<String> groupingLabels = new LinkedHashSet<>();

    private PromQl(String text) {
        this.text = text;
    }

    static Parsed parse(String expression) {
        PromQl reader = new PromQl(expression);
        reader.read();
        return new Parsed(List.copyOf(reader.selectors), Set.copyOf(reader.groupingLabels));
    }

    /**
     * A Grafana Prometheus variable query: {@code label_values(selector, label)} (the selector's metric and the
     * label, which must exist on it), {@code label_values(label)}, {@code query_result(expr)}, or plain PromQL.
     */
    static Parsed parseVariableQuery(String query) {
        String q = query.strip();
        if (q.startsWith("label_values(") && q.endsWith(")")) {
            String inner = q.substring("label_values(".length(), q.length() - 1);
            int comma = inner.lastIndexOf(',');
            if (comma < 0) {
                return new Parsed(List.of(), Set.of(inner.strip()));
            }
            Parsed selector = parse(inner.substring(0, comma));
            Set<String> labels = new LinkedHashSet<>(selector.groupingLabels());
            labels.add(inner.substring(comma + 1).strip());
            return new Parsed(selector.selectors(), labels);
        }
        if (q.startsWith("query_result(") && q.endsWith(")")) {
            return parse(q.substring("query_result(".length(), q.length() - 1));
        }
        if (q.startsWith("metrics(") || q.startsWith("label_names(")) {
            throw new IllegalArgumentException("variable query names no metric: " + query);
        }
        return parse(q);
    }

    private void read() {
        boolean labelListNext = false;
        while (skipSpaceAndComments()) {
            char c = text.charAt(pos);
            if (c == '"' || c == '\'' || c == '`') {
                string();
            } else if (c == '$') {
                variable();
            } else if (c == '[' && text.startsWith("[[", pos)) {
                int end = text.indexOf("]]", pos);
                expect(end > 0, "unclosed [[variable]]");
                pos = end + 2;
            } else if (c == '[') {
                range();
            } else if (c == '{') {
                selectors.add(selector(null));
            } else if (c == '(' && labelListNext) {
                labelList();
                labelListNext = false;
            } else if (Character.isDigit(c)
                    || (c == '.' && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1)))) {
                number();
            } else if (isIdentifierStart(c)) {
                String identifier = identifier();
                labelListNext = identifier(identifier);
            } else if ("+-*/%^=!<>,()@:".indexOf(c) >= 0) {
                pos++;
            } else {
                throw new IllegalArgumentException("unexpected '" + c + "' at " + pos + " in: " + text);
            }
        }
    }

    /** Classifies an identifier; true if a label list in parentheses may follow. */
    private boolean identifier(String identifier) {
        String lower = identifier.toLowerCase();
        if (LABEL_LIST_KEYWORDS.contains(lower)) {
            return true;
        }
        if (OPERATOR_KEYWORDS.contains(lower) || lower.equals("inf") || lower.equals("nan")) {
            return false;
        }
        int save = pos;
        skipSpaceAndComments();
        boolean call = pos < text.length() && text.charAt(pos) == '(';
        boolean aggregationWithClause = AGGREGATIONS.contains(lower) && nextIdentifierIs("by", "without");
        pos = save;
        if (call || aggregationWithClause) {
            return false;
        }
        skipSpaceAndComments();
        if (pos < text.length() && text.charAt(pos) == '{') {
            selectors.add(selector(identifier));
        } else {
            pos = save;
            selectors.add(new Selector(identifier, List.of()));
        }
        return false;
    }

    private boolean nextIdentifierIs(String... words) {
        if (pos >= text.length() || !isIdentifierStart(text.charAt(pos))) {
            return false;
        }
        int save = pos;
        String next = identifier();
        pos = save;
        return List.of(words).contains(next.toLowerCase());
    }

    /** {@code {label op "value", ...}}, optionally preceded by the metric name already read. */
    private Selector selector(String metric) {
        pos++; // {
        List<Matcher> matchers = new ArrayList<>();
        String name = metric;
        while (true) {
            skipSpaceAndComments();
            expect(pos < text.length(), "unclosed {");
            char c = text.charAt(pos);
            if (c == '}') {
                pos++;
                break;
            }
            if (c == ',') {
                pos++;
                continue;
            }
            String label;
            if (c == '"' || c == '\'' || c == '`') {
                label = string();
                skipSpaceAndComments();
                if (pos < text.length() && (text.charAt(pos) == ',' || text.charAt(pos) == '}')) {
                    expect(name == null, "two metric names in one selector");
                    name = label; // Prometheus 3: {"metric.name", ...}
                    continue;
                }
            } else {
                expect(isIdentifierStart(c), "label name expected at " + pos + " in: " + text);
                label = identifier();
            }
            skipSpaceAndComments();
            String op = matchOperator();
            skipSpaceAndComments();
            expect(
                    pos < text.length() && "\"'`".indexOf(text.charAt(pos)) >= 0,
                    "quoted label value expected at " + pos + " in: " + text);
            String value = string();
            if (label.equals("__name__") && op.equals("=")) {
                expect(name == null, "two metric names in one selector");
                name = value;
            } else {
                matchers.add(new Matcher(label, op, value));
            }
        }
        expect(name != null, "selector without a metric name in: " + text);
        return new Selector(name, List.copyOf(matchers));
    }

    private String matchOperator() {
        for (String op : List.of("=~", "!~", "!=", "=")) {
            if (text.startsWith(op, pos)) {
                pos += op.length();
                return op;
            }
        }
        throw new IllegalArgumentException("match operator expected at " + pos + " in: " + text);
    }

    private void labelList() {
        pos++; // (
        while (true) {
            skipSpaceAndComments();
            expect(pos < text.length(), "unclosed label list");
            char c = text.charAt(pos);
            if (c == ')') {
                pos++;
                return;
            }
            if (c == ',') {
                pos++;
            } else if (c == '"' || c == '\'') {
                groupingLabels.add(string());
            } else {
                expect(isIdentifierStart(c), "label expected at " + pos + " in: " + text);
                groupingLabels.add(identifier());
            }
        }
    }

    private void range() {
        int depth = 0;
        do {
            char c = text.charAt(pos);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            }
            pos++;
            expect(depth == 0 || pos < text.length(), "unclosed [");
        } while (depth > 0);
    }

    private void number() {
        while (pos < text.length()
                && (Character.isLetterOrDigit(text.charAt(pos))
                        || text.charAt(pos) == '.'
                        || text.charAt(pos) == '_'
                        || ((text.charAt(pos) == '+' || text.charAt(pos) == '-')
                                && (text.charAt(pos - 1) == 'e' || text.charAt(pos - 1) == 'E')
                                && !text.startsWith("0x", pos - 2)))) {
            pos++;
        }
    }

    private void variable() {
        pos++; // $
        if (pos < text.length() && text.charAt(pos) == '{') {
            int end = text.indexOf('}', pos);
            expect(end > 0, "unclosed ${");
            pos = end + 1;
            return;
        }
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
    }

    private String string() {
        char quote = text.charAt(pos++);
        StringBuilder value = new StringBuilder();
        while (true) {
            expect(pos < text.length(), "unclosed string in: " + text);
            char c = text.charAt(pos++);
            if (c == quote) {
                return value.toString();
            }
            if (c == '\\' && quote != '`') {
                expect(pos < text.length(), "dangling escape in: " + text);
                char escaped = text.charAt(pos++);
                value.append(
                        switch (escaped) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            default -> escaped;
                        });
            } else {
                value.append(c);
            }
        }
    }

    private String identifier() {
        int start = pos;
        while (pos < text.length() && (isIdentifierStart(text.charAt(pos)) || Character.isDigit(text.charAt(pos)))) {
            pos++;
        }
        return text.substring(start, pos);
    }

    /** Skips blanks and {@code #} comments; false at the end of the text. */
    private boolean skipSpaceAndComments() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return true;
            }
        }
        return false;
    }

    private static boolean isIdentifierStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    }

    private static void expect(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The alternatives of a label-value regex made only of literals ({@code error|timeout}), else none. */
    static List<String> literalAlternatives(String regex) {
        if (!regex.matches("[A-Za-z0-9_-]+(\\|[A-Za-z0-9_-]+)*")) {
            return List.of();
        }
        return List.of(regex.split("\\|"));
    }
}
