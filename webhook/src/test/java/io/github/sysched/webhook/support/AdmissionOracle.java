package io.github.sysched.webhook.support;

import io.fabric8.zjsonpatch.JsonPatch;
import io.github.sysched.annotation.MalformedAnnotationException;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.annotation.SyscallAnnotation;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What every answer of {@code /mutate} and {@code /validate} must satisfy, written independently of the service's
 * decoder: the seeded HTTP fuzzing ({@code AdmissionFuzzTest}) and the coverage-guided in-memory fuzzing
 * ({@code AdmissionPipelineFuzzTest}) check the same properties against the same seeds.
 */
public final class AdmissionOracle {

    private static final Set<String> OPERATIONS = Set.of("CREATE", "UPDATE", "DELETE", "CONNECT");
    private static final String INTERNAL_ERROR = "sysched webhook internal";
    /**
     * Where a mutating patch may write: our annotations (and the map holding them), labels, and the scheduling and
     * confinement fields the IPP, sandbox, enforce-mode and replica-spread mutators own. Never images, commands, names,
     * volumes.
     */
    private static final List<Pattern> PATCHABLE = List.of(
            Pattern.compile("/metadata(/annotations(/[^/]+)?|/labels(/[^/]+)?)?"),
            Pattern.compile("/spec/(runtimeClassName|securityContext(/.*)?|tolerations(/.*)?|affinity(/.*)?"
                    + "|topologySpreadConstraints(/.*)?)"),
            Pattern.compile("/spec/(initContainers|containers)/\\d+/securityContext(/.*)?"));

    private AdmissionOracle() {}

    /** What the answer to one reviewable request amounted to, and what was wrong with it. */
    public record Verdict(List<String> problems, boolean internalError, boolean denied, boolean patched) {}

    /**
     * The request as the API server's AdmissionReview contract describes it (uid, kind, operation), or null when
     * the body is not one: then the service must refuse it (HTTP 400), otherwise it must answer it.
     */
    public static JsonNode reviewable(byte[] body) {
        JsonNode root;
        try {
            root = Reviews.JSON.readTree(body);
        } catch (JacksonException e) {
            return null;
        }
        if (root == null
                || !root.isObject()
                || !"admission.k8s.io/v1".equals(root.path("apiVersion").asString(null))
                || !"AdmissionReview".equals(root.path("kind").asString(null))) {
            return null;
        }
        JsonNode request = root.path("request");
        JsonNode uid = request.path("uid");
        JsonNode kind = request.path("kind").path("kind");
        JsonNode operation = request.path("operation");
        boolean ok = request.isObject()
                && uid.isString()
                && !uid.stringValue().isEmpty()
                && request.path("kind").isObject()
                && kind.isString()
                && !kind.stringValue().isEmpty()
                && operation.isString()
                && OPERATIONS.contains(operation.stringValue());
        return ok ? root : null;
    }

