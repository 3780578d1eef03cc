package io.github.sysched.webhook.tls;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.sysched.webhook.config.WebhookProperties;
import java.io.ByteArrayInputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Self-signed mode with {@code tls.extender.*}: keeps two {@code kubernetes.io/tls} Secrets current from the shared
 * Secret's CA, for the scheduler extender's mutual TLS: the extender's serving certificate ({@code server-secret}, SANs
 * of its Service, serverAuth and clientAuth) and kube-scheduler's client certificate ({@code client-secret},
 * clientAuth). Each holds {@code tls.crt}, {@code tls.key} and {@code ca.crt} = the webhook's trust bundle, the layout
 * cert-manager writes, so the chart mounts them the same way in both TLS modes.
 *
 * <p>Run after every check of the shared Secret ({@link SelfSignedTlsBootstrap#check}). A certificate is reissued when
 * it is missing or unreadable, not signed by the CA that signs now (a CA rotation promoted the next one), no longer
 * valid, or due by the same margin as the webhook's own ({@code renew-before}, default a third of its lifetime); the
 * {@code ca.crt} alone is rewritten when the bundle changed (a new CA is trusted by the extender before anything it
 * signed is presented to it). Writes are create-if-absent and resourceVersion-checked updates; a replica that loses a
 * race leaves it to the winner. Each Secret is owned like the shared one, so it goes with the release.
 */
final class ExtenderCertificates {

    private static final Logger log = LoggerFactory.getLogger(ExtenderCertificates.class);
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String TLS_TYPE = "kubernetes.io/tls";

    private final KubernetesClient client;
    private final WebhookProperties.Tls tls;

    ExtenderCertificates(KubernetesClient client, WebhookProperties.Tls tls) {
        this.client = client;
        this.tls = tls;
    }

    /** What one Secret must hold. */
    private interface Kind {
        String describe();

        boolean matches(X509Certificate certificate);

        CertificateFactory.Issued issue(CertificateFactory.Issued ca, Instant now);
    }

    /** Brings both Secrets up to date with {@code material}; failures are logged and retried at the next check. */
    void sync(String namespace, SelfSignedMaterial material, Supplier<Optional<OwnerReference>> owner, Instant now) {
        WebhookProperties.Tls.Extender extender = tls.extender();
        if (material.signer() == null) {
            return; // no CA key to sign with yet (the shared Secret is being repaired); next check
        }
        List<String> dnsNames = CertificateFactory.serviceNames(extender.serviceName(), namespace);
        if (!extender.serverSecret().isEmpty()) {
            sync(namespace, extender.serverSecret(), material, owner, now, new Kind() {
                @Override
                public String describe() {
                    return "the extender's serving certificate";
                }

                @Override
                public boolean matches(X509Certificate certificate) {
                    return sans(certificate).containsAll(dnsNames)
                            && usages(certificate).contains(CLIENT_AUTH);
                }

                @Override
                public CertificateFactory.Issued issue(CertificateFactory.Issued ca, Instant at) {
                    return CertificateFactory.serving(ca, dnsNames, List.of(), tls.validity(), at, true);
                }
            });
        }
        if (!extender.clientSecret().isEmpty()) {
            sync(namespace, extender.clientSecret(), material, owner, now, new Kind() {
                @Override
                public String describe() {
                    return "kube-scheduler's client certificate";
                }

                @Override
                public boolean matches(X509Certificate certificate) {
                    return certificate.getSubjectX500Principal().getName().equals("CN=" + extender.clientName())
                            && usages(certificate).contains(CLIENT_AUTH);
                }

                @Override
                public CertificateFactory.Issued issue(CertificateFactory.Issued ca, Instant at) {
                    return CertificateFactory.client(ca, extender.clientName(), tls.validity(), at);
                }
            });
        }
    }

    private void sync(
            String namespace,
            String name,
            SelfSignedMaterial material,
            Supplier<Optional<OwnerReference>> owner,
            Instant now,
            Kind kind) {
        try {
            Secret current =
                    client.secrets().inNamespace(namespace).withName(name).get();
            if (current != null && !TLS_TYPE.equals(current.getType())) {
                // a Secret's type is immutable: replacing someone else's Secret is not ours to do
                log.error(
                        "Secret {}/{} exists with type {}, not {}: {} is not issued; delete it or choose another"
                                + " name",
                        namespace,
                        name,
                        current.getType(),
                        TLS_TYPE,
                        kind.describe());
                return;
            }
            String bundle = material.trustedPem();
            Map<String, String> data = current == null || current.getData() == null ? Map.of() : current.getData();
            X509Certificate leaf = certificate(data.get("tls.crt"));
            String change = null;
            Map<String, String> desired = new LinkedHashMap<>();
            if (leaf == null || data.get("tls.key") == null) {
                change = "issued " + kind.describe();
            } else if (!SelfSignedMaterial.signs(material.signer().certificate(), leaf)
                    || !kind.matches(leaf)
                    || due(leaf, now)) {
                change = "reissued " + kind.describe() + " ("
                        + (kind.matches(leaf) ? "due or signed by another CA" : "its names or usages changed") + ")";
            }
            if (change != null) {
                CertificateFactory.Issued issued = kind.issue(material.signer(), now);
                desired.put("tls.crt", encode(issued.certificatePem()));
                desired.put("tls.key", encode(issued.keyPem()));
            } else {
                desired.put("tls.crt", data.get("tls.crt"));
                desired.put("tls.key", data.get("tls.key"));
                if (!encode(bundle).equals(data.get("ca.crt"))) {
                    change = "updated the trusted CAs of " + kind.describe();
                }
            }
            if (change == null) {
                return;
            }
            desired.put("ca.crt", encode(bundle));
            write(namespace, name, current, desired, owner.get());
            log.info("Secret {}/{}: {}", namespace, name, change);
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                log.debug("Secret {}/{} was written by another replica first", namespace, name);
            } else {
                log.error("cannot update Secret {}/{} (will retry): {}", namespace, name, e.getMessage());
            }
        }
    }

    private void write(
            String namespace, String name, Secret current, Map<String, String> data, Optional<OwnerReference> owner) {
        var secrets = client.secrets().inNamespace(namespace);
        if (current == null) {
            secrets.resource(new SecretBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .withNamespace(namespace)
                            .addToLabels("app.kubernetes.io/managed-by", "sysched-webhook")
                            .withOwnerReferences(owner.stream().toList())
                            .endMetadata()
                            .withType(TLS_TYPE)
                            .withData(data)
                            .build())
                    .create();
            return;
        }
        SecretBuilder updated = new SecretBuilder(current).withData(data); // carries resourceVersion: 409 on a race
        if ((current.getMetadata().getOwnerReferences() == null
                        || current.getMetadata().getOwnerReferences().isEmpty())
                && owner.isPresent()) {
            updated.editMetadata().withOwnerReferences(owner.get()).endMetadata();
        }
        secrets.resource(updated.build()).update();
    }

    /** The same margin as the webhook's own certificate: {@code renew-before}, or a third of the lifetime. */
    private boolean due(X509Certificate certificate, Instant now) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        Duration margin = tls.renewBefore() != null
                ? tls.renewBefore()
                : Duration.between(certificate.getNotBefore().toInstant(), notAfter)
                        .dividedBy(3);
        return !now.isBefore(notAfter.minus(margin))
                || now.isBefore(certificate.getNotBefore().toInstant());
    }

    private static X509Certificate certificate(String base64) {
        if (base64 == null) {
            return null;
        }
        try {
            return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(
                            new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    private static List<String> sans(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                sans.forEach(san -> names.add(String.valueOf(san.get(1))));
            }
        } catch (GeneralSecurityException e) {
            // no readable SANs: reissued
        }
        return names;
    }

    private static List<String> usages(X509Certificate certificate) {
        try {
            List<String> usages = certificate.getExtendedKeyUsage();
            return usages == null ? List.of() : usages;
        } catch (GeneralSecurityException e) {
            return List.of();
        }
    }

    private static String encode(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }
}
