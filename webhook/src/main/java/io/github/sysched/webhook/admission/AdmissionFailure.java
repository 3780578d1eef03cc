package io.github.sysched.webhook.admission;

/** The handlers gave no verdict in time, or none at all: the failure mode answers the request. */
public final class AdmissionFailure extends Exception {

    private final String outcome;

    /**
     * @param outcome {@code error} or {@code timeout} (the metrics outcome)
     * @param what    what happened, completing "admission of &lt;object&gt; ..."
     */
    AdmissionFailure(String outcome, String what, Throwable cause) {
        super(what, cause);
        this.outcome = outcome;
    }

    public String outcome() {
        return outcome;
    }
}
