package io.github.sysched.scheduler.rebalance;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.github.sysched.scheduler.PodSubresourceDispatcher;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fabric8 CRUD mock with the {@code pods/eviction} subresource served as an API server serves it: the pod is
 * deleted and 201 answered, or 429 while {@link #refuse} says a PodDisruptionBudget does not allow it; 404 for no such
 * pod. The plain CRUD mock would store the Eviction as an object of its own and delete nothing. Every eviction request
 * is recorded ({@code apiVersion namespace/name}). Loopback only, like the mock.
 */
class EvictionCrudDispatcher extends PodSubresourceDispatcher {

    private static final Pattern EVICTION =
            Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/eviction(\\?.*)?");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    final List<String> requests = new CopyOnWriteArrayList<>();
    volatile boolean refuse;
    /**
     * Evicted pods are marked for deletion ({@code metadata.deletionTimestamp}) and stay, as while the kubelet stops
     * them, instead of being deleted at once.
     */
    volatile boolean graceful;

    /** The finalizer that keeps a {@link #graceful}ly evicted pod (the mock deletes a marked pod without one). */
    static final String TERMINATING = "sysched.test/terminating";
    /** Not 0: every eviction fails with this code (403: RBAC without create on pods/eviction). */
    volatile int failWith;

    @Override
    public MockResponse handleCreate(RecordedRequest request) {
        Matcher eviction = EVICTION.matcher(request.getPath());
        if (!eviction.matches()) {
            return super.handleCreate(request);
        }
        JsonNode body = JSON.readTree(request.getBody().readUtf8());
        String namespace = eviction.group(1);
        String name = eviction.group(2);
        requests.add(body.path("apiVersion").asString() + " " + namespace + "/" + name);
        if (failWith != 0) {
            return status(failWith, "Forbidden", "cannot create resource \"pods/eviction\"");
        }
        if (refuse) {
            return status(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.");
        }
        if (graceful) {
            MockResponse marked = mergePatchPod(
                    namespace,
                    name,
                    "{\"metadata\":{\"finalizers\":[\"" + TERMINATING + "\"],"
                            + "\"deletionTimestamp\":\"2026-12-07T06:00:00Z\"}}");
            return marked.code() / 100 == 2 ? status(201, null, null) : marked;
        }
        MockResponse deleted = handleDelete(podPath(namespace, name));
        if (deleted.code() == 404) {
            return status(404, "NotFound", "pods \"" + name + "\" not found");
        }
        return status(201, null, null);
    }
}