    /**
     * Whether {@code body} is valid UTF-8. JSON must be (RFC 8259), but the parser checks only the bytes it decodes:
     * the service may refuse such a body or answer it, and so may the oracle's reader (the campaign found them
     * disagreeing on a 0xFF), so for these bodies either outcome is accepted.
     */
    public static boolean isUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /**
     * Checks the AdmissionReview {@code body} answering {@code request} on {@code path} ({@code /mutate} or
     * {@code /validate}): uid echoed, a denial with a code of at least 400, a message and no patch, a patch only
     * from {@code /mutate}, with patchType JSONPatch, that applies to the object as sent, writes only where a
     * mutator may, keeps every label and every annotation that is not ours, and leaves a pod CREATE with our
     * syscall annotation only in a form that decodes (and with none of the client's values after an internal error).
     */
    public static Verdict check(String path, JsonNode request, byte[] body) {
        List<String> problems = new ArrayList<>();
        JsonNode review;
        try {
            review = Reviews.JSON.readTree(body);
        } catch (JacksonException e) {
            return new Verdict(List.of("answer is not JSON: " + e.getOriginalMessage()), false, false, false);
        }
        JsonNode response = review.path("response");
        if (!"admission.k8s.io/v1".equals(review.path("apiVersion").asString(""))
                || !"AdmissionReview".equals(review.path("kind").asString(""))
                || !response.path("uid")
                        .asString("")
                        .equals(request.path("request").path("uid").stringValue())
                || !response.path("allowed").isBoolean()) {
            problems.add("malformed AdmissionReview answer: " + abbreviate(review.toString()));
            return new Verdict(problems, false, false, false);
        }
        // the failure policy's own words open its warning or denial; other warnings may quote the request, which
        // can hold the same words (the campaign found that)
        boolean internalError =
                response.path("status").path("message").asString("").startsWith(INTERNAL_ERROR);
        for (JsonNode warning : response.path("warnings")) {
            internalError |= warning.asString("").startsWith(INTERNAL_ERROR);
        }
        if (!response.path("allowed").asBoolean()) {
            JsonNode status = response.path("status");
            if (status.path("code").asInt(0) < 400
                    || status.path("message").asString("").isBlank()) {
                problems.add("denial without code >= 400 and message: " + abbreviate(review.toString()));
            }
            if (response.has("patch") || response.has("patchType")) {
                problems.add("a denial carries a patch");
            }
            return new Verdict(problems, internalError, true, false);
        }
        JsonNode object = request.path("request").path("object");
        JsonNode patched = object;
        boolean hasPatch = response.has("patch");
        if (hasPatch) {
            if (path.equals("/validate")) {
                problems.add("a validating answer carries a patch");
            }
            if (!"JSONPatch".equals(response.path("patchType").asString(""))) {
                problems.add("patch without patchType JSONPatch");
            }
            JsonNode patch;
            try {
                patch = Reviews.JSON.readTree(
                        Base64.getDecoder().decode(response.path("patch").asString()));
                patched = JsonPatch.apply(patch, object);
            } catch (RuntimeException e) {
                problems.add("patch does not apply: " + e.getMessage() + " / " + abbreviate(review.toString()));
                return new Verdict(problems, internalError, false, true);
            }
            checkScope(patch, object, patched, problems);
        } else if (response.has("patchType")) {
            problems.add("patchType without patch");
        }
        if (path.equals("/mutate") && isPodCreateWeGuard(request)) {
            checkOurAnnotations(internalError, patched, problems);
        }
        return new Verdict(problems, internalError, false, hasPatch);
    }

    private static void checkScope(JsonNode patch, JsonNode object, JsonNode patched, List<String> problems) {
        for (JsonNode operation : patch) {
            String target = operation.path("path").asString("");
            if (PATCHABLE.stream().noneMatch(p -> p.matcher(target).matches())
                    || target.equals("/metadata") && object.path("metadata").isObject()) {
                problems.add("the patch writes " + target + ", which no mutator owns: " + abbreviate(patch.toString()));
            }
        }
        JsonNode annotations = object.path("metadata").path("annotations");
        annotations.propertyNames().forEach(key -> {
            if (!PlacementAnnotations.OWNED.contains(key)
                    && annotations.get(key).isString()
                    && !annotations
                            .get(key)
                            .equals(patched.path("metadata").path("annotations").path(key))) {
                problems.add("the patch changes the client's annotation " + key);
            }
        });
        JsonNode labels = object.path("metadata").path("labels");
        labels.propertyNames().forEach(key -> {
            if (labels.get(key).isString()
                    && !labels.get(key)
                            .equals(patched.path("metadata").path("labels").path(key))) {
                problems.add("the patch changes the label " + key);
            }
        });
    }

    /** A pod CREATE outside the exempt namespace: the only requests whose annotations /mutate answers for. */
    private static boolean isPodCreateWeGuard(JsonNode review) {
        JsonNode request = review.path("request");
        return "Pod".equals(request.path("kind").path("kind").asString(""))
                && "".equals(request.path("kind").path("group").asString(""))
                && request.path("subResource").asString("").isEmpty()
                && "CREATE".equals(request.path("operation").asString(""))
                && !"kube-system".equals(request.path("namespace").asString(""));
    }

