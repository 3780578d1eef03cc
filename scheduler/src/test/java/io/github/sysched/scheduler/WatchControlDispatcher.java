package io.github.sysched.scheduler;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.github.sysched.spo.SpoApi;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The fabric8 CRUD mock with the controls the informer tests need (loopback only, like the mock itself):
 * <ul>
 *   <li>The cluster-wide pod watch ({@code /api/v1/pods?watch=true}) is served as a real API server serves it:
 *       every pod event after the watch's {@code resourceVersion} (the informer's list), in order, then the live
 *       ones; a deletion gets a resourceVersion of its own. The mock instead ignores that resourceVersion and,
 *       when the watch opens, sends ADDED for what exists then and the events it queued meanwhile, after events
 *       that happen while it opens. So a pod deleted between the informer's list and its watch was never
 *       reported (a restart during churn kept a deleted pod), and a queued event could overtake a newer one.
 *       Other watches stay the mock's.</li>
 *   <li>{@link #disconnectPodWatches()}: the open pod watches silently stop delivering events (a broken
 *       connection the client has not noticed yet); {@link #expirePodWatches()} then ends them with an ERROR
 *       event {@code 410 Gone}, as when the API server has compacted the watch's resourceVersion, so the
 *       informer relists.</li>
 *   <li>{@link #failCrdReads(int)}: GETs of the SeccompProfile CRD answer with that HTTP status;
 *       {@link #crdReads()} counts them.</li>
 * </ul>
 * A pod watch sends from a thread of its own: a write never waits for a watcher (the mock's writer waits for its
 * listeners' sends when one closes) and never fails because a watch closed.
 */
public class WatchControlDispatcher extends KubernetesCrudDispatcher {

    private static final String PODS = "/api/v1/pods";
    private static final String CRD =
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + SpoApi.SECCOMP_PROFILE_CRD;
    private static final String GONE = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
            + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource version\",\"reason\":\"Expired\","
            + "\"code\":410}}";
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** A watch event (JSON) and the resourceVersion it happened at. */
    private record PodEvent(long resourceVersion, String json) {}

    /** Every pod event since the server started, in order; also guards {@link #podWatches} registration. */
    private final List<PodEvent> podEvents = new ArrayList<>();

    private final Set<PodWatch> podWatches = ConcurrentHashMap.newKeySet();
    private final AtomicInteger crdReads = new AtomicInteger();
    private volatile int crdReadStatus;

    @Override
    public MockResponse handleGet(String path) {
        if (withoutQuery(path).equals(CRD)) {
            crdReads.incrementAndGet();
            int status = crdReadStatus;
            if (status != 0) {
                return new MockResponse()
                        .setResponseCode(status)
                        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                                + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"injected by the test\",\"code\":"
                                + status + "}");
            }
        }
        return super.handleGet(path);
    }

    /** Every write ends here, under the mock's write lock (so in resourceVersion order): log and route pod events. */
    @Override
    public void processEvent(
            String path,
            AttributeSet pathAttributes,
            AttributeSet oldKey,
            GenericKubernetesResource resource,
            String json) {
        String before = oldKey == null ? null : map.get(oldKey);
        super.processEvent(path, pathAttributes, oldKey, resource, json);
        if (Objects.equals(before, json)) {
            return; // no change, no event (as the mock)
        }
        GenericKubernetesResource object =
                SERIALIZATION.unmarshal(json != null ? json : before, GenericKubernetesResource.class);
        if (!"Pod".equals(object.getKind())) {
            return;
        }
        String type = before == null ? "ADDED" : "MODIFIED";
        String objectJson = json;
        if (json == null) { // a real API server gives the deletion a resourceVersion of its own
            type = "DELETED";
            object.getMetadata().setResourceVersion(String.valueOf(requestResourceVersion()));
            objectJson = SERIALIZATION.asJson(object);
        }
        PodEvent event =
                new PodEvent(Long.parseLong(object.getMetadata().getResourceVersion()), watchEvent(type, objectJson));
        synchronized (podEvents) {
            podEvents.add(event);
            podWatches.forEach(watch -> watch.deliver(event.json()));
        }
    }

    /** Called under the mock's read lock (from {@link #handleGet}): no write runs meanwhile. */
    @Override
    public MockResponse handleWatch(String path) {
        if (!withoutQuery(path).equals(PODS)) {
            return super.handleWatch(path);
        }
        String from = queryParameter(path, "resourceVersion");
        PodWatch watch = new PodWatch();
        synchronized (podEvents) {
            if (from == null || from.isEmpty() || from.equals("0")) { // "start at most recent": what exists now
                map.forEach((key, json) -> {
                    if ("Pod"
                            .equals(SERIALIZATION
                                    .unmarshal(json, GenericKubernetesResource.class)
                                    .getKind())) {
                        watch.deliver(watchEvent("ADDED", json));
                    }
                });
            } else {
                long after = Long.parseLong(from);
                podEvents.stream()
                        .filter(event -> event.resourceVersion() > after)
                        .forEach(event -> watch.deliver(event.json()));
            }
            podWatches.add(watch);
        }
        return new MockResponse().withWebSocketUpgrade(watch);
    }

    /** Pod watches whose WebSocket is open (an informer has synced once its list is applied, maybe before). */
    public long openPodWatches() {
        return podWatches.stream().filter(PodWatch::isOpen).count();
    }

    /** The open pod watches stop delivering events, without closing (the client does not notice). */
    public void disconnectPodWatches() {
        podWatches.forEach(watch -> watch.delivering = false);
    }

    /** Ends every disconnected pod watch with {@code 410 Gone}: the informer relists. */
    public int expirePodWatches() {
        int expired = 0;
        for (PodWatch watch : podWatches) {
            if (!watch.delivering && watch.isOpen()) {
                podWatches.remove(watch);
                watch.send(GONE);
                expired++;
            }
        }
        return expired;
    }

    /** From now on the SeccompProfile CRD GET answers {@code status} (0: normally). */
    public void failCrdReads(int status) {
        crdReadStatus = status;
    }

    public int crdReads() {
        return crdReads.get();
    }

    private static String watchEvent(String type, String objectJson) {
        return "{\"type\":\"" + type + "\",\"object\":" + objectJson + "}";
    }

    private static String withoutQuery(String path) {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    private static String queryParameter(String path, String name) {
        int query = path.indexOf('?');
        if (query < 0) {
            return null;
        }
        for (String parameter : path.substring(query + 1).split("&")) {
            if (parameter.startsWith(name + "=")) {
                return parameter.substring(name.length() + 1);
            }
        }
        return null;
    }

    /** One pod watch: its events in order, sent once the WebSocket is open. */
    private final class PodWatch extends WebSocketListener {
        private final CompletableFuture<WebSocket> socket = new CompletableFuture<>();
        /** One thread: keeps the order; a send waits for the event loop, which must not wait for it. */
        private final ExecutorService sender = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "pod-watch");
            thread.setDaemon(true);
            return thread;
        });

        private volatile boolean delivering = true;

        /** Queues {@code event} unless the watch is disconnected; never blocks or throws. */
        void deliver(String event) {
            if (delivering) {
                send(event);
            }
        }

        void send(String text) {
            run(webSocket -> webSocket.send(text));
        }

        boolean isOpen() {
            return socket.isDone() && !socket.isCompletedExceptionally() && !sender.isShutdown();
        }

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            socket.complete(webSocket);
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            end();
            run(open -> open.close(code, reason)); // after the events queued before
            sender.shutdown();
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            end();
            sender.shutdown();
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            end();
            socket.completeExceptionally(t); // a send still waiting for the socket gives up
            sender.shutdown();
        }

        private void end() {
            podWatches.remove(this);
        }

        private void run(Consumer<WebSocket> action) {
            try {
                sender.execute(() -> {
                    try {
                        action.accept(socket.join());
                    } catch (CompletionException neverOpened) {
                        // the connection failed before the upgrade: nothing to send to
                    }
                });
            } catch (RejectedExecutionException ended) {
                // the watch has closed: like a real API server, drop what it would have sent
            }
        }
    }
}
