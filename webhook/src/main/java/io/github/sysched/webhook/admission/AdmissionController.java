package io.github.sysched.webhook.admission;

import io.github.sysched.webhook.config.WebhookProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /mutate} and {@code POST /validate}; the body is read here with a size cap. */
@RestController
public class AdmissionController {

    private final AdmissionService service;
    private final long maxBytes;

    public AdmissionController(AdmissionService service, WebhookProperties properties) {
        this.service = service;
        this.maxBytes = properties.maxRequestSize().toBytes();
    }

    @PostMapping(path = "/mutate", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<byte[]> mutate(HttpServletRequest request) throws IOException {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(service.review(AdmissionService.Endpoint.MUTATE, read(request)));
    }

    @PostMapping(path = "/validate", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<byte[]> validate(HttpServletRequest request) throws IOException {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(service.review(AdmissionService.Endpoint.VALIDATE, read(request)));
    }

    private byte[] read(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > 2 * maxBytes) {
            throw new TooLargeException(declared); // not worth reading: the connection is closed
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
                // read (and drop) the rest, up to twice the cap: a client still sending when the connection closes
                // would see a reset instead of the 413
                discard(in, 2 * maxBytes - body.length);
                throw new TooLargeException(body.length);
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

    static final class TooLargeException extends RuntimeException {
        TooLargeException(long size) {
            super("request body of " + size + "+ bytes exceeds the limit");
        }
    }

    @ExceptionHandler(BadAdmissionReviewException.class)
    ResponseEntity<Map<String, String>> badRequest(BadAdmissionReviewException e) {
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("error", "bad AdmissionReview: " + e.getMessage()));
    }

    @ExceptionHandler(TooLargeException.class)
    ResponseEntity<Map<String, String>> tooLarge(TooLargeException e) {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("error", e.getMessage() + " (" + maxBytes + " bytes)"));
    }
}
