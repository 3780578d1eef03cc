package io.github.sysched.webhook.admission;

/** The two admission endpoints: {@code POST /mutate} and {@code POST /validate}. */
public enum Endpoint {
    MUTATE,
    VALIDATE
}
