package io.github.sysched.scheduler.extender;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/**
 * Reads an extender request body with a size cap ({@code sysched.scheduler.max-request-size}) and decodes it;
 * the extender port is unauthenticated, so neither size nor shape is trusted. Too large: {@link TooLargeException}
 * (413); not decodable: {@link BadExtenderRequestException} (400).
 */
public class ExtenderRequestReader {

    private final ObjectMapper mapper;
    private final long maxBytes;

    public ExtenderRequestReader(ObjectMapper mapper, long maxBytes) {
        this.mapper = mapper;
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public <T> T read(HttpServletRequest request, Class<T> type) throws IOException {
        byte[] body = body(request);
        if (body.length == 0) {
            throw new BadExtenderRequestException("empty body");
        }
        try {
            T value = mapper.readValue(body, type);
            if (value == null) {
                throw new BadExtenderRequestException("body is JSON null");
            }
            return value;
        } catch (JacksonException e) {
            throw new BadExtenderRequestException("body is not a valid " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    private byte[] body(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > 2 * maxBytes) {
            throw new TooLargeException(declared, maxBytes); // not worth reading: the connection is closed
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
                // read (and drop) the rest, up to twice the cap: a client still sending when the connection closes
                // would see a reset instead of the 413
                discard(in, 2 * maxBytes - body.length);
                throw new TooLargeException(body.length, maxBytes);
            }
            return body;
        }
    }

    private static void discard(InputStream in, long limit) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long read = 0;
        int n;
        while (read < limit && (n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - read))) > 0) {
            read += n;
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
