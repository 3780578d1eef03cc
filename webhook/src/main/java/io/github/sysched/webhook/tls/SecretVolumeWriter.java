package io.github.sysched.webhook.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes files the way the kubelet updates a Secret volume, so one code path serves both: the files live in a
 * fresh {@code ..<timestamp>} directory, {@code ..data} is a symlink to it swapped atomically (rename), and
 * each visible file is a symlink {@code name -> ..data/name}. Readers never see a half-written pair.
 */
public final class SecretVolumeWriter {

    private SecretVolumeWriter() {}

    public static void write(Path dir, Map<String, String> files) {
        try {
            Files.createDirectories(dir);
            Path version = Files.createTempDirectory(dir, ".." + System.currentTimeMillis() + ".");
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path target = version.resolve(file.getKey());
                Files.writeString(target, file.getValue());
            }
            Path newLink = dir.resolve("..data_tmp");
            Files.deleteIfExists(newLink);
            Files.createSymbolicLink(newLink, version.getFileName());
            Path data = dir.resolve("..data");
            Path previous = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
            Files.move(newLink, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            for (String name : files.keySet()) {
                Path visible = dir.resolve(name);
                if (!Files.isSymbolicLink(visible)) {
                    Files.deleteIfExists(visible);
                    Files.createSymbolicLink(visible, Path.of("..data", name));
                }
            }
            if (previous != null && !previous.equals(version) && Files.isDirectory(previous)) {
                try (Stream<Path> old = Files.walk(previous)) {
                    old.sorted(java.util.Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write TLS files to " + dir, e);
        }
    }
}
