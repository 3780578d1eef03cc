package io.github.sysched.scheduler.extender;

/** The request is not one the extender can answer (undecodable body, a pod that cannot be scored): HTTP 400. */
public class BadExtenderRequestException extends RuntimeException {

    public BadExtenderRequestException(String message) {
        super(message);
    }

    public BadExtenderRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
