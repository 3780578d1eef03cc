package io.github.sysched.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one endpoint answered to a fuzz run: inputs tried, count per HTTP status, the slowest answer, counters
 * the test names itself, and the property violations found (each with the input that caused it).
 */
public final class FuzzReport {

    private static final int KEPT_PROBLEMS = 20;

    private final String endpoint;
    private final long seed;
    private final Map<Integer, Integer> statuses = new TreeMap<>();
    private final Map<String, Integer> counters = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private int inputs;
    private int problemCount;
    private long maxNanos;
    private String slowest = "";

    public FuzzReport(String endpoint, long seed) {
        this.endpoint = endpoint;
        this.seed = seed;
    }

    public synchronized void answered(FuzzInputs.Input input, int status, long nanos) {
        inputs++;
        statuses.merge(status, 1, Integer::sum);
        if (nanos > maxNanos) {
            maxNanos = nanos;
            slowest = "#" + input.index() + " " + input.kind() + ", " + input.body().length + " bytes";
        }
    }

    /** A body so far over the size cap that the server closed the connection instead of reading it. */
    public synchronized void closed(FuzzInputs.Input input) {
        inputs++;
        count("refused by closing the connection");
    }

    public synchronized void count(String counter) {
        count(counter, 1);
    }

    public synchronized void count(String counter, int amount) {
        counters.merge(counter, amount, Integer::sum);
    }

    /** A violated property; the run continues so the report shows how widespread it is. */
    public synchronized void problem(FuzzInputs.Input input, String what) {
        problemCount++;
        if (problems.size() < KEPT_PROBLEMS) {
            problems.add(what + " <- " + input.preview());
        }
    }

    public synchronized int serverErrors() {
        return statuses.entrySet().stream()
                .filter(e -> e.getKey() >= 500)
                .mapToInt(Map.Entry::getValue)
                .sum();
    }

    public synchronized int count(int status) {
        return statuses.getOrDefault(status, 0);
    }

    public synchronized List<String> problems() {
        List<String> all = new ArrayList<>(problems);
        if (problemCount > problems.size()) {
            all.add("... and " + (problemCount - problems.size()) + " more");
        }
        return all;
    }

    /** One line: {@code FUZZ <endpoint>: seed S, N inputs, status {...}, K 5xx, max latency M ms (input), ...}. */
    public synchronized String summary() {
        StringBuilder line = new StringBuilder("FUZZ ")
                .append(endpoint)
                .append(": seed ")
                .append(seed)
                .append(", ")
                .append(inputs)
                .append(" inputs, status ")
                .append(statuses)
                .append(", ")
                .append(serverErrors())
                .append(" 5xx, max latency ")
                .append(maxNanos / 1_000_000)
                .append(" ms (")
                .append(slowest)
                .append(')');
        counters.forEach(
                (name, value) -> line.append(", ").append(name).append(' ').append(value));
        return line.append(", ").append(problemCount).append(" problems").toString();
    }
}
