package io.github.sysched.charts;

import static io.github.sysched.charts.ChartRenderer.NAMESPACE;
import static io.github.sysched.charts.ChartRenderer.render;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Every rendered object is a known kind, parses into its fabric8 model and has no unknown fields. */
class StrictModelTest {

    static final List<String> VALUE_SETS = ChartRenderer.VALUE_SETS;

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void everyObjectParsesStrictly(String valueSet) {
        Rendered r = render(valueSet);
        assertThat(r.objects).isNotEmpty();
        Set<String> ids = new HashSet<>();
        for (HasMetadata o : r.objects) {
            String id = o.getKind() + "/" + o.getMetadata().getNamespace() + "/"
                    + o.getMetadata().getName();
            assertThat(ids.add(id)).as("duplicate object %s", id).isTrue();
            assertThat(o.getMetadata().getName())
                    .as("name of %s", id)
                    .isNotBlank()
                    .hasSizeLessThanOrEqualTo(63);
            if (o instanceof GenericKubernetesResource g) {
                // Only cert-manager kinds are allowed to be unknown to fabric8.
                assertThat(ChartRenderer.isCertManager(g))
                        .as("%s (%s) not modelled by fabric8", id, g.getApiVersion())
                        .isTrue();
                assertThat(g.getKind()).isIn("Issuer", "Certificate");
            }
            assertThat(UnknownFields.find(o)).as("unknown fields in %s", id).isEmpty();
            assertThat(o.getMetadata().getLabels())
                    .as("labels of %s", id)
                    .containsEntry("app.kubernetes.io/instance", ChartRenderer.RELEASE)
                    .containsEntry("app.kubernetes.io/managed-by", "Helm");
        }
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void namespacedObjectsLiveInTheReleaseNamespace(String valueSet) {
        for (HasMetadata o : render(valueSet).objects) {
            String kind = o.getKind();
            boolean clusterScoped = Set.of(
                            "ClusterRole",
                            "ClusterRoleBinding",
                            "MutatingWebhookConfiguration",
                            "ValidatingWebhookConfiguration")
                    .contains(kind);
            if (clusterScoped) {
                assertThat(o.getMetadata().getNamespace())
                        .as("%s %s", kind, o.getMetadata().getName())
                        .isNull();
            } else if (kind.equals("RoleBinding")
                    && "kube-system".equals(o.getMetadata().getNamespace())) {
                // the second scheduler's extension-apiserver-authentication-reader binding
                assertThat(o.getMetadata().getName()).endsWith("-auth-reader");
            } else {
                assertThat(o.getMetadata().getNamespace())
                        .as("%s %s", kind, o.getMetadata().getName())
                        .isEqualTo(NAMESPACE);
            }
        }
    }

    /** Negative control: the walker must notice a misplaced field deep inside a pod template. */
    @Test
    void unknownFieldDetectorCatchesTypos() {
        String yaml = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: x}
        spec:
          selector: {matchLabels: {a: b}}
          template:
            metadata: {labels: {a: b}}
            spec:
              containers:
                - name: c
                  image: i
                  securityContext:
                    readOnlyRootFileSystem: true
        """;
        HasMetadata d = ChartRenderer.parse(yaml).get(0);
        assertThat(d).isInstanceOf(Deployment.class);
        assertThat(UnknownFields.find(d)).singleElement().asString().contains("readOnlyRootFileSystem");
    }

    /** cert-manager objects are GenericKubernetesResources: check their spec keys explicitly. */
    @Test
    void certManagerObjectsOnlyUseKnownFields() {
        Rendered r = render("cert-manager");
        Map<String, Set<String>> allowedSpec = Map.of(
                "Issuer", Set.of("selfSigned", "ca"),
                "Certificate",
                        Set.of(
                                "isCA",
                                "commonName",
                                "secretName",
                                "duration",
                                "renewBefore",
                                "dnsNames",
                                "usages",
                                "privateKey",
                                "issuerRef"));
        Set<String> privateKey = Set.of("algorithm", "size", "encoding", "rotationPolicy");
        Set<String> issuerRef = Set.of("name", "kind", "group");
        Set<String> usages = Set.of("server auth", "client auth", "digital signature", "key encipherment");
        assertThat(r.generic("Issuer")).hasSize(2);
        // CA, webhook serving, extender serving, kube-scheduler client (scheduler.tls, on by default)
        assertThat(r.generic("Certificate")).hasSize(4);
        for (GenericKubernetesResource g : r.all(GenericKubernetesResource.class)) {
            assertThat(g.getApiVersion()).isEqualTo("cert-manager.io/v1");
            assertThat(g.getAdditionalProperties().keySet())
                    .as("top-level of %s", g.getMetadata().getName())
                    .containsOnly("spec");
            Map<String, Object> spec = g.get("spec");
            assertThat(spec.keySet())
                    .as("spec of %s %s", g.getKind(), g.getMetadata().getName())
                    .isSubsetOf(allowedSpec.get(g.getKind()));
            if (g.getKind().equals("Certificate")) {
                Map<String, Object> pk = g.get("spec", "privateKey");
                assertThat(pk.keySet()).isSubsetOf(privateKey);
                assertThat((String) pk.get("algorithm")).isIn("ECDSA", "RSA", "Ed25519");
                Map<String, Object> ref = g.get("spec", "issuerRef");
                assertThat(ref.keySet()).isSubsetOf(issuerRef);
                assertThat(ref).containsEntry("kind", "Issuer").containsEntry("group", "cert-manager.io");
                if (spec.containsKey("usages")) {
                    assertThat(g.<List<String>>get("spec", "usages")).isSubsetOf(usages);
                }
            }
        }
    }
}
