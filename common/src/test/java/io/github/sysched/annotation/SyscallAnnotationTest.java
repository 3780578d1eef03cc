package io.github.sysched.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SyscallAnnotationTest {

    @Test
    void roundTripsSyscallsNonSyscallNamesAndSources() {
        SyscallSet set = SyscallSet.of("read", "write", "futex_waitv", "procexit", "container", "wéird,name;x%");
        SyscallAnnotation original = new SyscallAnnotation(
                set, List.of("binding:default/nginx-binding>default/nginx-seccomp", "default:default/full seccomp"));

        String encoded = original.encode();
        SyscallAnnotation decoded = SyscallAnnotation.decode(encoded);

        assertThat(encoded).startsWith("v1;");
        assertThat(decoded.syscalls()).isEqualTo(set);
        assertThat(decoded.sources()).isEqualTo(original.sources());
    }

    @Test
    void aHundredSyscallProfileFitsInUnder200Bytes() {
        List<String> names = SyscallTable.x86_64().syscallsNumberedUpTo(332).names();
        List<String> picked = new ArrayList<>();
        Random random = new Random(7);
        while (picked.size() < 100) {
            String name = names.get(random.nextInt(names.size()));
            if (!picked.contains(name)) {
                picked.add(name);
            }
        }
        String encoded = new SyscallAnnotation(SyscallSet.of(picked), List.of("default/nginx-seccomp")).encode();
        assertThat(SyscallAnnotation.decode(encoded).syscalls().cardinality()).isEqualTo(100);
        assertThat(encoded.length()).isLessThanOrEqualTo(200);
    }

    @Test
    void randomSetsRoundTrip() {
        Random random = new Random(42);
        List<String> universe =
                new ArrayList<>(SyscallTable.x86_64().allSyscalls().names());
        universe.addAll(List.of("procexit", "signaldeliver", "container", "a/b", "~tilde"));
        for (int i = 0; i < 200; i++) {
            List<String> names = new ArrayList<>();
            for (int j = random.nextInt(80); j > 0; j--) {
                names.add(universe.get(random.nextInt(universe.size())));
            }
            SyscallSet set = SyscallSet.of(names);
            assertThat(SyscallAnnotation.decode(new SyscallAnnotation(set, List.of()).encode())
                            .syscalls())
                    .isEqualTo(set);
        }
    }

    /** Found by SyscallAnnotationFuzzTest: an empty source encoded to a value that decodes without it. */
    @Test
    void anEmptySourceIsRefusedBecauseNoValueCouldCarryIt() {
        assertThatThrownBy(() -> new SyscallAnnotation(SyscallSet.empty(), List.of("", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("source must not be empty");
        assertThatThrownBy(() -> new SyscallAnnotation(SyscallSet.of("read"), List.of("")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptySetRoundTrips() {
        SyscallAnnotation empty = new SyscallAnnotation(SyscallSet.empty(), List.of());
        assertThat(empty.encode()).isEqualTo("v1;;;");
        assertThat(SyscallAnnotation.decode("v1;;;").syscalls().isEmpty()).isTrue();
    }

    @Test
    void rejectsMalformedValuesWithAReason() {
        assertThatThrownBy(() -> SyscallAnnotation.decode("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> SyscallAnnotation.decode("v2;AA;;")).hasMessageContaining("unsupported version");
        assertThatThrownBy(() -> SyscallAnnotation.decode("v1;AA;")).hasMessageContaining("4 ';'-separated");
        assertThatThrownBy(() -> SyscallAnnotation.decode("v1;!!;;")).hasMessageContaining("base64url");
        assertThatThrownBy(() -> SyscallAnnotation.decode("v1;;a,,b;")).hasMessageContaining("empty entry");
        assertThatThrownBy(() -> SyscallAnnotation.decode("v1;;a%2;")).hasMessageContaining("truncated");
        assertThatThrownBy(() -> SyscallAnnotation.decode("v1;;a%zz;")).hasMessageContaining("bad %-escape");
        assertThatThrownBy(() -> SyscallAnnotation.decode("v1;;a b;")).hasMessageContaining("must be %-escaped");
        assertThatThrownBy(() -> SyscallAnnotation.decode("v1;;%FF;")).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> SyscallAnnotation.decode("v1;;read;")).hasMessageContaining("belongs in the bitmap");
        // bit 400 lies in x86_64's unused range 335..423
        byte[] bitmap = new byte[51];
        bitmap[50] = 1;
        String gap = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bitmap);
        assertThatThrownBy(() -> SyscallAnnotation.decode("v1;" + gap + ";;"))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessageContaining("syscall number 400");
        assertThatThrownBy(() -> SyscallAnnotation.decode("v1;;;" + "x".repeat(70_000)))
                .hasMessageContaining("limit");
    }
}
