package io.github.sysched.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Coverage-guided fuzzing (Jazzer) of the {@code exs.sysched.io/syscalls} codec. Under {@code ./mvnw verify} the
 * inputs in {@code SyscallAnnotationFuzzTestInputs/<method>} run as regression tests; with {@code JAZZER_FUZZ=1}
 * one method is fuzzed (SECURITY.md "Fuzzing").
 */
class SyscallAnnotationFuzzTest {

    /**
     * Non-syscall names come from a fixed pool: the syscall table interns every name it sees for the life of the
     * process ({@link SyscallTable#MAX_DYNAMIC_NAMES} at most), and a million inputs must not fill it.
     */
    private static final List<String> OTHER_NAMES =
            List.of("procexit", "signaldeliver", "container", "wéird,name;x%", "a/b", "~tilde", "");

    /** Valid values to start from: the empty set, a forged {read}, and a profile-sized set with sources. */
    static Stream<String> decodeAcceptsOrRefusesWithTheDocumentedException() {
        return Stream.of(
                "v1;;;",
                "v1;AQ;;forged",
                new SyscallAnnotation(
                                SyscallSet.of("read", "write", "futex_waitv", "procexit", "wéird,name;x%"),
                                List.of("binding:default/b>default/p", "default:default/full"))
                        .encode());
    }

    /** Any string: decodes, or is refused with {@link MalformedAnnotationException}; what decodes re-encodes to itself. */
    @MethodSource
    @FuzzTest
    void decodeAcceptsOrRefusesWithTheDocumentedException(String value) {
        SyscallAnnotation decoded;
        try {
            decoded = SyscallAnnotation.decode(value);
        } catch (MalformedAnnotationException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(value.length()).isLessThanOrEqualTo(SyscallAnnotation.MAX_LENGTH);
        String canonical = decoded.encode();
        assertThat(SyscallAnnotation.decode(canonical)).isEqualTo(decoded);
        assertThat(SyscallAnnotation.decode(canonical).encode()).isEqualTo(canonical);
    }

    /** decode(encode(x)) == x for every syscall set and list of sources, whatever characters the sources hold. */
    @FuzzTest
    void encodeThenDecodeIsTheIdentity(FuzzedDataProvider data) {
        SyscallTable table = SyscallTable.x86_64();
        List<String> names = new ArrayList<>();
        for (int i = data.consumeInt(0, 64); i > 0; i--) {
            if (data.consumeBoolean()) {
                int number = data.consumeInt(0, table.stableLimit() - 1);
                if (table.isSyscallNumber(number)) {
                    names.add(table.name(number));
                }
            } else {
                String other = data.pickValue(OTHER_NAMES);
                if (!other.isEmpty()) {
                    names.add(other);
                }
            }
        }
        List<String> sources = new ArrayList<>();
        for (int i = data.consumeInt(0, 8); i > 0; i--) {
            sources.add(data.consumeString(200));
        }
        if (sources.contains("")) {
            // found by this target: ["", ""] and [""] encoded to values that decode to no source at all
            assertThatThrownBy(() -> new SyscallAnnotation(SyscallSet.empty(), sources))
                    .isInstanceOf(IllegalArgumentException.class);
            return;
        }
        SyscallAnnotation original = new SyscallAnnotation(SyscallSet.of(names), sources);

        String encoded = original.encode();

        if (encoded.length() > SyscallAnnotation.MAX_LENGTH) {
            return; // decode refuses what it would not read anyway; the sources here stay far below it
        }
        assertThat(SyscallAnnotation.decode(encoded)).isEqualTo(original);
    }
}
