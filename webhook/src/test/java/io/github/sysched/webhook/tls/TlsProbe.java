package io.github.sysched.webhook.tls;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS client standing in for an API server: it trusts exactly a given caBundle and verifies the chain at the
 * time of a given clock (certificates issued at a test's future instants verify as they would then), plus the
 * host name {@code localhost} (JSSE checks it around our trust manager).
 */
final class TlsProbe {

    /** What one handshake saw: the served certificate, or why the client refused it. */
    record Result(X509Certificate served, String failure) {
        boolean ok() {
            return served != null;
        }
    }

    private TlsProbe() {}

    /** Real handshake with {@code localhost:port}, fresh context (no session resumption). */
    static Result handshake(int port, Clock clock, Collection<X509Certificate> trusted) {
        try {
            try (SSLSocket socket =
                    (SSLSocket) context(clock, trusted).getSocketFactory().createSocket("localhost", port)) {
                socket.setSoTimeout(10_000);
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                return new Result((X509Certificate) socket.getSession().getPeerCertificates()[0], null);
            }
        } catch (Exception e) {
            return new Result(null, e.toString());
        }
    }

    /** Trusts exactly {@code trusted}, verifying at {@code clock}'s time. */
    static SSLContext context(Clock clock, Collection<X509Certificate> trusted) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustAt(clock, List.copyOf(trusted))}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<X509Certificate> bundle(String caBundleBase64) {
        try {
            List<X509Certificate> certificates = new ArrayList<>();
            for (var c : java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificates(
                            new ByteArrayInputStream(Base64.getDecoder().decode(caBundleBase64)))) {
                certificates.add((X509Certificate) c);
            }
            return certificates;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PKIX path validation at {@code clock}'s time against exactly {@code trusted}. */
    private record TrustAt(Clock clock, Collection<X509Certificate> trusted) implements X509TrustManager {

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                Set<TrustAnchor> anchors =
                        trusted.stream().map(ca -> new TrustAnchor(ca, null)).collect(Collectors.toSet());
                PKIXParameters parameters = new PKIXParameters(anchors);
                parameters.setRevocationEnabled(false);
                parameters.setDate(Date.from(clock.instant()));
                CertPathValidator.getInstance("PKIX")
                        .validate(
                                java.security.cert.CertificateFactory.getInstance("X.509")
                                        .generateCertPath(List.of(chain)),
                                parameters);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new CertificateException("not trusted at " + clock.instant() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("server side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return trusted.toArray(X509Certificate[]::new);
        }
    }
}
