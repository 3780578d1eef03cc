package io.github.sysched.webhook.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
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
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Self-signed CA, serving and client certificates with BouncyCastle (EC P-256, SHA256withECDSA):
 * CA with critical BasicConstraints CA and keyCertSign|cRLSign; leaf with SANs, serverAuth (and/or clientAuth), AKI/SKI;
 * notBefore five minutes in the past (clock skew). A serving certificate never outlives its CA: a leaf that is
 * still valid under an expired CA fails verification anyway, and would hide the CA's expiry from renewal.
 * Keys are written as PKCS#8 PEM.
 */
public final class CertificateFactory {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration BACKDATE = Duration.ofMinutes(5);

    /** A certificate with its key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
        public String certificatePem() {
            return pem(certificate);
        }

        public String keyPem() {
            return pkcs8Pem(key);
        }
    }

    private CertificateFactory() {}

    public static Issued certificateAuthority(String commonName, Duration validity) {
        return certificateAuthority(commonName, validity, Instant.now());
    }

    public static Issued certificateAuthority(String commonName, Duration validity, Instant now) {
        try {
            KeyPair keys = keyPair();
            X500Name subject = new X500Name("CN=" + commonName);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                            subject,
                            serial(),
                            Date.from(now.minus(BACKDATE)),
                            Date.from(now.plus(validity)),
                            subject,
                            keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(
                            Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new Issued(sign(builder, keys.getPrivate()), keys.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create a CA certificate", e);
        }
    }

    /**
     * A serving certificate signed by {@code ca}.
     *
     * @param dnsNames first one is also the CN
     */
    public static Issued serving(Issued ca, List<String> dnsNames, List<String> ipAddresses, Duration validity) {
        return serving(ca, dnsNames, ipAddresses, validity, Instant.now());
    }

    /** As {@link #serving(Issued, List, List, Duration)}, issued at {@code now}; notAfter is capped at the CA's. */
    public static Issued serving(
            Issued ca, List<String> dnsNames, List<String> ipAddresses, Duration validity, Instant now) {
        return serving(ca, dnsNames, ipAddresses, validity, now, false);
    }

    /**
     * As {@link #serving(Issued, List, List, Duration, Instant)}; with {@code clientAuthToo} the certificate may also
     * authenticate its holder as a TLS client (the extender's warm-up calls its own mutual-TLS port with it).
     */
    public static Issued serving(
            Issued ca,
            List<String> dnsNames,
            List<String> ipAddresses,
            Duration validity,
            Instant now,
            boolean clientAuthToo) {
        if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
            throw new IllegalArgumentException("a serving certificate needs at least one SAN");
        }
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
        for (String ip : ipAddresses) {
            try {
                InetAddress.getByName(ip); // validates the literal
            } catch (IOException e) {
                throw new IllegalArgumentException("not an IP address: " + ip, e);
            }
            names.add(new GeneralName(GeneralName.iPAddress, ip));
        }
        KeyPurposeId[] usages = clientAuthToo
                ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}
                : new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth};
        return leaf(ca, dnsNames.isEmpty() ? ipAddresses.get(0) : dnsNames.get(0), names, usages, validity, now);
    }

    /** A client certificate ({@code clientAuth}) for {@code commonName}, signed by {@code ca}; notAfter capped. */
    public static Issued client(Issued ca, String commonName, Duration validity, Instant now) {
        return leaf(ca, commonName, List.of(), new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth}, validity, now);
    }

    private static Issued leaf(
            Issued ca,
            String commonName,
            List<GeneralName> names,
            KeyPurposeId[] usages,
            Duration validity,
            Instant now) {
        try {
            KeyPair keys = keyPair();
            Instant notAfter =
                    earliest(now.plus(validity), ca.certificate().getNotAfter().toInstant());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                            new X500Name(
                                    ca.certificate().getSubjectX500Principal().getName()),
                            serial(),
                            Date.from(now.minus(BACKDATE)),
                            Date.from(notAfter),
                            new X500Name("CN=" + commonName),
                            keys.getPublic())
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
            if (!names.isEmpty()) {
                builder.addExtension(
                        Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            return new Issued(sign(builder, ca.key()), keys.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create a certificate for " + commonName, e);
        }
    }

    /** SANs of the in-cluster Service: {@code svc}, {@code svc.ns}, {@code svc.ns.svc}. */
    public static List<String> serviceNames(String service, String namespace) {
        return List.of(service, service + "." + namespace, service + "." + namespace + ".svc");
    }

    public static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** PKCS#8 ({@code BEGIN PRIVATE KEY}): JcaPEMWriter alone would write EC keys as SEC1 without the public key. */
    public static String pkcs8Pem(PrivateKey key) {
        try {
            return pem(new JcaPKCS8Generator(key, null).generate());
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException("cannot encode the private key", e);
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
