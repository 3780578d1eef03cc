package io.github.sysched.profile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads Docker/OCI seccomp JSON: {@code defaultAction} and {@code syscalls[]} entries with a {@code names}
 * array or the older single {@code name} key. Architecture maps, argument filters and Docker's
 * {@code includes}/{@code excludes} conditions are ignored: every entry counts.
 */
public final class SeccompJsonReader {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private SeccompJsonReader() {}

    public static SeccompPolicy read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read seccomp profile " + file, e);
        }
    }

    /** @param source names the input in error messages */
    public static SeccompPolicy read(InputStream json, String source) {
        return toPolicy(parse(() -> MAPPER.readTree(json), source), source);
    }

    public static SeccompPolicy read(String json, String source) {
        return toPolicy(parse(() -> MAPPER.readTree(json), source), source);
    }

    private static JsonNode parse(java.util.function.Supplier<JsonNode> reader, String source) {
        try {
            return reader.get();
        } catch (JacksonException e) {
            throw new IllegalArgumentException(
                    "seccomp profile " + source + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static SeccompPolicy toPolicy(JsonNode root, String source) {
        if (root == null || !root.isObject() || !root.path("defaultAction").isString()) {
            throw new IllegalArgumentException("seccomp profile " + source + " has no string defaultAction");
        }
        List<SyscallRule> rules = new ArrayList<>();
        JsonNode syscalls = root.path("syscalls");
        if (!syscalls.isMissingNode() && !syscalls.isNull() && !syscalls.isArray()) {
            throw new IllegalArgumentException("seccomp profile " + source + ": syscalls is not an array");
        }
        int position = 0;
        for (JsonNode entry : syscalls) {
            rules.add(new SyscallRule(
                    parseAction(entry.path("action").asString(null), source, position),
                    namesOf(entry, source, position)));
            position++;
        }
        return new SeccompPolicy(parseAction(root.path("defaultAction").asString(), source, -1), rules);
    }

    private static List<String> namesOf(JsonNode entry, String source, int position) {
        List<String> names = new ArrayList<>();
        for (JsonNode name : entry.path("names")) {
            names.add(name.asString());
        }
        if (entry.path("name").isString()) {
            names.add(entry.path("name").asString());
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException(
                    "seccomp profile " + source + ": syscalls[" + position + "] has neither names nor name");
        }
        return names;
    }

    private static SeccompAction parseAction(String action, String source, int position) {
        try {
            return SeccompAction.parse(action);
        } catch (IllegalArgumentException e) {
            String where = position < 0 ? "defaultAction" : "syscalls[" + position + "].action";
            throw new IllegalArgumentException("seccomp profile " + source + ": " + where + ": " + e.getMessage(), e);
        }
    }
}
