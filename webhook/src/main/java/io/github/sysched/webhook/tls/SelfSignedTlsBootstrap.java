package io.github.sysched.webhook.tls;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.sysched.webhook.config.WebhookProperties;
import io.github.sysched.webhook.config.WebhookProperties.Tls.TlsMode;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * {@code tls.mode=self-signed}: before the PEM SSL bundle {@code webhook} is loaded (this registrar is ordered
 * first), make sure the Secret {@code tls.secret-name} holds a CA and a serving certificate for the Service, and
 * write them to {@code tls.dir} in the Secret-volume layout; once the application is ready, put the CA into the
 * {@code caBundle} of our webhook configurations.
 *
 * <p>Replicas race on the Secret: each generates a candidate, creates it if absent, and on 409 Conflict (another
 * replica won) reads and serves the winner's, so all replicas serve certificates of one CA.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class SelfSignedTlsBootstrap implements SslBundleRegistrar {

    static final String CA_KEY = "ca.key";
    private static final Logger log = LoggerFactory.getLogger(SelfSignedTlsBootstrap.class);
    private static final Path SERVICE_ACCOUNT_NAMESPACE =
            Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

    private final KubernetesClient client;
    private final WebhookProperties.Tls tls;
    private volatile Secret secret;

    public SelfSignedTlsBootstrap(KubernetesClient client, WebhookProperties properties) {
        this.client = client;
        this.tls = properties.tls();
    }

    @Override
    public void registerBundles(SslBundleRegistry registry) {
        if (tls.mode() == TlsMode.SELF_SIGNED) {
            materialize();
        }
    }

    /** Ensures the shared Secret and writes its files to {@code tls.dir}; returns the Secret served. */
    public Secret materialize() {
        String namespace = namespace();
        Secret current = client.secrets().inNamespace(namespace).withName(tls.secretName()).get();
        if (current == null || !complete(current)) {
            current = createOrReadWinner(namespace, current);
        }
        secret = current;
        Map<String, String> files = new LinkedHashMap<>();
        for (String key : List.of("tls.crt", "tls.key", "ca.crt")) {
            files.put(key, decode(current, key));
        }
        SecretVolumeWriter.write(Path.of(tls.dir()), files);
        log.info("serving the self-signed certificate of Secret {}/{} from {}", namespace, tls.secretName(), tls.dir());
        return current;
    }

    private Secret createOrReadWinner(String namespace, Secret incomplete) {
        Secret candidate = generate(namespace);
        try {
            if (incomplete != null) {
                // resourceVersion-checked: if another replica fixed it meanwhile, 409 and read theirs
                candidate.getMetadata().setResourceVersion(incomplete.getMetadata().getResourceVersion());
                return client.secrets().inNamespace(namespace).resource(candidate).update();
            }
            Secret created = client.secrets().inNamespace(namespace).resource(candidate).create();
            log.info("created Secret {}/{} with a new self-signed CA", namespace, tls.secretName());
            return created;
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            Secret winner = client.secrets().inNamespace(namespace).withName(tls.secretName()).get();
            if (winner == null || !complete(winner)) {
                throw new IllegalStateException("Secret " + namespace + "/" + tls.secretName()
                        + " conflicted on create but has no complete certificate", e);
            }
            log.info("another replica created Secret {}/{} first; serving its certificate", namespace,
                    tls.secretName());
            return winner;
        }
    }

    private Secret generate(String namespace) {
        CertificateFactory.Issued ca = CertificateFactory.certificateAuthority(tls.serviceName() + "-ca",
                tls.validity().multipliedBy(10));
        CertificateFactory.Issued leaf = CertificateFactory.serving(ca,
                CertificateFactory.serviceNames(tls.serviceName(), namespace), List.of(), tls.validity());
        Base64.Encoder b64 = Base64.getEncoder();
        return new SecretBuilder().withNewMetadata().withName(tls.secretName()).withNamespace(namespace)
                .addToLabels("app.kubernetes.io/managed-by", "sysched-webhook").endMetadata()
                .withType("kubernetes.io/tls")
                .addToData("tls.crt", b64.encodeToString(leaf.certificatePem().getBytes(StandardCharsets.US_ASCII)))
                .addToData("tls.key", b64.encodeToString(leaf.keyPem().getBytes(StandardCharsets.US_ASCII)))
                .addToData("ca.crt", b64.encodeToString(ca.certificatePem().getBytes(StandardCharsets.US_ASCII)))
                .addToData(CA_KEY, b64.encodeToString(ca.keyPem().getBytes(StandardCharsets.US_ASCII)))
                .build();
    }

    private static boolean complete(Secret secret) {
        Map<String, String> data = secret.getData();
        return data != null && data.containsKey("tls.crt") && data.containsKey("tls.key") && data.containsKey("ca.crt");
    }

    private static String decode(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.US_ASCII);
    }

    /**
     * Patches {@code caBundle} of every webhook of the configured configurations. Each name is tried as a
     * Mutating and as a ValidatingWebhookConfiguration independently: the chart's RBAC allows get/patch only on
     * the right kind for each name, so 403 and 404 just mean "not this kind".
     */
    @EventListener(ApplicationReadyEvent.class)
    public void patchCaBundles() {
        if (tls.mode() != TlsMode.SELF_SIGNED || secret == null) {
            return;
        }
        String caBundle = secret.getData().get("ca.crt"); // already base64 of the PEM, as caBundle wants
        for (String name : tls.webhookConfigurations()) {
            boolean mutating = patch("MutatingWebhookConfiguration", name, () -> {
                var resource = client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name);
                if (resource.get() == null) {
                    return false;
                }
                resource.edit(c -> {
                    c.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(caBundle));
                    return c;
                });
                return true;
            });
            boolean validating = patch("ValidatingWebhookConfiguration", name, () -> {
                var resource = client.admissionRegistration().v1().validatingWebhookConfigurations().withName(name);
                if (resource.get() == null) {
                    return false;
                }
                resource.edit(c -> {
                    c.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(caBundle));
                    return c;
                });
                return true;
            });
            if (!mutating && !validating) {
                log.warn("no webhook configuration named {} could be patched with the CA", name);
            }
        }
    }

    private static boolean patch(String kind, String name, java.util.function.BooleanSupplier action) {
        try {
            boolean patched = action.getAsBoolean();
            if (patched) {
                log.info("patched caBundle of {} {}", kind, name);
            }
            return patched;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                log.debug("{} {} not accessible ({}): skipped", kind, name, e.getCode());
            } else {
                log.error("cannot patch caBundle of {} {}: {}", kind, name, e.getMessage());
            }
            return false;
        }
    }

    String namespace() {
        if (!tls.namespace().isEmpty()) {
            return tls.namespace();
        }
        try {
            if (Files.isReadable(SERVICE_ACCOUNT_NAMESPACE)) {
                return Files.readString(SERVICE_ACCOUNT_NAMESPACE).trim();
            }
        } catch (IOException e) {
            log.debug("cannot read {}", SERVICE_ACCOUNT_NAMESPACE, e);
        }
        String configured = client.getNamespace();
        return configured == null || configured.isEmpty() ? "default" : configured;
    }
}
