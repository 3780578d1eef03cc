package io.github.sysched.scheduler;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.github.sysched.spo.SpoApi;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * The fabric8 CRUD mock with the controls the informer tests need (loopback only, like the mock itself):
 * <ul>
 *   <li>Pod deletions that fall between a pod LIST and the next pod WATCH are replayed on that watch. The mock
 *       ignores the watch's {@code resourceVersion} and, when a watch opens, only sends ADDED for what exists,
 *       so such a deletion would be lost there; a real API server replays it from the list's resourceVersion.
 *       Without this, a restart during churn could keep pods the API server no longer has.</li>
 *   <li>{@link #disconnectPodWatches()}: the open pod watches silently stop delivering events (a broken
 *       connection the client has not noticed yet); {@link #expirePodWatches()} then ends them with an ERROR
 *       event {@code 410 Gone}, as when the API server has compacted the watch's resourceVersion, so the
 *       informer relists.</li>
 *   <li>{@link #failCrdReads(int)}: GETs of the SeccompProfile CRD answer with that HTTP status;
 *       {@link #crdReads()} counts them.</li>
 *   <li>A pod watch that closes while pods change (a scheduler stopping mid-churn) neither stalls the mock nor
 *       leaves a write unanswered (see {@code PodWatch.retire}).</li>
 * </ul>
 */
public class WatchControlDispatcher extends KubernetesCrudDispatcher {

    private static final String PODS = "/api/v1/pods";
    private static final String CRD = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"
            + SpoApi.SECCOMP_PROFILE_CRD;
    private static final String GONE = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
            + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource version\",\"reason\":\"Expired\","
            + "\"code\":410}}";

    /** JSON of every deleted pod, in deletion order. */
    private final List<String> deletedPods = new CopyOnWriteArrayList<>();
    private volatile int deletedBeforeLastPodList;
    private final Set<PodWatch> podWatches = ConcurrentHashMap.newKeySet();
    private final AtomicInteger crdReads = new AtomicInteger();
    private volatile int crdReadStatus;
    /** The mock's own listener set and lock (private there): see {@link PodWatch#retire}. */
    private final Set<?> mockListeners = mockField("watchEventListeners");
    private final ReadWriteLock mockLock = mockField("lock");

    @Override
    public MockResponse handleGet(String path) {
        String bare = withoutQuery(path);
        if (bare.equals(CRD)) {
            crdReads.incrementAndGet();
            int status = crdReadStatus;
            if (status != 0) {
                return new MockResponse().setResponseCode(status).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                        + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"injected by the test\",\"code\":"
                        + status + "}");
            }
        }
        if (bare.equals(PODS)) {
            deletedBeforeLastPodList = deletedPods.size();
        }
        return super.handleGet(path);
    }

    @Override
    public MockResponse handleDelete(String path) {
        String bare = withoutQuery(path);
        boolean onePod = bare.startsWith("/api/v1/namespaces/") && bare.contains("/pods/");
        String before = null;
        if (onePod) {
            MockResponse current = super.handleGet(path);
            before = current.code() == 200 ? new String(current.getBody().getBytes(), StandardCharsets.UTF_8) : null;
        }
        MockResponse response = super.handleDelete(path);
        if (before != null && response.code() == 200) {
            deletedPods.add(before);
        }
        return response;
    }

    @Override
    public MockResponse handleWatch(String path) {
        MockResponse response = super.handleWatch(path);
        if (!withoutQuery(path).equals(PODS)) {
            return response;
        }
        PodWatch watch = new PodWatch(response.getWebSocketListener(), deletedBeforeLastPodList);
        podWatches.add(watch);
        return response.withWebSocketUpgrade(watch);
    }

    /** Pod watches whose WebSocket is open (an informer has synced once its list is applied, maybe before). */
    public long openPodWatches() {
        return podWatches.stream().filter(watch -> watch.socket != null).count();
    }

    /** The open pod watches stop delivering events, without closing (the client does not notice). */
    public void disconnectPodWatches() {
        podWatches.forEach(watch -> watch.delivering = false);
    }

    /** Ends every disconnected pod watch with {@code 410 Gone}: the informer relists. */
    public int expirePodWatches() {
        int expired = 0;
        for (PodWatch watch : podWatches) {
            if (!watch.delivering && watch.socket != null) {
                watch.socket.send(GONE);
                podWatches.remove(watch);
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

    @SuppressWarnings("unchecked")
    private <T> T mockField(String name) {
        try {
            Field field = KubernetesCrudDispatcher.class.getDeclaredField(name);
            field.setAccessible(true);
            return (T) field.get(this);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the fabric8 mock changed: no field " + name, e);
        }
    }

    private static void offEventLoop(Runnable task) {
        Thread thread = new Thread(task, "watch-control");
        thread.setDaemon(true);
        thread.start();
    }

    private static String withoutQuery(String path) {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    /** A pod watch: the mock's listener behind a gate, plus the deletions it would otherwise miss. */
    private final class PodWatch extends WebSocketListener {
        private final WebSocketListener delegate;
        private final int replayFrom;
        private volatile boolean delivering = true;
        private volatile WebSocket socket;

        PodWatch(WebSocketListener delegate, int replayFrom) {
            this.delegate = delegate;
            this.replayFrom = replayFrom;
        }

        @Override
        public void onBeforeAccept(WebSocket webSocket, Response response) {
            delegate.onBeforeAccept(webSocket, response);
        }

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            socket = webSocket;
            Gate gate = new Gate(webSocket);
            delegate.onOpen(gate, response); // sends ADDED for what exists now
            List<String> missed = List.copyOf(deletedPods.subList(Math.min(replayFrom, deletedPods.size()),
                    deletedPods.size()));
            // a send waits for the write to complete, which needs this event-loop thread: send from another one
            offEventLoop(() -> missed.forEach(pod -> gate.send("{\"type\":\"DELETED\",\"object\":" + pod + "}")));
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            delegate.onMessage(webSocket, text);
        }

        @Override
        public void onMessage(WebSocket webSocket, byte[] bytes) {
            delegate.onMessage(webSocket, bytes);
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            delegate.onClosing(webSocket, code, reason);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            retire(() -> delegate.onClosed(webSocket, code, reason));
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            retire(() -> delegate.onFailure(webSocket, t, response));
        }

        /**
         * The mock's listener, on close, shuts its send executor down and waits for the pending sends, which need
         * this event-loop thread (a 30 s stall whenever a watch closes while events flow), and only then leaves
         * the listener set, so a write in between fails with RejectedExecutionException and its HTTP request is
         * never answered. Instead: leave the set first, let the writes in flight finish (the mock routes events
         * under its write lock), then close on another thread.
         */
        private void retire(Runnable close) {
            podWatches.remove(this);
            mockListeners.remove(delegate);
            offEventLoop(() -> {
                mockLock.writeLock().lock();
                mockLock.writeLock().unlock();
                close.run();
            });
        }

        /** What the mock's listener writes to: drops everything while the watch is disconnected. */
        private final class Gate implements WebSocket {
            private final WebSocket socket;

            Gate(WebSocket socket) {
                this.socket = socket;
            }

            @Override
            public RecordedRequest request() {
                return socket.request();
            }

            @Override
            public boolean send(String text) {
                return delivering && socket.send(text);
            }

            @Override
            public boolean send(byte[] bytes) {
                return delivering && socket.send(bytes);
            }

            @Override
            public boolean send(ByteString bytes) {
                return delivering && socket.send(bytes);
            }

            @Override
            public boolean close(int code, String reason) {
                return socket.close(code, reason);
            }
        }
    }
}
