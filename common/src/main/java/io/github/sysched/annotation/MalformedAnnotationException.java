package io.github.sysched.annotation;

/** An annotation value that is not a valid encoding; the message says what is wrong and where. */
public class MalformedAnnotationException extends IllegalArgumentException {

    public MalformedAnnotationException(String message) {
        super(message);
    }
}
