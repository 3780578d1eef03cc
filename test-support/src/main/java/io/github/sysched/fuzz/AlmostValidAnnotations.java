package io.github.sysched.fuzz;

import io.github.sysched.annotation.SyscallAnnotation;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Values of {@code exs.sysched.io/syscalls} one step away from valid ({@code v1;<bitmap>;<names>;<sources>}):
 * wrong version, field count, alphabet, bits beyond the table, syscalls among the other names, broken
 * %-escapes, invalid UTF-8, over-long values, and valid but tiny sets (the forgery a tenant would try).
 * Non-syscall names come from a small fixed pool: the syscall table interns names for the life of the
 * process, and a test must not fill it.
 */
public final class AlmostValidAnnotations {

    private static final String[] OTHER_NAMES = {"procexit", "signaldeliver", "container", "fuzz_other"};

    private AlmostValidAnnotations() {}

    public static String next(SplittableRandom random) {
        String valid = new SyscallAnnotation(randomSet(random), List.of("default/fuzz")).encode();
        String[] fields = valid.split(";", -1);
        return switch (random.nextInt(20)) {
            case 0 -> "v2" + valid.substring(2);
            case 1 -> "V1" + valid.substring(2);
            case 2 -> valid + ";extra";
            case 3 -> valid.substring(0, valid.lastIndexOf(';'));
            case 4 -> "v1;" + fields[1] + "+/=" + ";" + fields[2] + ";" + fields[3];
            case 5 -> "v1;" + Base64.getUrlEncoder().withoutPadding().encodeToString(ff(60)) + ";;";
            case 6 -> "v1;" + fields[1] + ";read," + fields[2] + ";" + fields[3];
            case 7 ->
                "v1;" + fields[1] + ";" + List.of("%G1", "%", "%4", "a%").get(random.nextInt(4)) + ";" + fields[3];
            case 8 ->
                "v1;" + fields[1] + ";" + List.of("a b", "é", "a\"b", "a\nb").get(random.nextInt(4)) + ";x";
            case 9 -> "v1;" + fields[1] + ";procexit,,container;x";
            case 10 ->
                "v1;" + fields[1] + ";" + List.of("%C3%28", "%FF", "%ED%A0%80").get(random.nextInt(3)) + ";x";
            case 11 -> "v1;" + "A".repeat(SyscallAnnotation.MAX_LENGTH) + ";;";
            case 12 -> "v1;;;"; // valid: the empty set, the smallest claim there is
            case 13 -> "v1;AQ;;forged"; // valid: {read}
            case 14 -> " " + valid;
            case 15 -> valid.substring(0, random.nextInt(valid.length()));
            case 16 -> "v1;" + fields[1] + ";" + "%61".repeat(200) + ";x"; // a 200-character name
            case 17 -> flip(valid, random);
            case 18 -> "";
            default -> valid;
        };
    }

    private static SyscallSet randomSet(SplittableRandom random) {
        SyscallTable table = SyscallTable.x86_64();
        List<String> names = new ArrayList<>();
        int count = random.nextInt(40);
        for (int i = 0; i < count; i++) {
            int number = random.nextInt(table.stableLimit());
            if (table.isSyscallNumber(number)) {
                names.add(table.name(number));
            }
        }
        if (random.nextInt(4) == 0) {
            names.add(OTHER_NAMES[random.nextInt(OTHER_NAMES.length)]);
        }
        return SyscallSet.of(names);
    }

    private static byte[] ff(int length) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) 0xFF);
        return bytes;
    }

    private static String flip(String value, SplittableRandom random) {
        char[] chars = value.toCharArray();
        chars[random.nextInt(chars.length)] = (char) (32 + random.nextInt(95));
        return new String(chars);
    }
}
