package io.github.sysched.webhook.tls;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.ssl.pem.PemContent;

/**
 * What the shared Secret holds in self-signed mode, and how it is encoded there:
 * <ul>
 * <li>{@code tls.crt}, {@code tls.key}: the serving certificate every replica serves;</li>
 * <li>{@code ca.crt}: the trust bundle published as {@code caBundle}: the CA that signed the serving certificate,
 * the next CA while a rotation is under way, and retired CAs until they expire;</li>
 * <li>{@code ca.key}: the key of the CA that signed the serving certificate ({@code signer});</li>
 * <li>{@code next-ca.crt}, {@code next-ca.key} and the annotation {@value #NEXT_CA_PUBLISHED}: a CA that is
 * already in the bundle but signs nothing yet, and since when it is there.</li>
 * </ul>
 *
 * @param signer        null when {@code ca.key} is missing or does not belong to the leaf's issuer (renewal then
 *                      starts a CA rotation instead of reissuing)
 * @param next          null outside a rotation
 * @param nextPublished null outside a rotation, or when unknown (the wait for API servers then starts over)
 */
public record SelfSignedMaterial(
        CertificateFactory.Issued leaf,
        List<X509Certificate> trusted,
        CertificateFactory.Issued signer,
        CertificateFactory.Issued next,
        Instant nextPublished) {

    public static final String NEXT_CA_PUBLISHED = "tls.sysched.io/next-ca-published";
    static final String CA_KEY = "ca.key";
    static final String NEXT_CA_CRT = "next-ca.crt";
    static final String NEXT_CA_KEY = "next-ca.key";

    public SelfSignedMaterial {
        trusted = trusted.stream()
                .sorted(Comparator.comparing(X509Certificate::getNotAfter).reversed())
                .toList();
    }

    /** The material of {@code secret}, or empty if it has no readable serving certificate and trust bundle. */
    public static Optional<SelfSignedMaterial> read(Secret secret) {
        if (secret == null || secret.getData() == null) {
            return Optional.empty();
        }
        try {
            Map<String, String> data = secret.getData();
            CertificateFactory.Issued leaf = new CertificateFactory.Issued(
                    certificates(decode(data, "tls.crt")).get(0), key(decode(data, "tls.key")));
            List<X509Certificate> trusted = certificates(decode(data, "ca.crt"));
            CertificateFactory.Issued signer = signerOf(leaf.certificate(), trusted, data.get(CA_KEY));
            CertificateFactory.Issued next = null;
            Instant nextPublished = null;
            if (data.containsKey(NEXT_CA_CRT) && data.containsKey(NEXT_CA_KEY)) {
                next = new CertificateFactory.Issued(
                        certificates(decode(data, NEXT_CA_CRT)).get(0), key(decode(data, NEXT_CA_KEY)));
                nextPublished = published(secret);
            }
            return Optional.of(new SelfSignedMaterial(leaf, trusted, signer, next, nextPublished));
        } catch (RuntimeException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    /** {@code base} (name, namespace, labels, resourceVersion) with this material as its data. */
    public Secret toSecret(Secret base) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("tls.crt", encode(leaf.certificatePem()));
        data.put("tls.key", encode(leaf.keyPem()));
        data.put("ca.crt", encode(trustedPem()));
        if (signer != null) {
            data.put(CA_KEY, encode(signer.keyPem()));
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        if (base.getMetadata().getAnnotations() != null) {
            annotations.putAll(base.getMetadata().getAnnotations());
        }
        annotations.remove(NEXT_CA_PUBLISHED);
        if (next != null) {
            data.put(NEXT_CA_CRT, encode(next.certificatePem()));
            data.put(NEXT_CA_KEY, encode(next.keyPem()));
            if (nextPublished != null) {
                annotations.put(NEXT_CA_PUBLISHED, nextPublished.toString());
            }
        }
        return new SecretBuilder(base)
                .withMetadata(new ObjectMetaBuilder(base.getMetadata())
                        .withAnnotations(annotations)
                        .build())
                .withType(base.getType() != null ? base.getType() : "kubernetes.io/tls") // type is immutable
                .withData(data)
                .build();
    }

    public String trustedPem() {
        StringBuilder pem = new StringBuilder();
        trusted.forEach(ca -> pem.append(CertificateFactory.pem(ca)));
        return pem.toString();
    }

    private static CertificateFactory.Issued signerOf(X509Certificate leaf, List<X509Certificate> trusted, String caKey)
            throws GeneralSecurityException {
        if (caKey == null) {
            return null;
        }
        PrivateKey key = key(new String(Base64.getDecoder().decode(caKey), StandardCharsets.US_ASCII));
        for (X509Certificate ca : trusted) {
            if (signs(ca, leaf) && pairs(key, ca.getPublicKey())) {
                return new CertificateFactory.Issued(ca, key);
            }
        }
        return null;
    }

    static boolean signs(X509Certificate ca, X509Certificate leaf) {
        if (!ca.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
            return false;
        }
        try {
            leaf.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean pairs(PrivateKey key, PublicKey publicKey) {
        try {
            byte[] probe = "sysched".getBytes(StandardCharsets.US_ASCII);
            Signature sign = Signature.getInstance("SHA256withECDSA");
            sign.initSign(key);
            sign.update(probe);
            Signature verify = Signature.getInstance("SHA256withECDSA");
            verify.initVerify(publicKey);
            verify.update(probe);
            return verify.verify(sign.sign());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Instant published(Secret secret) {
        Map<String, String> annotations = secret.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(NEXT_CA_PUBLISHED);
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static List<X509Certificate> certificates(String pem) throws GeneralSecurityException {
        List<X509Certificate> certificates = new ArrayList<>();
        for (Certificate certificate : java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
            certificates.add((X509Certificate) certificate);
        }
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException("no certificate");
        }
        return certificates;
    }

    private static PrivateKey key(String pem) {
        PrivateKey key = PemContent.of(pem).getPrivateKey();
        if (key == null) {
            throw new IllegalArgumentException("no private key");
        }
        return key;
    }

    private static String decode(Map<String, String> data, String key) {
        String value = data.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no " + key);
        }
        return new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII);
    }

    private static String encode(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }
}
