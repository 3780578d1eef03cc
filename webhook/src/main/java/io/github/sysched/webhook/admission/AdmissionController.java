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
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .body(service.review(Endpoint.MUTATE, read(request)));
    }

    @PostMapping(path = "/validate", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<byte[]> validate(HttpServletRequest request) throws IOException {
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .body(service.review(Endpoint.VALIDATE, read(request)));
    }

    private byte[] read(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        // far too large: refuse without reading; slightly too large: read up to the cap so Tomcat can swallow the
        // rest and the client sees the 413 instead of a reset connection
        if (declared > 2 * maxBytes) {
            throw new TooLargeException(declared);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (body.length > maxBytes) {
                throw new TooLargeException(body.length);
            }
            return body;
        }
    }

    static final class TooLargeException extends RuntimeException {
        TooLargeException(long size) {
            super("request body of " + size + "+ bytes exceeds the limit");
        }
    }

    @ExceptionHandler(BadAdmissionReviewException.class)
    ResponseEntity<Map<String, String>> badRequest(BadAdmissionReviewException e) {
        return ResponseEntity.badRequest()
                .contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("error", "bad AdmissionReview: " + e.getMessage()));
    }

    @ExceptionHandler(TooLargeException.class)
    ResponseEntity<Map<String, String>> tooLarge(TooLargeException e) {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                .contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("error", e.getMessage() + " (" + maxBytes + " bytes)"));
    }
}
