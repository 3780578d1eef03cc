package io.github.sysched.webhook.admission;

import tools.jackson.databind.JsonNode;

/** A verdict that also carries the JSON Patch the mutators build against the request's object. */
public final class MutationVerdict extends AdmissionVerdict {

    private final JsonPatchBuilder patch;

    public MutationVerdict(JsonNode object) {
        this.patch = new JsonPatchBuilder(object);
    }

    public JsonPatchBuilder patch() {
        return patch;
    }
}
