package io.github.sysched.it;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * An HTTPS call made as the API server makes it to a webhook Service: a real TLS handshake that trusts only the
 * given CA bundle and verifies the certificate against the Service's DNS name ({@code <svc>.<ns>.svc}), while the
 * TCP connection goes to the loopback port where the webhook listens.
 */
final class ServiceTls {

    record Response(int status, String body) {}

    private ServiceTls() {}

    static Response post(String caBundlePem, String serviceDnsName, int port, String path, String json)
            throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trusting(caBundlePem).getTrustManagers(), null);
        try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), port);
                SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(tcp, serviceDnsName, port, true)) {
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setServerNames(java.util.List.of(new SNIHostName(serviceDnsName)));
            tls.setSSLParameters(parameters);
            tls.setSoTimeout(15_000);
            tls.startHandshake();
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            // HTTP/1.0: the answer ends when the server closes the connection (no chunked framing to undo)
            String head = "POST " + path + " HTTP/1.0\r\nHost: " + serviceDnsName + "\r\n"
                    + "Content-Type: application/json\r\nAccept: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n";
            OutputStream out = tls.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = tls.getInputStream();
            String raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int headerEnd = raw.indexOf("\r\n\r\n");
            if (!raw.startsWith("HTTP/1.") || headerEnd < 0) {
                throw new IOException("not an HTTP answer: " + raw);
            }
            int status = Integer.parseInt(raw.substring(9, 12));
            return new Response(status, raw.substring(headerEnd + 4));
        }
    }

    private static TrustManagerFactory trusting(String pem) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException("no certificate in the CA bundle");
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        for (Certificate certificate : certificates) {
            trust.setCertificateEntry("ca-" + i++, certificate);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        return factory;
    }
}
