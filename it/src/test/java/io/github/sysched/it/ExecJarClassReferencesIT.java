package io.github.sysched.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * A missing runtime class fails the build, whatever the class: every class inside each shipped exec jar is read,
 * and every class it refers to must be inside the same jar ({@code BOOT-INF/classes}, {@code BOOT-INF/lib}) or in
 * the JDK. Our own classes get no exemption; library references to optional integrations we do not ship are
 * listed, each with its reason, in {@code optional-class-references.txt}. (A test-scoped {@code zjsonpatch} once
 * removed the library fabric8's {@code edit()} needs; this check names {@code io/fabric8/zjsonpatch} then.)
 */
class ExecJarClassReferencesIT {

    private static final ClassLoader JDK = ClassLoader.getPlatformClassLoader();
    private static final int JAVA_RELEASE = 17;

    private record Allowed(String prefix, String reason) {
        boolean covers(String className) {
            return className.startsWith(prefix + "/");
        }
    }

    /** The classes of one exec jar, by the archive that holds them ("classes" for BOOT-INF/classes). */
    private record ExecJar(String name, Map<String, Map<String, byte[]>> classesByArchive, Set<String> present) {
        boolean ours(String archive) {
            return archive.equals("classes") || archive.startsWith("sysched-");
        }
    }

    @Test
    void everyReferencedClassIsShipped() throws IOException {
        List<Allowed> allowed = allowList();
        Set<Allowed> used = new HashSet<>();
        List<String> problems = new ArrayList<>();
        Map<String, Boolean> inJdk = new java.util.HashMap<>();
        Map<byte[], Set<String>> parsed = new java.util.IdentityHashMap<>();
        for (String property : List.of("sysched.it.webhook-jar", "sysched.it.scheduler-jar")) {
            ExecJar jar = read(ServiceProcess.jar(property));
            assertThat(jar.classesByArchive().get("classes"))
                    .as("%s BOOT-INF/classes", jar.name())
                    .isNotEmpty();
            Map<String, String> missing = new TreeMap<>(); // missing class -> one referrer
            for (var archive : jar.classesByArchive().entrySet()) {
                for (var type : archive.getValue().entrySet()) {
                    Set<String> references = parsed.get(type.getValue()); // shared libraries: parsed once
                    if (references == null) {
                        references = ClassFileReferences.of(type.getValue());
                        parsed.put(type.getValue(), references);
                    }
                    for (String reference : references) {
                        if (jar.present().contains(reference)
                                || inJdk.computeIfAbsent(reference, r -> JDK.getResource(r + ".class") != null)) {
                            continue;
                        }
                        Allowed exemption = jar.ours(archive.getKey())
                                ? null
                                : allowed.stream()
                                        .filter(a -> a.covers(reference))
                                        .findFirst()
                                        .orElse(null);
                        if (exemption != null) {
                            used.add(exemption);
                        } else {
                            missing.putIfAbsent(reference, archive.getKey() + "!" + type.getKey());
                        }
                    }
                }
            }
            missing.forEach(
                    (type, referrer) -> problems.add(jar.name() + ": " + type + " (referenced by " + referrer + ")"));
        }
        List<String> stale = allowed.stream()
                .filter(a -> !used.contains(a))
                .map(Allowed::prefix)
                .toList();
        assertThat(problems)
                .as("classes referenced but shipped neither in the exec jar nor by the JDK")
                .isEmpty();
        assertThat(stale)
                .as("optional-class-references.txt lines that match nothing any more")
                .isEmpty();
    }

    /** Library jars by file name: both exec jars ship most of the same ones, read and parsed once. */
    private static final Map<String, Map<String, byte[]>> LIBRARIES = new java.util.HashMap<>();

    private static ExecJar read(Path path) throws IOException {
        Map<String, Map<String, byte[]>> byArchive = new LinkedHashMap<>();
        Set<String> present = new HashSet<>();
        try (ZipFile zip = new ZipFile(path.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                String name = entry.getName();
                if (name.startsWith("BOOT-INF/classes/") && name.endsWith(".class")) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        add(
                                byArchive,
                                present,
                                "classes",
                                name.substring("BOOT-INF/classes/".length()),
                                in.readAllBytes());
                    }
                } else if (name.startsWith("BOOT-INF/lib/") && name.endsWith(".jar")) {
                    String archive = name.substring("BOOT-INF/lib/".length());
                    Map<String, byte[]> known = archive.startsWith("sysched-") ? null : LIBRARIES.get(archive);
                    if (known != null) { // the same versioned library in the other exec jar
                        byArchive.put(archive, known);
                        present.addAll(known.keySet());
                        continue;
                    }
                    try (ZipInputStream lib = new ZipInputStream(zip.getInputStream(entry))) {
                        for (ZipEntry member; (member = lib.getNextEntry()) != null; ) {
                            String file = member.getName();
                            if (!file.endsWith(".class") || file.endsWith("module-info.class")) {
                                continue;
                            }
                            if (file.startsWith("META-INF/versions/")) { // multi-release: what Java 17 sees
                                String[] parts = file.split("/", 4);
                                if (Integer.parseInt(parts[2]) > JAVA_RELEASE) {
                                    continue;
                                }
                                file = parts[3];
                            }
                            add(byArchive, present, archive, file, lib.readAllBytes());
                        }
                    }
                    LIBRARIES.put(archive, byArchive.getOrDefault(archive, Map.of()));
                }
            }
        }
        return new ExecJar(path.getFileName().toString(), byArchive, present);
    }

    private static void add(
            Map<String, Map<String, byte[]>> byArchive,
            Set<String> present,
            String archive,
            String file,
            byte[] bytes) {
        String type = file.substring(0, file.length() - ".class".length());
        present.add(type);
        byArchive.computeIfAbsent(archive, k -> new LinkedHashMap<>()).put(type, bytes);
    }

    private static List<Allowed> allowList() throws IOException {
        List<Allowed> allowed = new ArrayList<>();
        try (InputStream in = ExecJarClassReferencesIT.class.getResourceAsStream("/optional-class-references.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                String[] parts = trimmed.split("\\s+", 2);
                if (parts.length < 2) {
                    throw new IllegalStateException("optional-class-references.txt: no reason given for " + trimmed);
                }
                allowed.add(new Allowed(parts[0], parts[1]));
            }
        }
        return allowed;
    }
}
