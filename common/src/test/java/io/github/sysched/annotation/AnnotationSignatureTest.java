package io.github.sysched.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.sysched.syscall.SyscallSet;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnnotationSignatureTest {

    static final AnnotationSignature.Key KEY =
            AnnotationSignature.Key.of("0123456789abcdef0123456789abcdef-current".getBytes(StandardCharsets.UTF_8));
    static final AnnotationSignature.Key OLD =
            AnnotationSignature.Key.of("0123456789abcdef0123456789abcdef-previous".getBytes(StandardCharsets.UTF_8));
    static final AnnotationSignature.KeyRing RING = new AnnotationSignature.KeyRing(KEY, OLD);

    static Map<String, String> annotations(String ippClass) {
        Map<String, String> annotations = new HashMap<>();
        annotations.put(
                PlacementAnnotations.SYSCALLS,
                new SyscallAnnotation(SyscallSet.of("read", "write"), List.of("tenant/web")).encode());
        if (ippClass != null) {
            annotations.put(PlacementAnnotations.IPP_CLASS, ippClass);
        }
        annotations.put("unrelated", "anything");
        return annotations;
    }

    static Map<String, String> signed(
            AnnotationSignature.Key key,
            String namespace,
            String name,
            String generateName,
            Map<String, String> annotations) {
        Map<String, String> copy = new HashMap<>(annotations);
        copy.put(PlacementAnnotations.SIGNATURE, AnnotationSignature.sign(key, namespace, name, generateName, copy));
        return copy;
    }

    @Test
    void signedForAPodItVerifiesForThatPodOnly() {
        Map<String, String> pod = signed(KEY, "tenant-a", "web", null, annotations("tenant-a"));
        assertThat(pod.get(PlacementAnnotations.SIGNATURE)).matches("v1;[0-9a-f]{16};n:web;[A-Za-z0-9_-]{43}");
        assertThat(AnnotationSignature.verify(RING, "tenant-a", "web", pod))
                .isEqualTo(AnnotationSignature.Verdict.VALID);
        // another namespace (copied into kube-system), another pod, a changed set or class
        assertThat(AnnotationSignature.verify(RING, "kube-system", "web", pod))
                .isEqualTo(AnnotationSignature.Verdict.INVALID);
        assertThat(AnnotationSignature.verify(RING, "tenant-a", "other", pod))
                .isEqualTo(AnnotationSignature.Verdict.OTHER_POD);
        Map<String, String> smaller = new HashMap<>(pod);
        smaller.put(
                PlacementAnnotations.SYSCALLS,
                new SyscallAnnotation(SyscallSet.of("read"), List.of("tenant/web")).encode());
        assertThat(AnnotationSignature.verify(RING, "tenant-a", "web", smaller))
                .isEqualTo(AnnotationSignature.Verdict.INVALID);
        Map<String, String> otherClass = new HashMap<>(pod);
        otherClass.put(PlacementAnnotations.IPP_CLASS, "tenant-b");
        assertThat(AnnotationSignature.verify(RING, "tenant-a", "web", otherClass))
                .isEqualTo(AnnotationSignature.Verdict.INVALID);
        Map<String, String> classRemoved = new HashMap<>(pod);
        classRemoved.remove(PlacementAnnotations.IPP_CLASS);
        assertThat(AnnotationSignature.verify(RING, "tenant-a", "web", classRemoved))
                .isEqualTo(AnnotationSignature.Verdict.INVALID);
        // what the signature does not cover may change
        Map<String, String> relabelled = new HashMap<>(pod);
        relabelled.put("unrelated", "changed");
        relabelled.put(PlacementAnnotations.PROFILES, "web=tenant-a/web");
        assertThat(AnnotationSignature.verify(RING, "tenant-a", "web", relabelled))
                .isEqualTo(AnnotationSignature.Verdict.VALID);
    }

    @Test
    void aGenerateNameCoversTheNamesTheApiServerGeneratesFromIt() {
        Map<String, String> pod = signed(KEY, "apps", null, "web-7d9f8c-", annotations(null));
        assertThat(pod.get(PlacementAnnotations.SIGNATURE)).contains(";g:web-7d9f8c-;");
        assertThat(AnnotationSignature.verify(RING, "apps", "web-7d9f8c-x2b4q", pod))
                .isEqualTo(AnnotationSignature.Verdict.VALID);
        assertThat(AnnotationSignature.verify(RING, "apps", "web-7d9f8c-evil-pod", pod))
                .isEqualTo(AnnotationSignature.Verdict.OTHER_POD);
        assertThat(AnnotationSignature.verify(RING, "apps", "web-7d9f8c-", pod))
                .isEqualTo(AnnotationSignature.Verdict.OTHER_POD);
        // the API server cuts a long generateName to 58 characters before appending 5
        String longBase = "a".repeat(70) + "-";
        Map<String, String> long_ = signed(KEY, "apps", "", longBase, annotations(null));
        assertThat(AnnotationSignature.verify(RING, "apps", "a".repeat(58) + "bcdfg", long_))
                .isEqualTo(AnnotationSignature.Verdict.VALID);
    }

    @Test
    void rotationKeepsThePreviousKeyVerifyingAndForgetsOlderOnes() {
        Map<String, String> byOld = signed(OLD, "apps", "web", null, annotations(null));
        assertThat(AnnotationSignature.verify(RING, "apps", "web", byOld)).isEqualTo(AnnotationSignature.Verdict.VALID);
        AnnotationSignature.Key next = AnnotationSignature.Key.of(new byte[32]);
        AnnotationSignature.KeyRing rotated = new AnnotationSignature.KeyRing(next, KEY);
        assertThat(AnnotationSignature.verify(rotated, "apps", "web", byOld))
                .isEqualTo(AnnotationSignature.Verdict.UNKNOWN_KEY);
        assertThat(AnnotationSignature.verify(null, "apps", "web", byOld))
                .isEqualTo(AnnotationSignature.Verdict.UNKNOWN_KEY);
        assertThat(rotated.ids()).containsExactly(next.id(), KEY.id());
    }

    @Test
    void forgedAndMissingSignatures() {
        Map<String, String> pod = new HashMap<>(annotations("tenant-a"));
        assertThat(AnnotationSignature.verify(RING, "apps", "web", pod)).isEqualTo(AnnotationSignature.Verdict.ABSENT);
        assertThat(AnnotationSignature.verify(RING, "apps", "web", null)).isEqualTo(AnnotationSignature.Verdict.ABSENT);
        for (String forged : List.of(
                "",
                "v1",
                "v2;" + KEY.id() + ";n:web;" + "A".repeat(43),
                "v1;" + KEY.id() + ";x:web;" + "A".repeat(43),
                "v1;" + KEY.id() + ";n:web;short",
                "v1;nothex;n:web;" + "A".repeat(43),
                "v1;" + KEY.id() + ";n:web;" + "A".repeat(43) + ";extra")) {
            pod.put(PlacementAnnotations.SIGNATURE, forged);
            assertThat(AnnotationSignature.verify(RING, "apps", "web", pod))
                    .as(forged)
                    .isEqualTo(AnnotationSignature.Verdict.MALFORMED);
        }
        pod.put(PlacementAnnotations.SIGNATURE, "v1;" + KEY.id() + ";n:web;" + "A".repeat(43));
        assertThat(AnnotationSignature.verify(RING, "apps", "web", pod)).isEqualTo(AnnotationSignature.Verdict.INVALID);
        // the signer's key with another secret of the same id cannot exist; a key of the attacker's has another id
        Map<String, String> byAttacker =
                signed(AnnotationSignature.Key.of(new byte[40]), "apps", "web", null, annotations("tenant-a"));
        assertThat(AnnotationSignature.verify(RING, "apps", "web", byAttacker))
                .isEqualTo(AnnotationSignature.Verdict.UNKNOWN_KEY);
    }

    @Test
    void shortKeysAreRefused() {
        assertThatThrownBy(() -> AnnotationSignature.Key.of(new byte[31])).hasMessageContaining("32 bytes");
        assertThat(AnnotationSignature.Key.of(new byte[32]).id()).hasSize(16);
        assertThat(KEY.id()).isNotEqualTo(OLD.id());
    }
}
