package io.github.sysched.webhook.support;

import io.github.sysched.webhook.tls.CertificateFactory;
import io.github.sysched.webhook.tls.SecretVolumeWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A test CA and a serving certificate for localhost/127.0.0.1, written like a Secret volume to a temp dir. */
public final class TestTls {

    private static TestTls instance;

    private final Path dir;
    private final CertificateFactory.Issued ca;

    private TestTls(Path dir) {
        this.dir = dir;
        this.ca = CertificateFactory.certificateAuthority("sysched test CA", Duration.ofDays(1));
        issue(ca);
    }

    public static synchronized TestTls shared() {
        if (instance == null) {
            instance = create();
        }
        return instance;
    }

    /** A fresh directory and CA (for tests that rotate or must not disturb the shared one). */
    public static TestTls create() {
        try {
            return new TestTls(Files.createTempDirectory("sysched-tls"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    public CertificateFactory.Issued ca() {
        return ca;
    }

    /** Writes a new serving certificate signed by {@code signer} (swap of the ..data link). */
    public CertificateFactory.Issued issue(CertificateFactory.Issued signer) {
        CertificateFactory.Issued leaf =
                CertificateFactory.serving(signer, List.of("localhost"), List.of("127.0.0.1"), Duration.ofHours(1));
        SecretVolumeWriter.write(
                dir,
                Map.of("tls.crt", leaf.certificatePem(), "tls.key", leaf.keyPem(), "ca.crt", signer.certificatePem()));
        return leaf;
    }

    /** An HTTP client that trusts only {@code trusted} (and verifies host names). */
    public static HttpClient client(X509Certificate... trusted) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < trusted.length; i++) {
                store.setCertificateEntry("ca" + i, trusted[i]);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return HttpClient.newBuilder()
                    .sslContext(context)
                    .connectTimeout(Duration.ofSeconds(5))
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
