package io.github.sysched.pod;

import io.fabric8.kubernetes.api.model.SeccompProfile;
import java.util.Optional;

/**
 * One seccomp setting of a pod or container, read from a {@code seccompProfile} field or a legacy
 * {@code seccomp.security.alpha.kubernetes.io} annotation value.
 *
 * @param localhostProfile the path below the kubelet's seccomp directory, for {@link Type#LOCALHOST} only
 * @param source           where it was read, for messages (e.g. {@code container nginx field})
 */
public record SeccompSetting(Type type, String localhostProfile, String source) {

    public enum Type {
        LOCALHOST,
        RUNTIME_DEFAULT,
        UNCONFINED
    }

    private static final String LOCALHOST_ANNOTATION_PREFIX = "localhost/";

    /** The setting of a {@code seccompProfile} field; empty for null or a type Kubernetes does not define. */
    public static Optional<SeccompSetting> fromField(SeccompProfile field, String source) {
        if (field == null || field.getType() == null) {
            return Optional.empty();
        }
        return switch (field.getType()) {
            case "Localhost" ->
                field.getLocalhostProfile() == null
                                || field.getLocalhostProfile().isBlank()
                        ? Optional.empty()
                        : Optional.of(new SeccompSetting(Type.LOCALHOST, field.getLocalhostProfile(), source));
            case "RuntimeDefault" -> Optional.of(new SeccompSetting(Type.RUNTIME_DEFAULT, null, source));
            case "Unconfined" -> Optional.of(new SeccompSetting(Type.UNCONFINED, null, source));
            default -> Optional.empty();
        };
    }

    /**
     * The setting of a legacy annotation value: {@code localhost/<path>}, {@code runtime/default},
     * {@code docker/default} or {@code unconfined}; empty for anything else.
     */
    public static Optional<SeccompSetting> fromAnnotation(String value, String source) {
        if (value == null) {
            return Optional.empty();
        }
        if (value.startsWith(LOCALHOST_ANNOTATION_PREFIX) && value.length() > LOCALHOST_ANNOTATION_PREFIX.length()) {
            return Optional.of(
                    new SeccompSetting(Type.LOCALHOST, value.substring(LOCALHOST_ANNOTATION_PREFIX.length()), source));
        }
        return switch (value) {
            case "runtime/default", "docker/default" ->
                Optional.of(new SeccompSetting(Type.RUNTIME_DEFAULT, null, source));
            case "unconfined" -> Optional.of(new SeccompSetting(Type.UNCONFINED, null, source));
            default -> Optional.empty();
        };
    }
}
