package io.github.sysched.webhook.admission;

/** The body is not an admission.k8s.io/v1 AdmissionReview request: answered with HTTP 400 and this message. */
public class BadAdmissionReviewException extends RuntimeException {

    public BadAdmissionReviewException(String message) {
        super(message);
    }

    public BadAdmissionReviewException(String message, Throwable cause) {
        super(message, cause);
    }
}
