package io.github.sysched.annotation;

import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The resolved-profile annotation value: a pod's syscall set plus where it came from.
 *
 * <p>Format {@code v1;<bitmap>;<other names>;<sources>}:
 * <ul>
 *   <li>{@code bitmap}: base64url (no padding) of a little-endian bitmap over x86_64 syscall numbers
 *       (bit n = syscall number n), trailing zero bytes dropped. Numbers are the kernel ABI, so a reader
 *       with a newer table decodes an older writer's value.</li>
 *   <li>{@code other names}: names that are not x86_64 syscalls ({@code procexit}, ...), comma-separated.</li>
 *   <li>{@code sources}: the profiles and bindings that produced the set, comma-separated.</li>
 * </ul>
 * Names and sources are percent-encoded outside {@code [A-Za-z0-9_.:/@>=+-]}, so any non-empty string round-trips.
 * A 100-syscall profile takes about 60 bytes plus its sources.
 */
public record SyscallAnnotation(SyscallSet syscalls, List<String> sources) {

    public static final String VERSION = "v1";
    /** Refuse values larger than this before parsing: annotations are at most 256 KiB in total anyway. */
    public static final int MAX_LENGTH = 64 * 1024;

    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder BASE64_DECODER = Base64.getUrlDecoder();

    /** @throws IllegalArgumentException for an empty source: the format could not tell it from no source */
    public SyscallAnnotation {
        java.util.Objects.requireNonNull(syscalls, "syscalls");
        sources = List.copyOf(sources);
        if (sources.contains("")) {
            throw new IllegalArgumentException("a source must not be empty");
        }
    }

    public String encode() {
        SyscallTable table = SyscallTable.x86_64();
        byte[] bitmap = new byte[(table.stableLimit() + 7) / 8];
        int used = 0;
        List<String> others = new ArrayList<>();
        for (String name : syscalls.names()) {
            var number = table.syscallNumber(name);
            if (number.isPresent()) {
                int n = number.getAsInt();
                bitmap[n >>> 3] |= (byte) (1 << (n & 7));
                used = Math.max(used, (n >>> 3) + 1);
            } else {
                others.add(name);
            }
        }
        byte[] trimmed = java.util.Arrays.copyOf(bitmap, used);
        return VERSION + ';' + BASE64.encodeToString(trimmed) + ';' + join(others) + ';' + join(sources);
    }

    public static SyscallAnnotation decode(String value) {
        if (value == null || value.isEmpty()) {
            throw new MalformedAnnotationException("empty value");
        }
        if (value.length() > MAX_LENGTH) {
            throw new MalformedAnnotationException("value is " + value.length() + " characters, limit " + MAX_LENGTH);
        }
        String[] parts = value.split(";", -1);
        if (!VERSION.equals(parts[0])) {
            throw new MalformedAnnotationException(
                    "unsupported version '" + abbreviate(parts[0]) + "' (this reader understands " + VERSION + ")");
        }
        if (parts.length != 4) {
            throw new MalformedAnnotationException(
                    "expected 4 ';'-separated fields (v1;bitmap;names;sources), got " + parts.length);
        }
        byte[] bitmap;
        try {
            bitmap = BASE64_DECODER.decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new MalformedAnnotationException("bitmap is not base64url: " + e.getMessage());
        }
        SyscallTable table = SyscallTable.x86_64();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < bitmap.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                if ((bitmap[i] & (1 << bit)) != 0) {
                    int number = i * 8 + bit;
                    if (!table.isSyscallNumber(number)) {
                        throw new MalformedAnnotationException("bitmap names syscall number " + number
                                + ", which this x86_64 table (up to " + table.maxSyscallNumber() + ") does not have");
                    }
                    names.add(table.name(number));
                }
            }
        }
        List<String> others = split(parts[2], "names");
        for (String other : others) {
            if (table.syscallNumber(other).isPresent()) {
                throw new MalformedAnnotationException(
                        "'" + other + "' is an x86_64 syscall and belongs in the bitmap");
            }
        }
        names.addAll(others);
        try {
            return new SyscallAnnotation(SyscallSet.of(names), split(parts[3], "sources"));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new MalformedAnnotationException("invalid name: " + e.getMessage());
        }
    }

    private static String join(List<String> values) {
        StringBuilder out = new StringBuilder();
        for (String value : values) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(escape(value));
        }
        return out.toString();
    }

    private static List<String> split(String field, String what) {
        List<String> values = new ArrayList<>();
        if (field.isEmpty()) {
            return values;
        }
        for (String item : field.split(",", -1)) {
            if (item.isEmpty()) {
                throw new MalformedAnnotationException("empty entry in " + what);
            }
            values.add(unescape(item, what));
        }
        return values;
    }

    private static boolean isPlain(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "_.:/@>=+-".indexOf(c) >= 0;
    }

    private static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (isPlain(c)) {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    private static String unescape(String value, String what) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 2 >= value.length()) {
                    throw new MalformedAnnotationException("truncated %-escape in " + what);
                }
                int hi = Character.digit(value.charAt(i + 1), 16);
                int lo = Character.digit(value.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new MalformedAnnotationException(
                            "bad %-escape '" + value.substring(i, i + 3) + "' in " + what);
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (isPlain(c)) {
                bytes.write(c);
            } else {
                throw new MalformedAnnotationException("character '" + c + "' must be %-escaped in " + what);
            }
        }
        var decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            return decoder.decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new MalformedAnnotationException("invalid UTF-8 in " + what);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 16 ? s.substring(0, 16) + "..." : s;
    }
}
