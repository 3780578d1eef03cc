package io.github.sysched.scheduler.callpattern;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fabric8 CRUD mock with the {@code pods/binding} subresource served as a real API server serves it: the pod
 * gets {@code spec.nodeName} (so the informer sees the binding), 409 when it is already bound or the binding's
 * UID is not the pod's, 404 when there is no such pod. The plain CRUD mock stores the Binding as an object of its
 * own and never sets the node. Loopback only, like the mock.
 */
public class BindingCrudDispatcher extends KubernetesCrudDispatcher {

    private static final Pattern BINDING = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/binding(\\?.*)?");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

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
        String podPath = "/api/v1/namespaces/" + namespace + "/pods/" + name;
        synchronized (bindings) { // check and set as one step, as the API server's resourceVersion check does
            MockResponse current = handleGet(podPath);
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
            MockResponse patched = handlePatch(new RecordedRequest(
                    "HTTP/1.1",
                    HttpMethod.PATCH,
                    podPath,
                    Headers.builder()
                            .add("Content-Type", "application/merge-patch+json")
                            .build(),
                    new Buffer()
                            .writeUtf8("{\"spec\":{\"nodeName\":"
                                    + SERIALIZATION.asJson(body.getTarget().getName()) + "}}")));
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

    private static MockResponse status(int code, String reason, String message) {
        String json = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":"
                + (code / 100 == 2 ? "\"Success\"" : "\"Failure\"")
                + (message == null ? "" : ",\"message\":" + SERIALIZATION.asJson(message))
                + (code / 100 == 2 ? "" : ",\"reason\":" + SERIALIZATION.asJson(Objects.requireNonNull(reason)))
                + ",\"code\":" + code + "}";
        return new MockResponse().setResponseCode(code).setBody(json);
    }
}
