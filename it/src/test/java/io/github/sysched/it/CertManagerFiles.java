package io.github.sysched.it;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA and a serving certificate for a Service, written as cert-manager's Secret lands in a pod: {@code tls.crt},
 * {@code tls.key} (PKCS#8), {@code ca.crt} as symlinks into {@code ..data}, itself a symlink to a timestamped
 * directory (the kubelet's atomic-update layout).
 */
final class CertManagerFiles {

    private CertManagerFiles() {}

    /** Writes the layout into {@code dir} and returns the CA certificate (PEM) a client must trust. */
    static String write(Path dir, String serviceDnsName) throws IOException, GeneralSecurityException {
        try {
            KeyPair caKey = ecKey();
            X500Name caName = new X500Name("CN=sysched-it-ca");
            Instant now = Instant.now();
            X509CertificateHolder ca = new JcaX509v3CertificateBuilder(
                            caName,
                            BigInteger.ONE,
                            Date.from(now.minus(Duration.ofMinutes(5))),
                            Date.from(now.plus(Duration.ofDays(1))),
                            caName,
                            caKey.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate()));
            KeyPair serverKey = ecKey();
            X509CertificateHolder server = new JcaX509v3CertificateBuilder(
                            caName,
                            BigInteger.TWO,
                            Date.from(now.minus(Duration.ofMinutes(5))),
                            Date.from(now.plus(Duration.ofDays(1))),
                            new X500Name("CN=" + serviceDnsName),
                            serverKey.getPublic())
                    .addExtension(
                            Extension.subjectAlternativeName,
                            false,
                            new GeneralNames(new GeneralName(GeneralName.dNSName, serviceDnsName)))
                    .addExtension(
                            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate()));
            String caPem = pem(ca);
            Map<String, String> files = Map.of(
                    "tls.crt",
                    pem(server),
                    "tls.key",
                    pem(new JcaPKCS8Generator(serverKey.getPrivate(), null).generate()),
                    "ca.crt",
                    caPem);
            Path version = Files.createDirectories(dir.resolve("..2026_12_01_00_00_00.000000001"));
            for (Map.Entry<String, String> file : files.entrySet()) {
                Files.writeString(version.resolve(file.getKey()), file.getValue());
            }
            Files.createSymbolicLink(dir.resolve("..data"), version.getFileName());
            for (String name : files.keySet()) {
                Files.createSymbolicLink(dir.resolve(name), Path.of("..data", name));
            }
            return caPem;
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair ecKey() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
