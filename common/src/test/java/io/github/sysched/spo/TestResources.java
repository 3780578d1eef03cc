package io.github.sysched.spo;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads test resources, including multi-document YAML files. */
public final class TestResources {

    private TestResources() {}

    public static String text(String resource) {
        try (InputStream in = TestResources.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static InputStream stream(String resource) {
        InputStream in = TestResources.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalArgumentException("no test resource " + resource);
        }
        return in;
    }

    /** The non-empty documents of a YAML file, split at {@code ---} lines. */
    public static List<String> yamlDocuments(String resource) {
        List<String> documents = new ArrayList<>();
        for (String document : text(resource).split("(?m)^---\\s*$")) {
            if (!document.isBlank()) {
                documents.add(document);
            }
        }
        return documents;
    }

    /** The single document of {@code resource} of the given kind, read as {@code type}. */
    public static <T> T read(String resource, String kind, Class<T> type) {
        List<T> found = new ArrayList<>();
        for (String document : yamlDocuments(resource)) {
            if (document.contains("\nkind: " + kind + "\n") || document.startsWith("kind: " + kind + "\n")) {
                found.add(Serialization.unmarshal(document, type));
            }
        }
        if (found.size() != 1) {
            throw new IllegalArgumentException(resource + " has " + found.size() + " documents of kind " + kind);
        }
        return found.get(0);
    }
}
