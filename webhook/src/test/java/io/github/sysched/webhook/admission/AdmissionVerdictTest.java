package io.github.sysched.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.zjsonpatch.JsonPatch;
import io.github.sysched.webhook.support.Reviews;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The patch as the diff of before and after: the JSON Pointer and JSON Patch traps, right by construction. */
class AdmissionVerdictTest {

    /** The operations of the patch from {@code before} to {@code after}, checked to turn one into the other. */
    private static List<String> patch(JsonNode before, JsonNode after) {
        List<String> operations = operations(before, after);
        AdmissionVerdict verdict = new AdmissionVerdict();
        verdict.patch(before, after);
        assertThat(JsonPatch.apply(verdict.patch(), before))
                .as("the patch turns before into after")
                .isEqualTo(after);
        return operations;
    }

    private static List<String> operations(JsonNode before, JsonNode after) {
        AdmissionVerdict verdict = new AdmissionVerdict();
        verdict.patch(before, after);
        List<String> operations = new ArrayList<>();
        verdict.patch().forEach(op -> operations.add(op.toString()));
        return operations;
    }

    /**
     * RFC 6901: {@code ~} → {@code ~0} first, then {@code /} → {@code ~1}, so the key {@code ~1} is {@code ~01}.
     * Not applied with zjsonpatch here: its {@code JsonPatch.apply} decodes {@code ~0} before {@code ~1} and reads
     * {@code ~01} as {@code /} (the webhook only builds patches; the API server applies them).
     */
    @Test
    void escapesTildeBeforeSlash() {
        ObjectNode before = Reviews.json("{\"metadata\":{\"annotations\":{\"a/b~c\":\"1\",\"~1\":\"x\"}}}");
        ObjectNode after = before.deepCopy();
        after.withObject("/metadata/annotations").put("a/b~c", "2").put("~1", "y");

        assertThat(operations(before, after))
                .containsExactlyInAnyOrder(
                        "{\"op\":\"replace\",\"path\":\"/metadata/annotations/a~1b~0c\",\"value\":\"2\"}",
                        "{\"op\":\"replace\",\"path\":\"/metadata/annotations/~01\",\"value\":\"y\"}");
    }

    @Test
    void addsTheWholeAnnotationsMapWhenThereIsNone() {
        ObjectNode before = Reviews.json("{\"metadata\":{\"name\":\"p\"}}");
        ObjectNode after = before.deepCopy();
        after.withObject("/metadata").putObject("annotations").put("a/b", "1").put("c~d", "2");

        assertThat(patch(before, after))
                .containsExactly(
                        "{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"a/b\":\"1\",\"c~d\":\"2\"}}");
    }

    @Test
    void replacesAndRemovesWithoutValuesOnRemoveAndWithoutMoveOrCopy() {
        ObjectNode before =
                Reviews.json("{\"metadata\":{\"annotations\":{\"x/y\":\"v\",\"t~\":\"gone\"," + "\"k\":\"v\"}}}");
        ObjectNode after =
                Reviews.json("{\"metadata\":{\"annotations\":{\"x/y\":\"new\",\"k\":\"v\"," + "\"copy\":\"v\"}}}");

        assertThat(patch(before, after))
                .containsExactlyInAnyOrder(
                        "{\"op\":\"replace\",\"path\":\"/metadata/annotations/x~1y\",\"value\":\"new\"}",
                        "{\"op\":\"remove\",\"path\":\"/metadata/annotations/t~0\"}",
                        "{\"op\":\"add\",\"path\":\"/metadata/annotations/copy\",\"value\":\"v\"}");
    }

    @Test
    void appendsToArraysAndSetsInsideTheirElements() {
        ObjectNode before = Reviews.json("{\"spec\":{\"tolerations\":[{\"key\":\"a\"}],"
                + "\"containers\":[{\"name\":\"a\"},{\"name\":\"b\",\"securityContext\":{}}]}}");
        ObjectNode after = before.deepCopy();
        after.withArray("/spec/tolerations").addObject().put("key", "b");
        after.withObject("/spec/containers/1/securityContext")
                .putObject("seccompProfile")
                .put("type", "Localhost");

        assertThat(patch(before, after))
                .containsExactlyInAnyOrder(
                        "{\"op\":\"add\",\"path\":\"/spec/tolerations/1\",\"value\":{\"key\":\"b\"}}",
                        "{\"op\":\"add\",\"path\":\"/spec/containers/1/securityContext/seccompProfile\","
                                + "\"value\":{\"type\":\"Localhost\"}}");
    }

    @Test
    void noChangeIsNoPatchAndADenialCarriesNone() {
        AdmissionVerdict unchanged = new AdmissionVerdict();
        unchanged.patch(Reviews.json("{\"a\":1}"), Reviews.json("{\"a\":1}"));
        assertThat(unchanged.patch()).isNull();
        assertThat(unchanged.outcome()).isEqualTo("allowed");

        AdmissionVerdict denied = new AdmissionVerdict();
        denied.patch(Reviews.json("{\"a\":1}"), Reviews.json("{\"a\":2}"));
        assertThat(denied.outcome()).isEqualTo("patched");
        denied.deny(200, "Odd", "codes below 400 are raised to 400");
        assertThat(denied.patch()).isNull();
        assertThat(denied.denial().code()).isEqualTo(400);
        assertThat(denied.outcome()).isEqualTo("denied");
    }
}
