package io.github.sysched.webhook.tls;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.github.sysched.webhook.config.WebhookProperties;
import io.github.sysched.webhook.config.WebhookProperties.Tls.TlsMode;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * {@code tls.mode=self-signed}: before the PEM SSL bundle {@code webhook} is loaded (this registrar is ordered
 * first), make sure the Secret {@code tls.secret-name} holds a CA and a serving certificate for the Service, write
 * them to {@code tls.dir} in the Secret-volume layout, and put the Secret's trust bundle into the {@code caBundle}
 * of our webhook configurations. {@link CertificateRenewalSchedule} repeats this {@link #check()} every
 * {@code tls.check-interval}, which also renews what {@link RenewalPolicy} finds due; the SSL bundle's file
 * watch then serves the new certificate without a restart. With {@code tls.extender.*}, each check also keeps the
 * scheduler extender's mutual-TLS certificates current from the same CA ({@link ExtenderCertificates}).
 *
 * <p>Replicas race on the Secret: creation is create-if-absent and every change a resourceVersion-checked update.
 * The replica whose write gets 409 Conflict reads and serves the winner's Secret, so all replicas converge on the
 * certificates of one Secret version and one rotation at a time.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class SelfSignedTlsBootstrap implements SslBundleRegistrar {

    private static final Logger log = LoggerFactory.getLogger(SelfSignedTlsBootstrap.class);
    private static final Path SERVICE_ACCOUNT_NAMESPACE =
            Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

    /** What this replica's write to the Secret did during a check. */
    public enum SecretWrite {
        NONE,
        WON,
        LOST,
        FAILED
    }

    /** One check: the Secret now served, this replica's write, and what it changed (empty if nothing). */
    public record Check(Secret secret, SecretWrite write, List<String> changes) {}

    private record Written(Secret secret, SecretWrite write) {}

    private final KubernetesClient client;
    private final WebhookProperties.Tls tls;
    private final Clock clock;
    private final CaBundlePublisher publisher;
    private final ExtenderCertificates extender;
    private String namespace;
    private RenewalPolicy policy;
    private Map<String, String> servedFiles = Map.of();
    private boolean ownerMissingReported;

    public SelfSignedTlsBootstrap(KubernetesClient client, WebhookProperties properties) {
        this(client, properties, Clock.systemUTC());
    }

    @Autowired
    public SelfSignedTlsBootstrap(KubernetesClient client, WebhookProperties properties, ObjectProvider<Clock> clock) {
        this(client, properties, clock.getIfUnique(Clock::systemUTC));
    }

    public SelfSignedTlsBootstrap(KubernetesClient client, WebhookProperties properties, Clock clock) {
        this.client = client;
        this.tls = properties.tls();
        this.clock = clock;
        this.publisher = new CaBundlePublisher(client, tls.webhookConfigurations());
        this.extender = tls.extender().enabled() ? new ExtenderCertificates(client, tls) : null;
    }

    @Override
    public void registerBundles(SslBundleRegistry registry) {
        if (tls.mode() == TlsMode.SELF_SIGNED) {
            check();
        }
    }

    /** {@link #check()} for callers that only need the Secret served. */
    public Secret materialize() {
        return check().secret();
    }

    /**
     * Ensures the shared Secret, publishes its bundle, renews what is due, and serves the Secret's certificate.
     * Fails only if there is no usable Secret at all; a failed renewal is logged and retried at the next check.
     */
    public synchronized Check check() {
        String namespace = namespace();
        Instant now = clock.instant();
        Secret current = secrets(namespace).get();
        Optional<SelfSignedMaterial> material = SelfSignedMaterial.read(current);
        Written written;
        List<String> changes;
        if (material.isEmpty()) {
            changes = List.of(current == null ? "created the Secret with a new CA" : "replaced unreadable content");
            written = write(namespace, current, policy().initial(now), true);
        } else {
            boolean bundlePublished = publisher.publish(current.getData().get("ca.crt"));
            Optional<RenewalPolicy.Renewal> renewal = policy().next(material.get(), now, bundlePublished);
            changes = renewal.map(RenewalPolicy.Renewal::changes).orElse(List.of());
            written = renewal.isEmpty()
                    ? new Written(current, SecretWrite.NONE)
                    : write(namespace, current, renewal.get().material(), false);
        }
        switch (written.write()) {
            case WON -> log.info("Secret {}/{}: {}", namespace, tls.secretName(), String.join("; ", changes));
            case LOST ->
                log.info(
                        "Secret {}/{} was changed by another replica first; serving its version",
                        namespace,
                        tls.secretName());
            default -> {}
        }
        if (written.write() != SecretWrite.NONE || material.isEmpty()) {
            publisher.publish(written.secret().getData().get("ca.crt"));
        }
        written = adoptIfUnowned(namespace, written);
        serve(written.secret());
        if (extender != null) {
            Secret shared = written.secret();
            SelfSignedMaterial.read(shared).ifPresent(m -> extender.sync(namespace, m, publisher::owner, now));
        }
        return new Check(written.secret(), written.write(), written.write() == SecretWrite.WON ? changes : List.of());
    }

    private Written write(String namespace, Secret base, SelfSignedMaterial material, boolean mustSucceed) {
        Secret desired = material.toSecret(
                base != null
                        ? base
                        : new SecretBuilder()
                                .withNewMetadata()
                                .withName(tls.secretName())
                                .withNamespace(namespace)
                                .addToLabels("app.kubernetes.io/managed-by", "sysched-webhook")
                                .withOwnerReferences(publisher.owner().stream().toList())
                                .endMetadata()
                                .build());
        try {
            // base carries its resourceVersion: the update is refused with 409 if anyone wrote since we read
            var secrets = client.secrets().inNamespace(namespace);
            Secret written = base == null
                    ? secrets.resource(desired).create()
                    : secrets.resource(desired).update();
            return new Written(written, SecretWrite.WON);
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                Secret winner = secrets(namespace).get();
                if (SelfSignedMaterial.read(winner).isEmpty()) {
                    throw new IllegalStateException(
                            "Secret " + namespace + "/" + tls.secretName()
                                    + " conflicted but has no complete certificate",
                            e);
                }
                return new Written(winner, SecretWrite.LOST);
            }
            if (mustSucceed) {
                throw e;
            }
            log.error("cannot update Secret {}/{} (will retry): {}", namespace, tls.secretName(), e.getMessage());
            return new Written(base, SecretWrite.FAILED);
        }
    }

    /**
     * The Secret holds the CA's private key: it must not outlive the release ({@code helm uninstall} deletes only
     * what the chart rendered). It is owned by one of our webhook configurations, which the chart does render, so
     * the garbage collector deletes it with them. A Secret made before that configuration existed, or by an older
     * version, is adopted here (a resourceVersion-checked update; a conflict waits for the next check).
     */
    private Written adoptIfUnowned(String namespace, Written written) {
        Secret secret = written.secret();
        if (secret.getMetadata().getOwnerReferences() != null
                && !secret.getMetadata().getOwnerReferences().isEmpty()) {
            ownerMissingReported = false;
            return written;
        }
        Optional<OwnerReference> owner = publisher.owner();
        if (owner.isEmpty()) {
            if (!ownerMissingReported) {
                log.warn(
                        "Secret {}/{} has no owner: none of the webhook configurations {} exists, so it will not be "
                                + "deleted with them; retrying at the next check",
                        namespace,
                        tls.secretName(),
                        tls.webhookConfigurations());
                ownerMissingReported = true;
            }
            return written;
        }
        Secret owned = new SecretBuilder(secret)
                .editMetadata()
                .withOwnerReferences(owner.get())
                .endMetadata()
                .build();
        try {
            Secret updated =
                    client.secrets().inNamespace(namespace).resource(owned).update();
            log.info(
                    "Secret {}/{} is now owned by {} {} (deleted with it)",
                    namespace,
                    tls.secretName(),
                    owner.get().getKind(),
                    owner.get().getName());
            ownerMissingReported = false;
            return new Written(updated, written.write());
        } catch (KubernetesClientException e) {
            log.warn(
                    "cannot set the owner of Secret {}/{} (retrying at the next check): {}",
                    namespace,
                    tls.secretName(),
                    e.getMessage());
            return written;
        }
    }

    private void serve(Secret served) {
        Map<String, String> files = new LinkedHashMap<>();
        for (String key : List.of("tls.crt", "tls.key", "ca.crt")) {
            files.put(
                    key, new String(Base64.getDecoder().decode(served.getData().get(key)), StandardCharsets.US_ASCII));
        }
        if (!files.equals(servedFiles)) {
            SecretVolumeWriter.write(Path.of(tls.dir()), files);
            servedFiles = files;
            log.info(
                    "serving the self-signed certificate of Secret {}/{} (resourceVersion {}) from {}",
                    served.getMetadata().getNamespace(),
                    tls.secretName(),
                    served.getMetadata().getResourceVersion(),
                    tls.dir());
        }
    }

    private Resource<Secret> secrets(String namespace) {
        return client.secrets().inNamespace(namespace).withName(tls.secretName());
    }

    private RenewalPolicy policy() {
        if (policy == null) {
            policy = new RenewalPolicy(tls, CertificateFactory.serviceNames(tls.serviceName(), namespace()));
        }
        return policy;
    }

    synchronized String namespace() {
        if (namespace == null) {
            namespace = resolveNamespace();
        }
        return namespace;
    }

    private String resolveNamespace() {
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
