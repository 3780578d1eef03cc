package io.github.sysched.scheduler.extender;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads an extender request body with a size cap ({@code sysched.scheduler.max-request-size}); the decoder
 * ({@link ExtenderRequestDecoder}) adds a token cap ({@link #MAX_TOKENS}). Neither size nor shape of a request is
 * trusted. Too large: {@link TooLargeException} (413).
 */
public class ExtenderRequestReader {

    /**
     * Tokens one request may have: {@code NodeNames} of any cluster and full {@code Nodes} of 2,000 typical nodes
     * (about 400 tokens each) fit, more than the default size cap lets through; a body of {@code {},{},...} no
     * longer expands to tens of times its size in memory.
     */
    public static final long MAX_TOKENS = 1_000_000;

    private final long maxBytes;

    public ExtenderRequestReader(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** The body, in an array of exactly its length when the request declares it. */
    byte[] body(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        // far too large: refuse without reading; slightly too large: read up to the cap so the servlet container
        // can swallow the rest (Tomcat: up to 2MB) and the client sees the 413 instead of a reset connection
        if (declared > 2 * maxBytes) {
            throw new TooLargeException(declared, maxBytes);
        }
        try (InputStream in = request.getInputStream()) {
            if (declared >= 0 && declared <= maxBytes) {
                byte[] body = new byte[(int) declared];
                int read = in.readNBytes(body, 0, body.length);
                if (read < body.length) {
                    throw new BadExtenderRequestException("body ended after " + read + " of " + declared + " bytes");
                }
                return body;
            }
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
                throw new TooLargeException(body.length, maxBytes);
            }
            return body;
        }
    }

    /** The body exceeds {@code sysched.scheduler.max-request-size}. */
    public static final class TooLargeException extends RuntimeException {
        TooLargeException(long size, long limit) {
            super("request body of " + size + "+ bytes exceeds the limit of " + limit + " bytes "
                    + "(sysched.scheduler.max-request-size)");
        }
    }
}
