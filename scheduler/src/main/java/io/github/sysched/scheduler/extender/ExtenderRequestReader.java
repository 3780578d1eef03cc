package io.github.sysched.scheduler.extender;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an extender request body with a size cap ({@code sysched.scheduler.max-request-size}) and a token cap
 * ({@link #MAX_TOKENS}), and decodes it; the extender port is unauthenticated, so neither size nor shape is
 * trusted. Too large: {@link TooLargeException} (413); not decodable: {@link BadExtenderRequestException} (400).
 */
public class ExtenderRequestReader {

    /**
     * Tokens one request may have: {@code NodeNames} of any cluster and full {@code Nodes} of 2,000 typical nodes
     * (about 400 tokens each) fit, more than the default size cap lets through; a body of {@code {},{},...} no
     * longer expands to tens of times its size in memory.
     */
    public static final long MAX_TOKENS = 1_000_000;

    private final ObjectMapper bodyParser = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxTokenCount(MAX_TOKENS).build()).build()).build();
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
            JsonNode tree = bodyParser.readTree(body);
            T value = tree == null ? null : mapper.treeToValue(tree, type);
            if (value == null) {
                throw new BadExtenderRequestException("body holds no " + type.getSimpleName() + " (JSON null or blank)");
            }
            return value;
        } catch (JacksonException e) {
            throw new BadExtenderRequestException("body is not a valid " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    private byte[] body(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        // far too large: refuse without reading; slightly too large: read up to the cap so the servlet container
        // can swallow the rest (Tomcat: up to 2MB) and the client sees the 413 instead of a reset connection
        if (declared > 2 * maxBytes) {
            throw new TooLargeException(declared, maxBytes);
        }
        try (InputStream in = request.getInputStream()) {
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
