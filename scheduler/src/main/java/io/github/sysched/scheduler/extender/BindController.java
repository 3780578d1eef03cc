package io.github.sysched.scheduler.extender;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.pod.ScoringPod;
import io.github.sysched.scheduler.leader.Leadership;
import io.github.sysched.scheduler.state.ClusterState;
import io.github.sysched.scheduler.state.InFlightPods;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * {@code POST /bind} (only with {@code sysched.scheduler.bind.enabled=true}): kube-scheduler delegates the binding, so
 * the extender learns each decision the moment it is made.
 *
 * <ol>
 *   <li>{@link ClusterState#reserve}: unless the node hosts pods of another isolation class (then the binding is
 *       refused with {@code Error}, and kube-scheduler retries the pod), the pod counts on the node at once, before the
 *       API call; requests waiting for this decision ({@link InFlightPods}) go on;</li>
 *   <li>one API call, {@code POST pods/binding}, with a body written here (no read of the pod: its syscall set and
 *       class come from its in-flight attempt, else from the informer's cache);</li>
 *   <li>if the call fails, the pod is forgotten again and the error returned.</li>
 * </ol>
 * A pod the extender knows nothing about (neither in flight nor cached) is bound without being counted; the informer
 * counts it. Needs RBAC {@code create} on {@code pods/binding}. Metrics: {@code sysched.extender.requests{verb=bind}}
 * and {@code sysched.extender.bind.api} (the API call alone).
 */
@Component
@ConditionalOnProperty(prefix = "sysched.scheduler.bind", name = "enabled", havingValue = "true")
public class BindController {

    private static final Logger log = LoggerFactory.getLogger(BindController.class);
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern UID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final KubernetesClient client;
    private final ClusterState state;
    private final ClusterView view;
    private final InFlightPods inFlight;
    private final Leadership leadership;
    private final Timer apiCalls;
    private final String apiBase;
    private final ExtenderObserver observer;

    public BindController(
            KubernetesClient client,
            ClusterState state,
            ClusterView view,
            InFlightPods inFlight,
            Leadership leadership,
            MeterRegistry registry,
            ObjectProvider<ExtenderObserver> observers) {
        this.leadership = leadership;
        this.client = client;
        this.state = state;
        this.view = view;
        this.inFlight = inFlight;
        this.apiCalls = Timer.builder("sysched.extender.bind.api")
                .description("The pods/binding API call of /bind (the API server's part of a bind)")
                .publishPercentileHistogram()
                .register(registry);
        this.apiBase = client.getMasterUrl().toString().replaceAll("/+$", "") + "/api/v1/namespaces/";
        this.observer = ExtenderObserver.all(observers.orderedStream().toList());
    }

    /** Binds {@code PodNamespace/PodName} (UID {@code PodUID}) to {@code Node}; empty {@code Error} on success. */
    public ExtenderBindingResult bind(ExtenderBindingArgs args) {
        long started = System.nanoTime();
        if (isBlank(args.podName()) || isBlank(args.podNamespace()) || isBlank(args.node())) {
            return new ExtenderBindingResult("PodName, PodNamespace and Node are required");
        }
        String invalid = invalidName(args);
        if (invalid != null) {
            return new ExtenderBindingResult(invalid);
        }
        String refusal = leadership.refusal();
        if (!refusal.isEmpty()) {
            return new ExtenderBindingResult(refusal); // another replica holds the state this binding must go through
        }
        String uid = isBlank(args.podUid()) ? null : args.podUid();
        Known known = known(args, uid);
        if (known != null) {
            ClusterState.Reservation reservation = state.reserve(known.uid, args.node(), known.resolved, known.pod);
            inFlight.settle(known.uid); // decided: requests waiting for this pod go on
            if (!reservation.reserved()) {
                log.info(
                        "refusing to bind {}/{} to {}: {}",
                        args.podNamespace(),
                        args.podName(),
                        args.node(),
                        reservation.refusal());
                return new ExtenderBindingResult(reservation.refusal());
            }
        }
        String failure = postBinding(args, uid);
        if (failure != null) {
            if (known != null) {
                state.forget(known.uid);
            }
            log.info("binding {}/{} to {} failed: {}", args.podNamespace(), args.podName(), args.node(), failure);
            return new ExtenderBindingResult("binding failed: " + failure);
        }
        observer.bound(
                new ExtenderObserver.PodRef(args.podNamespace(), args.podName(), known != null ? known.uid : uid),
                args.node(),
                System.nanoTime() - started);
        return new ExtenderBindingResult("");
    }

    /** What the extender knows of the pod: its in-flight attempt, else the informer's cached pod; null: nothing. */
    private Known known(ExtenderBindingArgs args, String uid) {
        InFlightPods.Attempt attempt = inFlight.attempt(uid).orElse(null);
        if (attempt != null
                && args.podNamespace().equals(attempt.pod().namespace())
                && args.podName().equals(attempt.pod().name())) {
            return new Known(attempt.uid(), attempt.resolved(), attempt.pod());
        }
        Pod cached = view.pod(args.podNamespace(), args.podName());
        if (cached == null
                || cached.getMetadata().getUid() == null
                || (uid != null && !uid.equals(cached.getMetadata().getUid()))) {
            return null;
        }
        ScoringPod pod = ScoringPod.of(cached);
        return new Known(pod.uid(), inFlight.resolve(pod), pod);
    }

    private record Known(String uid, InFlightPods.Resolved resolved, ScoringPod pod) {}

    /** The one API call: {@code POST .../pods/NAME/binding}; null on success, else why it failed. */
    private String postBinding(ExtenderBindingArgs args, String uid) {
        // names and UID are validated (no character needs JSON escaping); the body is what kube-scheduler's own
        // binder sends
        String body = "{\"kind\":\"Binding\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"" + args.podName()
                + "\",\"namespace\":\"" + args.podNamespace() + "\"" + (uid == null ? "" : ",\"uid\":\"" + uid + "\"")
                + "},\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"" + args.node() + "\"}}";
        HttpRequest request = client.getHttpClient()
                .newHttpRequestBuilder()
                .uri(apiBase + args.podNamespace() + "/pods/" + args.podName() + "/binding")
                .post("application/json", body.getBytes(StandardCharsets.UTF_8))
                .timeout(client.getConfiguration().getRequestTimeout(), TimeUnit.MILLISECONDS)
                .build();
        long started = System.nanoTime();
        try {
            HttpResponse<String> response =
                    client.getHttpClient().sendAsync(request, String.class).get();
            if (response.isSuccessful()) {
                return null;
            }
            return "HTTP " + response.code() + ": " + abbreviate(String.valueOf(response.body()), 512);
        } catch (ExecutionException e) {
            return e.getCause() == null ? e.toString() : e.getCause().toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } finally {
            apiCalls.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * The names go into the binding URL: anything but a Kubernetes name (which never needs escaping) is refused
     * rather than sent, e.g. a pod name with '/' or '?' that would address another path.
     */
    private static String invalidName(ExtenderBindingArgs args) {
        if (!isName(args.podNamespace(), DNS_LABEL, 63)) {
            return "PodNamespace '" + abbreviate(args.podNamespace()) + "' is not a valid namespace name";
        }
        if (!isName(args.podName(), DNS_SUBDOMAIN, 253)) {
            return "PodName '" + abbreviate(args.podName()) + "' is not a valid pod name";
        }
        if (!isName(args.node(), DNS_SUBDOMAIN, 253)) {
            return "Node '" + abbreviate(args.node()) + "' is not a valid node name";
        }
        if (!isBlank(args.podUid()) && !UID.matcher(args.podUid()).matches()) {
            return "PodUID '" + abbreviate(args.podUid()) + "' is not a valid UID";
        }
        return null;
    }

    private static boolean isName(String value, Pattern pattern, int maxLength) {
        return value.length() <= maxLength && pattern.matcher(value).matches();
    }

    private static String abbreviate(String value) {
        return abbreviate(value, 64);
    }

    private static String abbreviate(String value, int length) {
        return value.length() > length ? value.substring(0, length) + "..." : value;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
