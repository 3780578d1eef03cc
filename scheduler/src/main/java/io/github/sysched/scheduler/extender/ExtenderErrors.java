package io.github.sysched.scheduler.extender;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Rejections of the extender verbs: {@code {"error": "..."}} with 400 or 413 (kube-scheduler logs the status). */
@RestControllerAdvice(basePackageClasses = ExtenderErrors.class)
public class ExtenderErrors {

    private static final Logger log = LoggerFactory.getLogger(ExtenderErrors.class);

    @ExceptionHandler(BadExtenderRequestException.class)
    ResponseEntity<Map<String, String>> badRequest(BadExtenderRequestException e) {
        log.debug("bad extender request: {}", e.getMessage());
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("error", "bad extender request: " + e.getMessage()));
    }

    @ExceptionHandler(ExtenderRequestReader.TooLargeException.class)
    ResponseEntity<Map<String, String>> tooLarge(ExtenderRequestReader.TooLargeException e) {
        log.debug("extender request refused: {}", e.getMessage());
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("error", e.getMessage()));
    }
}
