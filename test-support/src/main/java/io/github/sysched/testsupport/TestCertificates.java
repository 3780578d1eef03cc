package io.github.sysched.testsupport;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for tests and benchmarks that make real TLS handshakes on loopback: a CA, server certificates (SANs,
 * {@code serverAuth}, optionally {@code clientAuth} too) and client certificates ({@code clientAuth}), EC P-256, keys
 * as PKCS#8 PEM, written in the layout of a {@code kubernetes.io/tls} Secret volume ({@code tls.crt}, {@code tls.key},
 * {@code ca.crt}) as cert-manager leaves it. Never for production: the services' own certificates come from
 * cert-manager or the webhook's self-signed mode.
 *
 * <p>The BouncyCastle calls repeat part of the webhook's {@code io.github.sysched.webhook.tls.CertificateFactory}
 * on purpose: this module cannot use it (the webhook's tests depend on this module, so the reverse is a cycle), and the
 * only module below both is {@code common}, the pure core the scheduler ships too, where certificate issuance and
 * BouncyCastle do not belong. What differs is for tests: loopback SANs, a day's validity, TLS contexts, Secret volumes.
 */
public final class TestCertificates {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A certificate and its key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
        public String certificatePem() {
            return pem(certificate);
        }

        public String keyPem() {
            try {
                return pem(new JcaPKCS8Generator(key, null).generate());
            } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private TestCertificates() {}

    /** A self-signed CA valid for a day. */
    public static Issued authority(String commonName) {
        KeyPair keys = keyPair();
        X500Name subject = new X500Name("CN=" + commonName);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(subject, subject, keys, Duration.ofDays(1))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(
                            Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new Issued(sign(builder, keys.getPrivate()), keys.getPrivate());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server certificate for {@code localhost} and {@code 127.0.0.1}, also usable as a client one if asked. */
    public static Issued server(Issued ca, String commonName, boolean clientAuthToo) {
        KeyPurposeId[] usages = clientAuthToo
                ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}
                : new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth};
        return leaf(ca, commonName, usages, List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
    }

    /** A client certificate (kube-scheduler's, in the tests). */
    public static Issued client(Issued ca, String commonName) {
        return leaf(
                ca,
                commonName,
                new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth},
                List.of(),
                List.of(),
                Duration.ofDays(1));
    }

    /** Writes {@code tls.crt}, {@code tls.key} and {@code ca.crt} (the trusted CAs, concatenated) into {@code dir}. */
    public static Path writeSecretVolume(Path dir, Issued leaf, Issued... trusted) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tls.crt"), leaf.certificatePem());
            Files.writeString(dir.resolve("tls.key"), leaf.keyPem());
            StringBuilder bundle = new StringBuilder();
            for (Issued ca : trusted) {
                bundle.append(ca.certificatePem());
            }
            Files.writeString(dir.resolve("ca.crt"), bundle);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A TLS context that presents {@code identity} (none if null) and trusts exactly {@code trusted}: a client of a
     * mutual-TLS server, or a server's own context.
     */
    public static SSLContext sslContext(Issued identity, Issued... trusted) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            if (identity != null) {
                keys.setKeyEntry("identity", identity.key(), new char[0], new Certificate[] {identity.certificate()});
            }
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < trusted.length; i++) {
                trust.setCertificateEntry("ca-" + i, trusted[i].certificate());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Issued leaf(
            Issued ca,
            String commonName,
            KeyPurposeId[] usages,
            List<String> dnsNames,
            List<String> ipAddresses,
            Duration validity) {
        KeyPair keys = keyPair();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(
                            new X500Name(
                                    ca.certificate().getSubjectX500Principal().getName()),
                            new X500Name("CN=" + commonName),
                            keys,
                            validity)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(
                            Extension.keyUsage,
                            true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usages))
                    .addExtension(
                            Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(
                            Extension.authorityKeyIdentifier,
                            false,
                            ext.createAuthorityKeyIdentifier(ca.certificate()));
            List<GeneralName> names = new ArrayList<>();
            dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
            ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
            if (!names.isEmpty()) {
                builder.addExtension(
                        Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            return new Issued(sign(builder, ca.key()), keys.getPrivate());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509v3CertificateBuilder builder(
            X500Name issuer, X500Name subject, KeyPair keys, Duration validity) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(
                issuer,
                new BigInteger(127, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(validity)),
                subject,
                keys.getPublic());
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
