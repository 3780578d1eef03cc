package io.github.sysched.webhook.admission;

/**
 * The request's object (or old object) is JSON but does not map onto its kind's model, e.g. a container name that
 * is an object. A real API server never sends one (it decodes the object into its Go type before admission), so
 * the request is answered with a 400 denial instead of an internal error: nothing is admitted, nothing changes, and
 * the failure policy (which may allow) is not consulted.
 */
public final class UndecodableObjectException extends RuntimeException {

    private static final int MAX_DETAIL = 300;

    UndecodableObjectException(String which, Class<?> type, String detail) {
        super(which + " does not decode as " + type.getSimpleName() + ": " + shorten(detail));
    }

    private static String shorten(String detail) {
        if (detail == null || detail.isBlank()) {
            return "malformed";
        }
        return detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL) + "…";
    }
}
