package io.github.sysched.scheduler.callpattern;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.github.sysched.scheduler.PodSubresourceDispatcher;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fabric8 CRUD mock with the {@code pods/binding} subresource served as a real API server serves it: the pod
 * gets {@code spec.nodeName} (so the informer sees the binding), 409 when it is already bound or the binding's
 * UID is not the pod's, 404 when there is no such pod. The plain CRUD mock stores the Binding as an object of its
 * own and never sets the node. Loopback only, like the mock.
 */
public class BindingCrudDispatcher extends PodSubresourceDispatcher {

    private static final Pattern BINDING = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/binding(\\?.*)?");

    private final Object bindings = new Object();
    private final AtomicLong bindingRequests = new AtomicLong();

    @Override
    public MockResponse handleCreate(RecordedRequest request) {
        Matcher binding = BINDING.matcher(request.getPath());
        if (!binding.matches()) {
            return super.handleCreate(request);
        }
        bindingRequests.incrementAndGet();
        String namespace = binding.group(1);
        String name = binding.group(2);
        Binding body;
        try {
            body = SERIALIZATION.unmarshal(request.getBody().readUtf8(), Binding.class);
        } catch (RuntimeException e) {
            return status(400, "BadRequest", "not a Binding: " + e.getMessage());
        }
        if (body == null || body.getTarget() == null || body.getTarget().getName() == null) {
            return status(400, "BadRequest", "Binding without target");
        }
        synchronized (bindings) { // check and set as one step, as the API server's resourceVersion check does
            MockResponse current = handleGet(podPath(namespace, name));
            if (current.code() == 404) {
                return status(404, "NotFound", "pods \"" + name + "\" not found");
            }
            Pod pod = SERIALIZATION.unmarshal(current.getBody().readUtf8(), Pod.class);
            String uid = body.getMetadata() == null ? null : body.getMetadata().getUid();
            if (uid != null && !uid.isEmpty() && !uid.equals(pod.getMetadata().getUid())) {
                return status(
                        409,
                        "Conflict",
                        "Precondition failed: UID in precondition: " + uid + ", UID in object meta: "
                                + pod.getMetadata().getUid());
            }
            String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            if (node != null && !node.isEmpty()) {
                return status(409, "Conflict", "pod " + name + " is already assigned to node \"" + node + "\"");
            }
            MockResponse patched = mergePatchPod(
                    namespace,
                    name,
                    "{\"spec\":{\"nodeName\":"
                            + SERIALIZATION.asJson(body.getTarget().getName()) + "}}");
            if (patched.code() / 100 != 2) {
                return patched;
            }
        }
        return status(201, "Success", null);
    }

    /** Binding requests received so far. */
    public long bindingRequests() {
        return bindingRequests.get();
    }
}
