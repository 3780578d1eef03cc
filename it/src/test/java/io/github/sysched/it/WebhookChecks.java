package io.github.sysched.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The AdmissionReview both webhook tests send, and what a correct answer to it contains. */
final class WebhookChecks {

    static final String SERVICE = "sysched-webhook";
    static final String SERVICE_DNS_NAME = SERVICE + "." + MockApiServer.NAMESPACE + ".svc";
    static final String UID = "0d6f8a52-3c1e-4b7a-9a40-2f5b8c1d7e90";

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private WebhookChecks() {}

    /** A ReplicaSet-made pod running nginx:1.16 in {@code default}, which the seeded binding gives nginx-seccomp. */
    static String nginxPodCreate() {
        return """
                {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                 "request": {"uid": "%s",
                   "kind": {"group": "", "version": "v1", "kind": "Pod"},
                   "resource": {"group": "", "version": "v1", "resource": "pods"},
                   "namespace": "default", "operation": "CREATE",
                   "userInfo": {"username": "system:serviceaccount:kube-system:replicaset-controller"},
                   "object": {"apiVersion": "v1", "kind": "Pod",
                     "metadata": {"generateName": "nginx1-7f8d9c6b5d-", "namespace": "default",
                                  "labels": {"app": "nginx1"}},
                     "spec": {"containers": [{"name": "nginx1", "image": "nginx:1.16"}]}}}}
                """.formatted(UID);
    }

    /** 200, the request's uid, allowed, and a JSON Patch that stamps the syscall set from nginx-seccomp. */
    @SuppressWarnings("unchecked")
    static void assertStampsNginxProfile(ServiceTls.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        Map<String, Object> review = JSON.unmarshal(response.body(), Map.class);
        assertThat(review).containsEntry("apiVersion", "admission.k8s.io/v1").containsEntry("kind", "AdmissionReview");
        Map<String, Object> answer = (Map<String, Object>) review.get("response");
        assertThat(answer)
                .containsEntry("uid", UID)
                .containsEntry("allowed", true)
                .containsEntry("patchType", "JSONPatch");
        String patch = new String(Base64.getDecoder().decode((String) answer.get("patch")), StandardCharsets.UTF_8);
        List<Map<String, Object>> operations = JSON.unmarshal(patch, List.class);
        assertThat(operations).as(patch).isNotEmpty();
        assertThat(patch).contains("exs.sysched.io/syscalls").contains("nginx-seccomp");
    }
}
