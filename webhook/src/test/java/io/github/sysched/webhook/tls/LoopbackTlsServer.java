package io.github.sysched.webhook.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

/**
 * A replica's HTTPS port without the whole application: serves whatever tls.crt/tls.key its directory holds at
 * each connection (read with Spring's PEM bundle, as the application's SSL bundle does), completes the handshake
 * and closes.
 */
final class LoopbackTlsServer implements AutoCloseable {

    private final Path dir;
    private final ServerSocket socket;
    private final Thread acceptor;

    LoopbackTlsServer(Path dir) {
        this.dir = dir;
        try {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(this::serve, "loopback-tls-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket plain = socket.accept()) {
                PemSslStoreDetails key = PemSslStoreDetails.forCertificate("file:" + dir.resolve("tls.crt"))
                        .withPrivateKey("file:" + dir.resolve("tls.key"));
                SSLContext context =
                        SslBundle.of(new PemSslStoreBundle(key, null)).createSslContext();
                try (SSLSocket tls = (SSLSocket) context.getSocketFactory()
                        .createSocket(plain, plain.getInetAddress().getHostAddress(), plain.getPort(), false)) {
                    tls.setUseClientMode(false);
                    tls.setSoTimeout(10_000);
                    tls.startHandshake();
                }
            } catch (IOException | RuntimeException e) {
                // a client that refuses our certificate aborts the handshake: that is its answer, not ours
            }
        }
    }

    @Override
    public void close() throws Exception {
        socket.close();
        acceptor.join(10_000);
    }
}
