package io.github.sysched.benchmarks.load;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One keep-alive HTTP/1.1 connection (plain or TLS) that POSTs and reads the whole answer, blocking: a load
 * generator's connection with as little client work as possible between the request's first byte and the
 * answer's last. When the server closes the connection (e.g. Tomcat after {@code maxKeepAliveRequests}), the
 * next request opens a new one, handshake included, and {@link #reconnects()} counts it.
 */
public final class HttpConnection implements AutoCloseable {

    private static final int READ_TIMEOUT_MILLIS = 30_000;

    /** Status and body of one answer. */
    public record Response(int status, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final String host;
    private final int port;
    private final SSLContext tls;
    private final java.util.Map<String, byte[]> headPrefixes = new java.util.HashMap<>();
    private byte[] headPrefix;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean closeAfterResponse;
    private int exchangesOnConnection;
    private int connects;

    private HttpConnection(URI server, SSLContext tls) {
        this.host = server.getHost();
        this.port = server.getPort();
        this.tls = tls;
        retarget(server.getRawPath());
    }

    /** The path the next requests go to, on the same connection (kube-scheduler reuses one for all verbs). */
    public HttpConnection retarget(String path) {
        headPrefix = headPrefixes.computeIfAbsent(
                path,
                p -> ("POST " + p + " HTTP/1.1\r\nHost: " + host + ":" + port
                                + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: ")
                        .getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    /** Plain HTTP to {@code url} (scheme, host, port and path are used). */
    public static HttpConnection plain(URI url) {
        return new HttpConnection(url, null);
    }

    /** HTTPS to {@code url}, trusting what {@code tls} trusts and checking the host name against the certificate. */
    public static HttpConnection tls(URI url, SSLContext tls) {
        return new HttpConnection(url, tls);
    }

    /** Opens the connection now (TCP, and the TLS handshake), so that the first timed request does not pay it. */
    public HttpConnection open() throws IOException {
        if (socket == null) {
            connect();
        }
        return this;
    }

    /**
     * POSTs {@code body} as JSON and returns the answer once its last byte has arrived. A kept-alive connection
     * the server closed while idle is reopened once (the request had not reached the application).
     */
    public Response post(byte[] body) throws IOException {
        if (socket == null) {
            connect();
        }
        boolean reused = exchangesOnConnection > 0;
        try {
            send(body);
            in.mark(1);
            if (in.read() < 0) {
                throw new EOFException("connection closed by the server before answering");
            }
            in.reset();
        } catch (IOException e) {
            if (!reused) {
                throw e;
            }
            disconnect();
            connect();
            send(body);
        }
        Response response = readResponse();
        exchangesOnConnection++;
        if (closeAfterResponse) {
            disconnect();
        }
        return response;
    }

    private void send(byte[] body) throws IOException {
        out.write(headPrefix);
        out.write((body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    /** Connections opened beyond the first one. */
    public int reconnects() {
        return Math.max(0, connects - 1);
    }

    private void connect() throws IOException {
        Socket raw = new Socket();
        raw.setTcpNoDelay(true);
        raw.connect(new InetSocketAddress(host, port), 5_000);
        raw.setSoTimeout(READ_TIMEOUT_MILLIS);
        if (tls != null) {
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(raw, host, port, true);
            SSLParameters parameters = secure.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            secure.setSSLParameters(parameters);
            secure.startHandshake();
            socket = secure;
        } else {
            socket = raw;
        }
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = new java.io.BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        closeAfterResponse = false;
        exchangesOnConnection = 0;
        connects++;
    }

    private Response readResponse() throws IOException {
        String statusLine = readLine();
        if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.1 status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long contentLength = -1;
        boolean chunked = false;
        for (String header = readLine(); !header.isEmpty(); header = readLine()) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" ->
                    chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closeAfterResponse = value.equalsIgnoreCase("close");
                default -> {
                    // not needed
                }
            }
        }
        byte[] body;
        if (chunked) {
            body = readChunked();
        } else if (contentLength >= 0) {
            body = in.readNBytes((int) contentLength);
            if (body.length != contentLength) {
                throw new EOFException("body ended after " + body.length + " of " + contentLength + " bytes");
            }
        } else {
            body = in.readAllBytes();
            closeAfterResponse = true;
        }
        return new Response(status, body);
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(256 * 1024);
        while (true) {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size) {
                throw new EOFException("chunk ended after " + chunk.length + " of " + size + " bytes");
            }
            body.write(chunk);
            if (!readLine().isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
    }

    private void disconnect() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // closing a connection the server already closed
        }
        socket = null;
        in = null;
        out = null;
    }

    @Override
    public void close() {
        disconnect();
    }
}
