package io.github.sysched.annotation;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Proof that the webhook wrote a pod's {@code exs.sysched.io/*} annotations: an HMAC-SHA256, with a key the webhook
 * and the extender share, over the values the extender trusts (the syscall set and the isolation class), the pod's
 * namespace and its name (SECURITY.md, "Trusted annotations").
 *
 * <p>Value of {@link PlacementAnnotations#SIGNATURE}: {@code v1;<key id>;<subject>;<mac>}, where
 * <ul>
 *   <li>{@code key id}: the first 8 bytes of SHA-256 of the key, in hex (which key to verify with; rotation keeps the
 *       previous key verifying);</li>
 *   <li>{@code subject}: {@code n:<name>}, or {@code g:<generateName>} for a pod whose name the API server generates
 *       after mutating admission (there is no UID yet either); a pod matches {@code g:} when its name is the
 *       generateName (cut to 58 characters, as the API server does) followed by 5 generated characters;</li>
 *   <li>{@code mac}: base64url (no padding) of HMAC-SHA256 over the canonical form: {@code sysched-annotations/v1}
 *       then, each as {@code <length>:<value>\n} (UTF-8 byte length), key id, namespace, subject, the
 *       {@code exs.sysched.io/syscalls} value and the {@code exs.sysched.io/ipp-class} value (empty when absent).</li>
 * </ul>
 * A signature copied to another namespace, to a pod of another name, or kept with changed values does not verify.
 * Pure: no I/O, the keys are given.
 */
public final class AnnotationSignature {

    public static final String VERSION = "v1";
    /** Keys shorter than this are refused (HMAC-SHA256: 256 bits of secret). */
    public static final int MIN_KEY_BYTES = 32;
    /** The API server cuts a generateName to this length before it appends {@link #GENERATED_SUFFIX} characters. */
    static final int MAX_GENERATE_NAME = 58;

    static final int GENERATED_SUFFIX = 5;

    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");
    private static final Pattern MAC = Pattern.compile("[A-Za-z0-9_-]{43}");

    /** A shared secret and its id. */
    public record Key(String id, byte[] secret) {

        public Key {
            Objects.requireNonNull(id, "id");
            secret = secret.clone();
        }

        /** A key from its secret bytes (at least {@link #MIN_KEY_BYTES}); the id is derived from them. */
        public static Key of(byte[] secret) {
            if (secret.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException(
                        "an annotation key needs at least " + MIN_KEY_BYTES + " bytes, got " + secret.length);
            }
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret);
                return new Key(HexFormat.of().formatHex(digest, 0, 8), secret);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256 is not available", e);
            }
        }

        @Override
        public byte[] secret() {
            return secret.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && id.equals(k.id) && MessageDigest.isEqual(secret, k.secret);
        }

        @Override
        public int hashCode() {
            return id.hashCode();
        }

        @Override
        public String toString() {
            return "Key[" + id + "]";
        }
    }

    /**
     * The keys in force: the current key signs; it and the previous one (during a rotation) verify.
     *
     * @param current  the signing key
     * @param previous the key signing before the last rotation, or null
     */
    public record KeyRing(Key current, Key previous) {

        public KeyRing {
            Objects.requireNonNull(current, "current");
        }

        Optional<Key> byId(String id) {
            if (current.id().equals(id)) {
                return Optional.of(current);
            }
            return previous != null && previous.id().equals(id) ? Optional.of(previous) : Optional.empty();
        }

        public List<String> ids() {
            List<String> ids = new ArrayList<>(List.of(current.id()));
            if (previous != null && !previous.id().equals(current.id())) {
                ids.add(previous.id());
            }
            return ids;
        }
    }

    /** Why a pod's annotations are trusted or not. */
    public enum Verdict {
        /** Written by the webhook for this pod. */
        VALID,
        /** No signature (the webhook did not run for this pod, or signed nothing). */
        ABSENT,
        /** Not a signature of this format. */
        MALFORMED,
        /** Signed with a key that is neither the current nor the previous one. */
        UNKNOWN_KEY,
        /** Signed for a pod of another name. */
        OTHER_POD,
        /** The MAC does not match: forged, altered, or signed in another namespace. */
        INVALID;

        public boolean trusted() {
            return this == VALID;
        }
    }

    private AnnotationSignature() {}

    /**
     * The signature value for a pod being created.
     *
     * @param name         the pod's name, or empty/null when the API server will generate it
     * @param generateName the pod's generateName (used when {@code name} is empty)
     * @param annotations  the pod's annotations (the syscall set and class are read from them)
     */
    public static String sign(
            Key key, String namespace, String name, String generateName, Map<String, String> annotations) {
        String subject = name != null && !name.isEmpty()
                ? "n:" + name
                : "g:" + Objects.requireNonNull(generateName, "a pod without name has a generateName");
        return VERSION + ';' + key.id() + ';' + subject + ';' + mac(key, namespace, subject, annotations);
    }

    /** Whether {@code annotations} (of pod {@code namespace/name}) carry a valid signature under {@code keys}. */
    public static Verdict verify(KeyRing keys, String namespace, String name, Map<String, String> annotations) {
        String value = annotations == null ? null : annotations.get(PlacementAnnotations.SIGNATURE);
        if (value == null) {
            return Verdict.ABSENT;
        }
        String[] parts = value.split(";", -1);
        if (parts.length != 4
                || !VERSION.equals(parts[0])
                || !KEY_ID.matcher(parts[1]).matches()
                || !MAC.matcher(parts[3]).matches()
                || !(parts[2].startsWith("n:") || parts[2].startsWith("g:"))) {
            return Verdict.MALFORMED;
        }
        Optional<Key> key = keys == null ? Optional.empty() : keys.byId(parts[1]);
        if (key.isEmpty()) {
            return Verdict.UNKNOWN_KEY;
        }
        if (!subjectMatches(parts[2], name)) {
            return Verdict.OTHER_POD;
        }
        byte[] expected = mac(key.get(), namespace, parts[2], annotations).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, parts[3].getBytes(StandardCharsets.US_ASCII))
                ? Verdict.VALID
                : Verdict.INVALID;
    }

    private static boolean subjectMatches(String subject, String name) {
        if (name == null) {
            return false;
        }
        String value = subject.substring(2);
        if (subject.startsWith("n:")) {
            return value.equals(name);
        }
        String base = value.length() > MAX_GENERATE_NAME ? value.substring(0, MAX_GENERATE_NAME) : value;
        return name.length() == base.length() + GENERATED_SUFFIX && name.startsWith(base);
    }

    private static String mac(Key key, String namespace, String subject, Map<String, String> annotations) {
        ByteArrayOutputStream canonical = new ByteArrayOutputStream(256);
        canonical.writeBytes("sysched-annotations/v1\n".getBytes(StandardCharsets.UTF_8));
        field(canonical, key.id());
        field(canonical, namespace);
        field(canonical, subject);
        field(canonical, annotations == null ? null : annotations.get(PlacementAnnotations.SYSCALLS));
        field(canonical, annotations == null ? null : annotations.get(PlacementAnnotations.IPP_CLASS));
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key.secret, ALGORITHM));
            return BASE64.encodeToString(mac.doFinal(canonical.toByteArray()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    }

    private static void field(ByteArrayOutputStream out, String value) {
        byte[] bytes = (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
        out.writeBytes((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(bytes);
        out.write('\n');
    }
}
