package io.github.sysched.scheduler;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The fabric8 CRUD mock, for dispatchers that serve a pod subresource (binding, eviction) as the API server does
 * instead of storing it as an object of its own: the pod is changed through the mock's own merge patch, and answers
 * are {@code Status} objects.
 */
public abstract class PodSubresourceDispatcher extends KubernetesCrudDispatcher {

    protected static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    protected static String podPath(String namespace, String name) {
        return "/api/v1/namespaces/" + namespace + "/pods/" + name;
    }

    /** Applies a JSON merge patch to the stored pod, as a PATCH request would. */
    protected MockResponse mergePatchPod(String namespace, String name, String patch) {
        return handlePatch(new RecordedRequest(
                "HTTP/1.1",
                HttpMethod.PATCH,
                podPath(namespace, name),
                Headers.builder()
                        .add("Content-Type", "application/merge-patch+json")
                        .build(),
                new Buffer().writeUtf8(patch)));
    }

    /** A {@code Status} answer; {@code reason} is left out on success, {@code message} when null. */
    protected static MockResponse status(int code, String reason, String message) {
        boolean success = code / 100 == 2;
        String json = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":"
                + (success ? "\"Success\"" : "\"Failure\"")
                + (message == null ? "" : ",\"message\":" + SERIALIZATION.asJson(message))
                + (success || reason == null ? "" : ",\"reason\":" + SERIALIZATION.asJson(reason))
                + ",\"code\":" + code + "}";
        return new MockResponse().setResponseCode(code).setBody(json);
    }
}
