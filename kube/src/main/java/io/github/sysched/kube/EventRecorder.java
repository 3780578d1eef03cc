package io.github.sysched.kube;

import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.api.model.events.v1.EventSeries;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts {@code events.k8s.io/v1} Events without ever making the caller wait: {@link #post} puts the Event in a
 * bounded queue and returns; one background thread sends what is queued. Shaped after client-go's
 * {@code tools/events} recorder (the one kube-scheduler uses for its own {@code Scheduled} Events):
 * <ul>
 *   <li><b>rate limit</b>: a token bucket per process ({@link Settings#perSecond}, {@link Settings#burst}) paces the
 *       API calls; while the sender waits for a token the queue fills, and an Event that finds the queue full is
 *       dropped and counted ({@link #dropped()}), never waited for;</li>
 *   <li><b>series</b>: an Event with the same regarding and related objects, reason, action and reporting controller
 *       as one created less than {@link Settings#seriesWindow} earlier is not created again: the first repeat sets
 *       {@code series.count} 2 on the existing Event, later repeats are counted locally and written together at
 *       most every {@link Settings#seriesFlush} ({@link #aggregated()});</li>
 *   <li><b>failures</b> are counted ({@link #failed()}) and logged (at WARN at most once a minute), never thrown.</li>
 * </ul>
 * Why {@code events.k8s.io/v1} and not core {@code v1} Events: it is the API kube-scheduler itself reports with, it
 * names the reporting controller and instance and carries the series, and {@code kubectl get events} and
 * {@code kubectl describe} show both (one storage). RBAC: {@code create} and {@code patch} on
 * {@code events.events.k8s.io} in the namespaces of the regarding objects.
 */
public final class EventRecorder implements AutoCloseable {

    /** The API server rejects longer notes. */
    public static final int MAX_NOTE = 1024;

    private static final int MAX_REPORTING_INSTANCE = 128;
    private static final int MAX_SERIES_TRACKED = 4096;
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);
    private static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX").withZone(ZoneOffset.UTC);
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

    /**
     * @param perSecond     API calls per second the token bucket refills (creates and series updates)
     * @param burst         the bucket's size: calls that may go out at once after a quiet time
     * @param queueCapacity Events waiting to be sent; more are dropped
     * @param seriesWindow  how long after the last occurrence a repeat still joins an Event's series (client-go: 6m)
     * @param seriesFlush   how often a series' count, once 2, is written again while it grows
     */
    public record Settings(
            double perSecond, int burst, int queueCapacity, Duration seriesWindow, Duration seriesFlush) {

        public static final Settings DEFAULT =
                new Settings(10, 100, 1000, Duration.ofMinutes(6), Duration.ofSeconds(30));

        public Settings {
            if (!(perSecond > 0) || burst < 1 || queueCapacity < 1) {
                throw new IllegalArgumentException("events: per-second must be > 0, burst and queue-capacity >= 1");
            }
            Objects.requireNonNull(seriesWindow, "seriesWindow");
            Objects.requireNonNull(seriesFlush, "seriesFlush");
        }
    }

    /** One Event to post: {@code type} is {@code Normal} or {@code Warning}. */
    public record Occurrence(
            ObjectReference regarding,
            ObjectReference related,
            String type,
            String reason,
            String action,
            String note) {

        public Occurrence {
            Objects.requireNonNull(regarding, "regarding");
            Objects.requireNonNull(regarding.getNamespace(), "regarding.namespace");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(action, "action");
            note = note == null ? "" : truncate(note, MAX_NOTE);
        }

        /** What makes two occurrences one series (client-go's eventKey: the note is not part of it). */
        SeriesKey key() {
            return new SeriesKey(reference(regarding), related == null ? "" : reference(related), reason, action);
        }

        private static String reference(ObjectReference ref) {
            return ref.getApiVersion() + "/" + ref.getKind() + "/" + ref.getNamespace() + "/" + ref.getName() + "/"
                    + ref.getUid();
        }
    }

    private record SeriesKey(String regarding, String related, String reason, String action) {}

    /** The sender's record of an Event it created, to count its repeats. */
    private static final class Series {
        final String namespace;
        final String name;
        int count = 1;
        int written = 1;
        Instant lastObserved;
        Instant lastWritten;

        Series(String namespace, String name, Instant now) {
            this.namespace = namespace;
            this.name = name;
            this.lastObserved = now;
            this.lastWritten = now;
        }
    }

    private final KubernetesClient client;
    private final String reportingController;
    private final String reportingInstance;
    private final Settings settings;
    private final Clock clock;
    private final BlockingQueue<Occurrence> queue;
    private final TokenBucket tokens;
    /** Sender thread only. Insertion order is creation order, so the eldest entry expires first. */
    private final Map<SeriesKey, Series> series = new LinkedHashMap<>();

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong aggregated = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private Instant lastWarning;
    private Thread sender;
    private volatile boolean running;

    /**
     * @param reportingController e.g. {@code sysched-extender} (a qualified name, as the API requires)
     * @param reportingInstance   which replica: e.g. the controller name and the pod name (at most 128 characters)
     */
    public EventRecorder(
            KubernetesClient client,
            String reportingController,
            String reportingInstance,
            Settings settings,
            Clock clock) {
        this.client = client;
        this.reportingController = reportingController;
        this.reportingInstance = truncate(reportingInstance, MAX_REPORTING_INSTANCE);
        this.settings = settings;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.tokens = new TokenBucket(settings.perSecond(), settings.burst());
    }

    /**
     * Queues {@code occurrence} for the sender and returns at once; false (and counted as dropped) when the queue is
     * full or the recorder is closed.
     */
    public boolean post(Occurrence occurrence) {
        if (running && queue.offer(occurrence)) {
            return true;
        }
        dropped.incrementAndGet();
        return false;
    }

    /** Events created. */
    public long sent() {
        return sent.get();
    }

    /** Occurrences counted into the series of an Event already created, instead of creating another. */
    public long aggregated() {
        return aggregated.get();
    }

    /** Occurrences that found the queue full (or the recorder closed). */
    public long dropped() {
        return dropped.get();
    }

    /** API calls that failed: an Event not created, or a series count not written. */
    public long failed() {
        return failed.get();
    }

    /** Occurrences waiting to be sent. */
    public int queued() {
        return queue.size();
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        sender = new Thread(this::sendLoop, "event-recorder");
        sender.setDaemon(true);
        sender.start();
    }

    @Override
    public synchronized void close() {
        running = false;
        if (sender != null) {
            sender.interrupt();
            sender = null;
        }
    }

    // ---- the sender thread ----------------------------------------------------------------------------------

    private void sendLoop() {
        try {
            while (running) {
                Occurrence next = queue.poll(1, TimeUnit.SECONDS);
                Instant now = clock.instant();
                if (next != null) {
                    send(next, now);
                }
                writeGrownSeries(clock.instant());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
        } catch (RuntimeException e) {
            log.error("event recorder stopped: {}", e.toString(), e);
        }
    }

    private void send(Occurrence occurrence, Instant now) throws InterruptedException {
        expireSeries(now);
        SeriesKey key = occurrence.key();
        Series known = series.get(key);
        if (known != null) {
            known.count++;
            known.lastObserved = now;
            aggregated.incrementAndGet();
            if (known.written == 1) {
                writeSeries(known, now); // client-go: the first repeat turns the Event into a series at once
            }
            return;
        }
        tokens.take();
        Event event = new EventBuilder()
                .withNewMetadata()
                .withNamespace(occurrence.regarding().getNamespace())
                .withName(eventName(occurrence.regarding().getName(), now))
                .endMetadata()
                .withEventTime(new MicroTime(MICRO_TIME.format(now)))
                .withReportingController(reportingController)
                .withReportingInstance(reportingInstance)
                .withAction(occurrence.action())
                .withReason(occurrence.reason())
                .withType(occurrence.type())
                .withRegarding(occurrence.regarding())
                .withRelated(occurrence.related())
                .withNote(occurrence.note())
                .build();
        try {
            Event created = client.events()
                    .v1()
                    .events()
                    .inNamespace(event.getMetadata().getNamespace())
                    .resource(event)
                    .create();
            sent.incrementAndGet();
            if (series.size() >= MAX_SERIES_TRACKED) {
                Iterator<SeriesKey> eldest = series.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
            series.put(
                    key,
                    new Series(
                            created.getMetadata().getNamespace(),
                            created.getMetadata().getName(),
                            now));
        } catch (KubernetesClientException e) {
            failed(
                    occurrence.reason() + " Event on " + occurrence.regarding().getKind() + " "
                            + occurrence.regarding().getNamespace() + "/"
                            + occurrence.regarding().getName(),
                    e);
        }
    }

    /** Series whose count grew since it was last written, once {@link Settings#seriesFlush} has passed. */
    private void writeGrownSeries(Instant now) throws InterruptedException {
        for (Series s : series.values()) {
            if (s.count > s.written && !now.isBefore(s.lastWritten.plus(settings.seriesFlush()))) {
                writeSeries(s, now);
            }
        }
    }

    private void writeSeries(Series s, Instant now) throws InterruptedException {
        tokens.take();
        EventSeries update = new EventSeries(s.count, new MicroTime(MICRO_TIME.format(s.lastObserved)));
        try {
            client.events()
                    .v1()
                    .events()
                    .inNamespace(s.namespace)
                    .withName(s.name)
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            client.getKubernetesSerialization().asJson(Map.of("series", update)));
            s.written = s.count;
        } catch (KubernetesClientException e) {
            failed("series count of Event " + s.namespace + "/" + s.name, e);
            s.written = s.count; // not retried: the next repeat writes the count again
        }
        s.lastWritten = now;
    }

    private void expireSeries(Instant now) {
        series.values()
                .removeIf(s -> now.isAfter(s.lastObserved.plus(settings.seriesWindow())) && s.count == s.written);
    }

    private void failed(String what, KubernetesClientException e) {
        failed.incrementAndGet();
        Instant now = clock.instant();
        String hint = e.getCode() == 403
                ? " (the service account needs create and patch on events.events.k8s.io in that namespace)"
                : "";
        if (lastWarning == null || !now.isBefore(lastWarning.plus(WARN_EVERY))) {
            lastWarning = now;
            log.warn(
                    "cannot write the {}: {}{} (further failures within {} are logged at DEBUG)",
                    what,
                    describe(e),
                    hint,
                    WARN_EVERY);
        } else {
            log.debug("cannot write the {}: {}", what, describe(e));
        }
    }

    /** fabric8 says "An error has occurred." when the request never got an answer: the cause says why. */
    private static String describe(KubernetesClientException e) {
        Throwable cause = e;
        while (e.getCode() <= 0 && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == e ? e.getMessage() : e.getMessage() + " (" + cause + ")";
    }

    /** As client-go names Events: the object's name, a dot, the time in hex nanoseconds; at most 253 characters. */
    static String eventName(String objectName, Instant now) {
        String suffix = "." + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano());
        return truncate(objectName, 253 - suffix.length()) + suffix;
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    /** Tokens refill continuously at {@code perSecond} up to {@code burst}; {@link #take} sleeps until one is there. */
    private static final class TokenBucket {
        private final double perNano;
        private final double capacity;
        private double available;
        private long refilledAt = System.nanoTime();

        TokenBucket(double perSecond, int burst) {
            this.perNano = perSecond / 1e9;
            this.capacity = burst;
            this.available = burst;
        }

        void take() throws InterruptedException {
            while (true) {
                long now = System.nanoTime();
                available = Math.min(capacity, available + (now - refilledAt) * perNano);
                refilledAt = now;
                if (available >= 1) {
                    available -= 1;
                    return;
                }
                TimeUnit.NANOSECONDS.sleep((long) Math.ceil((1 - available) / perNano));
            }
        }
    }
}
