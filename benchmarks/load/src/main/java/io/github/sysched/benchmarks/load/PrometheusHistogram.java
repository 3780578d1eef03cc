package io.github.sysched.benchmarks.load;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One histogram read from a Prometheus text scrape: the cumulative bucket counts of every series of
 * {@code <name>_bucket} whose labels include the given ones (summed over the others), with {@code _count}
 * and {@code _sum}. The difference of two scrapes is the distribution of what happened between them.
 */
public record PrometheusHistogram(NavigableMap<Double, Double> cumulative, double count, double sum) {

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    public static PrometheusHistogram parse(String scrape, String name, Map<String, String> labels) {
        NavigableMap<Double, Double> buckets = new TreeMap<>();
        double count = 0;
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(name + "_")) {
                continue;
            }
            int brace = line.indexOf('{');
            int close = line.lastIndexOf('}');
            if (brace < 0 || close < brace) {
                continue;
            }
            String series = line.substring(name.length() + 1, brace);
            Map<String, String> found = labelsOf(line.substring(brace + 1, close));
            if (!found.entrySet().containsAll(labels.entrySet())) {
                continue;
            }
            double value = Double.parseDouble(line.substring(close + 1).trim().split(" ")[0]);
            switch (series) {
                case "bucket" -> buckets.merge(parseLe(found.get("le")), value, Double::sum);
                case "count" -> count += value;
                case "sum" -> sum += value;
                default -> {
                    // _max and others
                }
            }
        }
        return new PrometheusHistogram(buckets, count, sum);
    }

    /** What was recorded after {@code before}. */
    public PrometheusHistogram minus(PrometheusHistogram before) {
        NavigableMap<Double, Double> difference = new TreeMap<>();
        cumulative.forEach((le, n) -> difference.put(le, n - before.cumulative.getOrDefault(le, 0.0)));
        return new PrometheusHistogram(difference, count - before.count, sum - before.sum);
    }

    /**
     * The upper bound (seconds) of the bucket holding the {@code q} quantile: the true quantile is at most this
     * and above the next lower bound. Infinite when it is beyond the last finite bucket.
     */
    public double quantileUpperBound(double q) {
        double wanted = Math.ceil(q * count);
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= wanted) {
                return bucket.getKey();
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    /** The bucket bound just below {@code upper}, i.e. where the bucket holding a quantile starts. */
    public double lowerBoundBelow(double upper) {
        Double lower = cumulative.lowerKey(upper);
        return lower == null ? 0 : lower;
    }

    public double meanSeconds() {
        return count == 0 ? Double.NaN : sum / count;
    }

    private static Map<String, String> labelsOf(String text) {
        Map<String, String> labels = new HashMap<>();
        Matcher m = LABEL.matcher(text);
        while (m.find()) {
            labels.put(m.group(1), m.group(2));
        }
        return labels;
    }

    private static double parseLe(String le) {
        return le == null || le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }
}
