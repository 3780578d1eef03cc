package io.github.sysched.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.zjsonpatch.JsonPatch;
import io.github.sysched.webhook.support.Reviews;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

class JsonPatchBuilderTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static JsonNode apply(JsonPatchBuilder builder, JsonNode original) {
        JsonNode result = JsonPatch.apply(builder.operations(), original);
        assertThat(result).as("patch result equals the builder's working copy").isEqualTo(builder.document());
        return result;
    }

    @Test
    void escapesTildeBeforeSlash() {
        assertThat(JsonPatchBuilder.escape("a/b~c")).isEqualTo("a~1b~0c");
        assertThat(JsonPatchBuilder.escape("~1")).isEqualTo("~01");
        assertThat(JsonPatchBuilder.pointer(JsonPatchBuilder.path("metadata", "annotations", "exs.sysched.io/x~y")))
                .isEqualTo("/metadata/annotations/exs.sysched.io~1x~0y");
    }

    @Test
    void addsTheWholeMapWhenThereIsNone() {
        JsonNode pod = Reviews.json("{\"metadata\":{\"name\":\"p\"}}");
        JsonPatchBuilder builder = new JsonPatchBuilder(pod);

        builder.set(JsonPatchBuilder.path("metadata", "annotations", "a/b"), "1");
        builder.set(JsonPatchBuilder.path("metadata", "annotations", "c~d"), "2");

        assertThat(builder.operations().toString()).isEqualTo("[{\"op\":\"add\",\"path\":\"/metadata/annotations\","
                + "\"value\":{\"a/b\":\"1\"}},{\"op\":\"add\",\"path\":\"/metadata/annotations/c~0d\",\"value\":\"2\"}]");
        JsonNode result = apply(builder, pod);
        assertThat(result.path("metadata").path("annotations").path("a/b").asString()).isEqualTo("1");
        assertThat(result.path("metadata").path("annotations").path("c~d").asString()).isEqualTo("2");
    }

    @Test
    void replacesAndRemovesKeysWithEscapes() {
        JsonNode pod = Reviews.json("{\"metadata\":{\"annotations\":{\"x/y\":\"old\",\"t~\":\"gone\",\"k\":\"v\"}}}");
        JsonPatchBuilder builder = new JsonPatchBuilder(pod);

        builder.set(JsonPatchBuilder.path("metadata", "annotations", "x/y"), "new");
        builder.remove(JsonPatchBuilder.path("metadata", "annotations", "t~"));
        builder.remove(JsonPatchBuilder.path("metadata", "annotations", "absent"));
        builder.set(JsonPatchBuilder.path("metadata", "annotations", "k"), "v"); // unchanged: no op

        assertThat(builder.operations()).hasSize(2);
        JsonNode result = apply(builder, pod);
        assertThat(result.path("metadata").path("annotations").toString()).isEqualTo("{\"x/y\":\"new\",\"k\":\"v\"}");
    }

    @Test
    void appendsToArraysOrCreatesThem() {
        JsonNode pod = Reviews.json("{\"spec\":{\"tolerations\":[{\"key\":\"a\"}]}}");
        JsonPatchBuilder builder = new JsonPatchBuilder(pod);

        builder.append(JsonPatchBuilder.path("spec", "tolerations"), NODES.objectNode().put("key", "b"));
        builder.append(JsonPatchBuilder.path("spec", "affinity", "podAntiAffinity", "terms"),
                NODES.objectNode().put("t", 1));

        assertThat(builder.operations().get(0).path("path").asString()).isEqualTo("/spec/tolerations/-");
        JsonNode result = apply(builder, pod);
        assertThat(result.path("spec").path("tolerations")).hasSize(2);
        assertThat(result.path("spec").path("affinity").path("podAntiAffinity").path("terms").get(0).path("t")
                .asInt()).isEqualTo(1);
    }

    @Test
    void setsInsideArrayElements() {
        JsonNode pod = Reviews.json("{\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\",\"securityContext\":{}}]}}");
        JsonPatchBuilder builder = new JsonPatchBuilder(pod);

        builder.set(JsonPatchBuilder.path("spec", "containers", "0", "securityContext", "seccompProfile", "type"),
                "RuntimeDefault");
        builder.set(JsonPatchBuilder.path("spec", "containers", "1", "securityContext", "seccompProfile", "type"),
                "Localhost");

        JsonNode result = apply(builder, pod);
        assertThat(result.at("/spec/containers/0/securityContext/seccompProfile/type").asString())
                .isEqualTo("RuntimeDefault");
        assertThat(result.at("/spec/containers/1/securityContext/seccompProfile/type").asString())
                .isEqualTo("Localhost");
    }
}
