package io.github.sysched.profile;

import io.github.sysched.syscall.SyscallSet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The syscall set of {@code RuntimeDefault} (and the legacy {@code runtime/default}, {@code docker/default}):
 * the x86_64 table minus what Docker's documentation lists as blocked by its default profile, as generated
 * into {@code runtime-default.txt} by {@code tools/generate-runtime-default.sh}. Container runtimes differ
 * in detail; this is an approximation from the documented list, not a copy of any runtime's profile.
 */
public final class RuntimeDefaultProfile {

    private static final String RESOURCE = "runtime-default.txt";
    private static final SyscallSet SYSCALLS = load();

    private RuntimeDefaultProfile() {}

    public static SyscallSet syscalls() {
        return SYSCALLS;
    }

    private static SyscallSet load() {
        try (InputStream in = RuntimeDefaultProfile.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<String> names = new ArrayList<>();
            String line;
            while ((line = reader.readLine()) != null) {
                String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#")) {
                    names.add(name);
                }
            }
            return SyscallSet.of(names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
