package io.github.sysched.kube;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Puts a service's not-ready reason where an operator looks first: a Warning Event (reason {@code NotReady}) on the
 * service's own pod, which {@code kubectl describe pod} lists. Without it, a service that never turns ready (e.g.
 * the Security Profiles Operator's CRDs are missing) only shows a failing readiness probe, and
 * {@code helm install --wait} just hangs.
 *
 * <p>An Event is posted once the service has been not ready for longer than {@code grace} (short outages, such as
 * the start-up, stay quiet), then at most every {@code repeat} while it lasts; readiness resets both. The pod comes
 * from the downward API ({@link PodRef#fromEnvironment}); outside a pod nothing is posted. Failures to post are
 * logged and retried at the next {@code repeat}, never thrown.
 */
public final class NotReadyEvents implements AutoCloseable {

    public static final Duration GRACE = Duration.ofMinutes(1);
    public static final Duration REPEAT = Duration.ofMinutes(5);
    public static final Duration CHECK_EVERY = Duration.ofSeconds(10);
    public static final String REASON = "NotReady";
    /** The API server rejects longer Event messages. */
    static final int MAX_MESSAGE = 1024;

    private static final System.Logger LOG = System.getLogger(NotReadyEvents.class.getName());

    /** The pod the service runs in, as the chart passes it (POD_NAME, POD_NAMESPACE, POD_UID). */
    public record PodRef(String namespace, String name, String uid) {

        /** Empty unless both POD_NAME and POD_NAMESPACE are set; POD_UID is optional. */
        public static Optional<PodRef> fromEnvironment(Map<String, String> environment) {
            String name = environment.getOrDefault("POD_NAME", "");
            String namespace = environment.getOrDefault("POD_NAMESPACE", "");
            if (name.isBlank() || namespace.isBlank()) {
                return Optional.empty();
            }
            String uid = environment.getOrDefault("POD_UID", "");
            return Optional.of(new PodRef(namespace, name, uid.isBlank() ? null : uid));
        }
    }

    private final KubernetesClient client;
    private final PodRef pod;
    private final String component;
    private final Supplier<String> problem;
    private final Clock clock;
    private final Duration grace;
    private final Duration repeat;
    private Instant notReadySince;
    private Instant lastPosted;
    private ScheduledExecutorService checker;

    /**
     * For the pod this process runs in ({@link PodRef#fromEnvironment} of the process environment); outside a pod
     * the instance does nothing.
     *
     * @param component the reporting component ({@code sysched-webhook}, {@code sysched-scheduler})
     * @param problem   why the service is not ready; empty (or null) while it is ready
     */
    public static NotReadyEvents forThisPod(KubernetesClient client, String component, Supplier<String> problem) {
        return new NotReadyEvents(
                client,
                PodRef.fromEnvironment(System.getenv()).orElse(null),
                component,
                problem,
                Clock.systemUTC(),
                GRACE,
                REPEAT);
    }

    /** {@code pod} null: nothing is ever posted. */
    public NotReadyEvents(
            KubernetesClient client,
            PodRef pod,
            String component,
            Supplier<String> problem,
            Clock clock,
            Duration grace,
            Duration repeat) {
        this.client = client;
        this.pod = pod;
        this.component = component;
        this.problem = problem;
        this.clock = clock;
        this.grace = grace;
        this.repeat = repeat;
    }

    /** One look at readiness; posts an Event when due. Returns the Event posted, if any. */
    public synchronized Optional<Event> check() {
        if (pod == null) {
            return Optional.empty();
        }
        String reason = problem.get();
        Instant now = clock.instant();
        if (reason == null || reason.isEmpty()) {
            notReadySince = null;
            lastPosted = null;
            return Optional.empty();
        }
        if (notReadySince == null) {
            notReadySince = now;
        }
        Duration notReadyFor = Duration.between(notReadySince, now);
        if (notReadyFor.compareTo(grace) < 0
                || (lastPosted != null && Duration.between(lastPosted, now).compareTo(repeat) < 0)) {
            return Optional.empty();
        }
        lastPosted = now;
        String message = "not ready for " + describe(notReadyFor) + ": " + reason;
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE - 1) + "…";
        }
        String timestamp = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
        Event event = new EventBuilder()
                .withNewMetadata()
                .withNamespace(pod.namespace())
                .withName(pod.name() + "." + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano()))
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion("v1")
                .withKind("Pod")
                .withNamespace(pod.namespace())
                .withName(pod.name())
                .withUid(pod.uid())
                .endInvolvedObject()
                .withType("Warning")
                .withReason(REASON)
                .withMessage(message)
                .withNewSource()
                .withComponent(component)
                .endSource()
                .withReportingComponent(component)
                .withReportingInstance(pod.name())
                .withFirstTimestamp(timestamp)
                .withLastTimestamp(timestamp)
                .withCount(1)
                .build();
        try {
            return Optional.of(client.v1()
                    .events()
                    .inNamespace(pod.namespace())
                    .resource(event)
                    .create());
        } catch (KubernetesClientException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "cannot post the NotReady Event on pod {0}/{1} (retrying in {2}): {3}",
                    pod.namespace(),
                    pod.name(),
                    repeat,
                    e.getMessage());
            return Optional.empty();
        }
    }

    private static String describe(Duration duration) {
        long minutes = duration.toMinutes();
        return minutes > 0 ? minutes + "m" : duration.toSeconds() + "s";
    }

    /** Checks every {@link #CHECK_EVERY} on a daemon thread (in a pod). */
    public synchronized void start() {
        if (checker == null && pod != null) {
            checker = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "not-ready-events");
                thread.setDaemon(true);
                return thread;
            });
            checker.scheduleWithFixedDelay(
                    this::checkQuietly, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "not-ready check failed", e);
        }
    }

    @Override
    public synchronized void close() {
        if (checker != null) {
            checker.shutdownNow();
            checker = null;
        }
    }
}