    /**
     * What the admitted pod may carry of our annotations: a syscall set that decodes, and after an internal error
     * nothing at all (the client's values must not survive a failure).
     */
    private static void checkOurAnnotations(boolean internalError, JsonNode pod, List<String> problems) {
        JsonNode annotations = pod.path("metadata").path("annotations");
        if (internalError) {
            List<String> kept =
                    PlacementAnnotations.OWNED.stream().filter(annotations::has).toList();
            if (!kept.isEmpty()) {
                problems.add("after an internal error the pod keeps " + kept);
            }
            return;
        }
        JsonNode syscalls = annotations.path(PlacementAnnotations.SYSCALLS);
        if (!syscalls.isMissingNode()) {
            try {
                SyscallAnnotation.decode(syscalls.asString(""));
            } catch (MalformedAnnotationException e) {
                problems.add("the admitted pod keeps a malformed " + PlacementAnnotations.SYSCALLS + ": "
                        + abbreviate(syscalls.toString()));
            }
        }
    }

    /** Valid requests of every shape the webhook handles, several carrying client values of our annotations. */
    public static List<JsonNode> seeds() {
        List<JsonNode> seeds = new ArrayList<>();
        seeds.add(Reviews.fixture("/admission/pod-create-nginx-generatename.json"));

        ObjectNode forged = Reviews.pod("busybox-", "default", "busybox:1.36", "nginx:1.16");
        ObjectNode annotations = ((ObjectNode) forged.path("metadata")).putObject("annotations");
        annotations.put(PlacementAnnotations.SYSCALLS, "v1;AQ;;forged");
        annotations.put(PlacementAnnotations.PROFILES, "c0=default/tiny");
        annotations.put(PlacementAnnotations.IPP_CLASS, "victim");
        seeds.add(Reviews.podCreate("default", forged));

        ObjectNode named = Reviews.pod("ignored-", "default", "custom:1");
        ((ObjectNode) named.path("metadata")).put("name", "named-pod");
        ObjectNode spec = (ObjectNode) named.path("spec");
        spec.putObject("securityContext").putObject("seccompProfile").put("type", "RuntimeDefault");
        spec.putArray("initContainers")
                .addObject()
                .put("name", "init")
                .put("image", "busybox:1.36")
                .putObject("securityContext")
                .putObject("seccompProfile")
                .put("type", "Localhost")
                .put("localhostProfile", "operator/default/nginx-seccomp.json");
        ObjectNode dryRun = Reviews.podCreate("default", named);
        ((ObjectNode) dryRun.path("request")).put("dryRun", true);
        seeds.add(dryRun);

        seeds.add(Reviews.podCreate("kube-system", forged.deepCopy()));

        ObjectNode old = forged.deepCopy();
        ((ObjectNode) old.path("metadata")).put("name", "busybox-abc");
        ObjectNode changed = old.deepCopy();
        ((ObjectNode) changed.path("metadata").path("annotations")).put(PlacementAnnotations.SYSCALLS, "v1;;;");
        seeds.add(Reviews.podUpdate("default", changed, old, "alice"));
        seeds.add(Reviews.podUpdate("default", old.deepCopy(), old, "alice"));

        seeds.add(Reviews.profileBindingCreate("default", Reviews.json("""
                        {"apiVersion":"security-profiles-operator.x-k8s.io/v1alpha1","kind":"ProfileBinding",
                         "metadata":{"name":"fuzz-binding","namespace":"default"},
                         "spec":{"image":"fuzz:1","profileRef":{"kind":"SeccompProfile","name":"nginx-seccomp"}}}
                        """)));
        seeds.add(Reviews.seccompProfileCreate("default", Reviews.json("""
                        {"apiVersion":"security-profiles-operator.x-k8s.io/v1beta1","kind":"SeccompProfile",
                         "metadata":{"name":"fuzz-profile","namespace":"default"},
                         "spec":{"defaultAction":"SCMP_ACT_ERRNO","baseProfileName":"nginx-seccomp",
                                 "syscalls":[{"action":"SCMP_ACT_ALLOW","names":["read","write","procexit"]}]}}
                        """)));
        seeds.add(Reviews.review(
                "",
                "v1",
                "ConfigMap",
                "configmaps",
                "CREATE",
                "default",
                Reviews.json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\"}}"),
                null,
                "alice"));
        return seeds;
    }

    public static String abbreviate(String text) {
        return text.length() > 400 ? text.substring(0, 400) + "..." : text;
    }
}
