package io.github.sysched.webhook.admission;

import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** What the handlers of one request concluded: warnings, an optional denial, and (mutation) a JSON Patch. */
public class AdmissionVerdict {

    /**
     * Only add, remove and replace: each operation stands on its own (no move or copy from a path the diff
     * assumed), and a remove carries no value.
     */
    private static final EnumSet<DiffFlags> PATCH_FLAGS =
            EnumSet.of(DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION, DiffFlags.OMIT_VALUE_ON_REMOVE);

    private final List<String> warnings = new ArrayList<>();
    private Denial denial;
    private JsonNode patch;

    public record Denial(int code, String reason, String message) {}

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

    /**
     * Sets the patch to the RFC 6902 diff that turns {@code before} into {@code after}. JSON Pointer escaping and
     * the parents an {@code add} needs (e.g. the whole annotations map of a pod that has none) follow from the
     * diff; {@code before} must have the structure of the object the API server will apply the patch to.
     */
    public void patch(JsonNode before, JsonNode after) {
        JsonNode diff = JsonDiff.asJson(before, after, PATCH_FLAGS);
        this.patch = diff.isEmpty() ? null : diff;
    }

    /** The JSON Patch (an array of operations), or null when the object is admitted unchanged. */
    public JsonNode patch() {
        return denied() ? null : patch;
    }

    /** The metrics outcome: denied, patched or allowed. */
    public String outcome() {
        return denied() ? "denied" : patch() != null ? "patched" : "allowed";
    }
}
