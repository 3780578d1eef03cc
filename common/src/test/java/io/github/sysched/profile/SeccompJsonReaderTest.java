package io.github.sysched.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sysched.syscall.SyscallSet;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeccompJsonReaderTest {

    @Test
    void readsTheNamesArrayAndTheSingleNameKey() {
        SeccompPolicy policy = SeccompJsonReader.read("""
                {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
                 "architectures": ["SCMP_ARCH_X86_64"],
                 "syscalls": [
                   {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
                   {"name": "close", "action": "SCMP_ACT_ALLOW", "args": []},
                   {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                    "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}],
                    "includes": {"caps": ["CAP_SYS_ADMIN"]}},
                   {"names": ["ptrace"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}
                 ]}
                """, "inline");

        assertThat(policy.defaultAction()).isEqualTo(SeccompAction.ERRNO);
        assertThat(policy.rules()).hasSize(4);
        assertThat(policy.allowedSyscalls(SyscallSet.empty()).names())
                .containsExactly("read", "write", "close", "personality");
    }

    @Test
    void readsAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("p.json");
        Files.writeString(
                file,
                "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"name\":\"mount\",\"action\":\"SCMP_ACT_ERRNO\"}]}");

        SeccompPolicy policy = SeccompJsonReader.read(file);

        assertThat(policy.kind()).isEqualTo(PolicyKind.DENY_LIST);
        assertThat(policy.allowedSyscalls(SyscallSet.of("mount", "read", "write"))
                        .cardinality())
                .isEqualTo(2);
    }

    @Test
    void rejectsBrokenProfilesWithTheirPosition() {
        assertThatThrownBy(() -> SeccompJsonReader.read("{\"syscalls\": []}", "a.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a.json has no string defaultAction");
        assertThatThrownBy(() -> SeccompJsonReader.read(
                        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_MAYBE\"}]}",
                        "b.json"))
                .hasMessageContaining("b.json: syscalls[0].action: unknown seccomp action 'SCMP_ACT_MAYBE'");
        assertThatThrownBy(() -> SeccompJsonReader.read(
                        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"action\":\"SCMP_ACT_ALLOW\"}]}",
                        "c.json"))
                .hasMessageContaining("syscalls[0] has neither names nor name");
        assertThatThrownBy(() -> SeccompJsonReader.read("{not json", "d.json"))
                .hasMessageContaining("d.json is not valid JSON");
    }
}
