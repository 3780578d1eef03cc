package io.github.sysched.benchmarks.load;

import java.util.Arrays;

/** Recorded durations in nanoseconds; percentiles by nearest rank over every sample (no histogram rounding). */
public final class Latencies {

    private long[] nanos = new long[1024];
    private int count;

    public void record(long durationNanos) {
        if (count == nanos.length) {
            nanos = Arrays.copyOf(nanos, count * 2);
        }
        nanos[count++] = durationNanos;
    }

    /** All samples of {@code parts}, e.g. one recorder per worker thread. */
    public static Latencies merge(Iterable<Latencies> parts) {
        Latencies all = new Latencies();
        for (Latencies part : parts) {
            for (int i = 0; i < part.count; i++) {
                all.record(part.nanos[i]);
            }
        }
        return all;
    }

    public int count() {
        return count;
    }

    /** The {@code q} quantile (0 < q ≤ 1) in microseconds, nearest rank. */
    public double percentileMicros(double q) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * count);
        return sorted[Math.max(0, Math.min(count, rank) - 1)] / 1_000.0;
    }

    public double maxMicros() {
        return percentileMicros(1.0);
    }

    public double meanMicros() {
        if (count == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += nanos[i];
        }
        return sum / count / 1_000.0;
    }
}
