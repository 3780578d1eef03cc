package io.github.sysched.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One scrape in the OpenMetrics text format ({@code Accept: application/openmetrics-text}), where every family
 * is declared with its type and its samples carry the type's suffixes. {@link #family} maps a series name as
 * PromQL writes it ({@code x_seconds_bucket}, {@code x_total}) back to its family and checks the suffix is one
 * that family's type has: {@code _bucket} only on histograms, {@code _total} only on counters, and so on.
 */
final class OpenMetricsScrape {

    record Sample(String name, Map<String, String> labels, double value) {}

    record Family(String name, String type) {}

    /** Sample-name suffixes per OpenMetrics type ("" = the family's own name). */
    private static final Map<String, List<String>> SUFFIXES = Map.of(
            "counter", List.of("_total", "_created"),
            "gauge", List.of(""),
            "histogram", List.of("_bucket", "_count", "_sum", "_created"),
            "gaugehistogram", List.of("_bucket", "_gcount", "_gsum"),
            "summary", List.of("", "_count", "_sum", "_created"),
            "info", List.of("_info"),
            "stateset", List.of(""),
            "unknown", List.of(""));

    private final Map<String, Family> families = new LinkedHashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    static OpenMetricsScrape parse(String text) {
        OpenMetricsScrape scrape = new OpenMetricsScrape();
        boolean eof = false;
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (eof) {
                throw new IllegalArgumentException("content after # EOF: " + line);
            }
            if (line.equals("# EOF")) {
                eof = true;
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                if (parts.length != 4 || !SUFFIXES.containsKey(parts[3])) {
                    throw new IllegalArgumentException("bad TYPE line: " + line);
                }
                scrape.families.put(parts[2], new Family(parts[2], parts[3]));
            } else if (!line.startsWith("#")) {
                scrape.samples.add(sample(line));
            }
        }
        if (!eof) {
            throw new IllegalArgumentException("no # EOF: not an OpenMetrics exposition");
        }
        return scrape;
    }

    /** The family a series name belongs to, if its type has that suffix. */
    Optional<Family> family(String seriesName) {
        for (Family family : families.values()) {
            for (String suffix : SUFFIXES.get(family.type())) {
                if (seriesName.equals(family.name() + suffix)) {
                    return Optional.of(family);
                }
            }
        }
        return Optional.empty();
    }

    List<Sample> samples(String seriesName) {
        return samples.stream().filter(s -> s.name().equals(seriesName)).toList();
    }

    /** Every value a label takes on the samples of a series. */
    Set<String> labelValues(String seriesName, String label) {
        Set<String> values = new java.util.TreeSet<>();
        for (Sample sample : samples(seriesName)) {
            String value = sample.labels().get(label);
            if (value != null) {
                values.add(value);
            }
        }
        return values;
    }

    Map<String, Family> families() {
        return families;
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        int rest;
        if (brace >= 0 && (space < 0 || brace < space)) {
            name = line.substring(0, brace);
            rest = labels(line, brace + 1, labels);
        } else {
            name = line.substring(0, space);
            rest = space;
        }
        String[] value = line.substring(rest).strip().split(" ");
        return new Sample(
                name,
                Map.copyOf(labels),
                Double.parseDouble(value[0].replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
    }

    /** Reads {@code k="v",...}} from {@code pos}; returns the index after the closing brace. */
    private static int labels(String line, int pos, Map<String, String> into) {
        while (true) {
            if (line.charAt(pos) == '}') {
                return pos + 1;
            }
            if (line.charAt(pos) == ',') {
                pos++;
                continue;
            }
            int equals = line.indexOf('=', pos);
            String key = line.substring(pos, equals);
            if (line.charAt(equals + 1) != '"') {
                throw new IllegalArgumentException("unquoted label value in: " + line);
            }
            StringBuilder value = new StringBuilder();
            pos = equals + 2;
            while (line.charAt(pos) != '"') {
                char c = line.charAt(pos++);
                if (c == '\\') {
                    char escaped = line.charAt(pos++);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(c);
                }
            }
            into.put(key, value.toString());
            pos++;
        }
    }
}
