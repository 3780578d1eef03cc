package io.github.sysched.kube;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Whether a service's informers still follow the cluster: the readiness rule the webhook and the scheduler
 * extender share. An informer is lost once it has been without its watch for longer than {@link #GRACE}
 * (longer than the reconnect after a routine watch expiry, about 1 s; shorter than an outage worth
 * reporting): the API server is unreachable, failing, or too slow to relist. Meanwhile the caches still
 * answer from the last state they saw; only readiness changes.
 *
 * <p>fabric8 exposes no watch events, so a loss is timed from the first sample that sees it. {@link #start()}
 * samples every {@link #SAMPLE_EVERY} on a daemon thread, so that two short gaps are not taken for one long loss.
 */
public final class WatchHealth implements AutoCloseable {

    public static final Duration GRACE = Duration.ofSeconds(5);
    public static final Duration SAMPLE_EVERY = Duration.ofMillis(250);

    private final List<Tracked> tracked = new CopyOnWriteArrayList<>();
    private final LongSupplier nanoTime;
    private final Duration grace;
    private ScheduledExecutorService sampler;

    public WatchHealth() {
        this(GRACE, System::nanoTime);
    }

    /** For tests: another grace period and clock. */
    public WatchHealth(Duration grace, LongSupplier nanoTime) {
        this.grace = grace;
        this.nanoTime = nanoTime;
    }

    /** Follows {@code informer}'s watch under the name {@code resource}. */
    public void track(String resource, SharedIndexInformer<?> informer) {
        tracked.add(new Tracked(resource, informer));
    }

    public synchronized void start() {
        if (sampler == null) {
            sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "watch-health");
                thread.setDaemon(true);
                return thread;
            });
            sampler.scheduleWithFixedDelay(this::sample, 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void close() {
        if (sampler != null) {
            sampler.shutdownNow();
            sampler = null;
        }
    }

    public void sample() {
        tracked.forEach(Tracked::sample);
    }

    /** The lost informers, one description each ("pods for 12s (last resourceVersion 42)"); empty when all watch. */
    public List<String> lost() {
        List<String> lost = new ArrayList<>();
        for (Tracked t : tracked) {
            t.lostFor(grace).ifPresent(lost::add);
        }
        return lost;
    }

    /** Readiness wording of {@link #lost()}: empty when every informer watches. */
    public String problem() {
        List<String> lost = lost();
        return lost.isEmpty() ? "" : "watch lost, answering from the last state seen: " + String.join(", ", lost);
    }

    private final class Tracked {

        private final String resource;
        private final SharedIndexInformer<?> informer;
        private long unwatchedSinceNanos;
        private boolean unwatched;

        Tracked(String resource, SharedIndexInformer<?> informer) {
            this.resource = resource;
            this.informer = informer;
        }

        synchronized void sample() {
            if (informer.isWatching()) {
                unwatched = false;
            } else if (!unwatched) {
                unwatched = true;
                unwatchedSinceNanos = nanoTime.getAsLong();
            }
        }

        synchronized Optional<String> lostFor(Duration grace) {
            if (!informer.isRunning()) {
                return Optional.of(resource + " (informer stopped)");
            }
            sample();
            if (!unwatched) {
                return Optional.empty();
            }
            Duration lost = Duration.ofNanos(nanoTime.getAsLong() - unwatchedSinceNanos);
            return lost.compareTo(grace) > 0
                    ? Optional.of(resource + " for " + lost.toSeconds() + "s (last resourceVersion "
                            + informer.lastSyncResourceVersion() + ")")
                    : Optional.empty();
        }
    }
}
