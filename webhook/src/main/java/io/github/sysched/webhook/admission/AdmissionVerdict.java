package io.github.sysched.webhook.admission;

import java.util.ArrayList;
import java.util.List;

/** What the handlers of one request concluded: warnings, an optional denial, and (mutation) a patch. */
public class AdmissionVerdict {

    private final List<String> warnings = new ArrayList<>();
    private Denial denial;

    public record Denial(int code, String reason, String message) {
    }

    public void warn(String warning) {
        warnings.add(warning);
    }

    /** Deny with 403 Forbidden. The first denial wins; later handlers still run (their warnings are kept). */
    public void deny(String message) {
        deny(403, "Forbidden", message);
    }

    public void deny(int code, String reason, String message) {
        if (denial == null) {
            denial = new Denial(Math.max(code, 400), reason, message);
        }
    }

    public boolean denied() {
        return denial != null;
    }

    public Denial denial() {
        return denial;
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }
}
