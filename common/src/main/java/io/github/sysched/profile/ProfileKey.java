package io.github.sysched.profile;

import io.github.sysched.spo.SpoScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Names one SPO SeccompProfile: {@code namespace/name} while SeccompProfile is namespaced, or {@code name}
 * alone (namespace {@code ""}) since it became cluster-scoped. {@link #toString()} is the informer cache
 * key of the object ({@code ns/name} or {@code name}).
 */
public record ProfileKey(String namespace, String name) implements Comparable<ProfileKey> {

    private static final String LOCALHOST_PREFIX = "localhost/";
    private static final String OPERATOR_DIR = "operator/";
    private static final String JSON_SUFFIX = ".json";

    public ProfileKey {
        Objects.requireNonNull(namespace, "namespace (use \"\" for a cluster-scoped profile)");
        if (!isPathSegment(name)) {
            throw new IllegalArgumentException("invalid profile name '" + name + "'");
        }
        if (!namespace.isEmpty() && !isPathSegment(namespace)) {
            throw new IllegalArgumentException("invalid profile namespace '" + namespace + "'");
        }
    }

    public static ProfileKey namespaced(String namespace, String name) {
        if (namespace == null || namespace.isEmpty()) {
            throw new IllegalArgumentException("a namespaced profile needs a namespace (profile '" + name + "')");
        }
        return new ProfileKey(namespace, name);
    }

    public static ProfileKey cluster(String name) {
        return new ProfileKey("", name);
    }

    /** The key of profile {@code name} referenced from {@code namespace}: the namespace is dropped for CLUSTER. */
    public static ProfileKey inScope(SpoScope scope, String namespace, String name) {
        return scope == SpoScope.CLUSTER ? cluster(name) : namespaced(namespace, name);
    }

    /**
     * The profiles an SPO Localhost path can name, the likelier first: {@code operator/<ns>/<file>} (namespaced
     * SPO) or {@code operator/<file>} (cluster-scoped SPO), each with or without the {@code localhost/} prefix of
     * the legacy annotations, where {@code <file>} ends in {@code .json}. SPO appends {@code .json} to a profile's
     * name unless it already ends with it ({@link #localhostProfile()}), so {@code dot.json} is the file of profile
     * {@code dot} and of profile {@code dot.json}: both are returned, {@code dot} first. Anything else is not an SPO
     * profile: empty.
     */
    public static List<ProfileKey> forLocalhostProfile(String path) {
        if (path == null) {
            return List.of();
        }
        String rest = path.startsWith(LOCALHOST_PREFIX) ? path.substring(LOCALHOST_PREFIX.length()) : path;
        if (!rest.startsWith(OPERATOR_DIR) || !rest.endsWith(JSON_SUFFIX)) {
            return List.of();
        }
        String[] parts = rest.substring(OPERATOR_DIR.length()).split("/", -1);
        if (parts.length > 2 || parts.length == 2 && !isPathSegment(parts[0])) {
            return List.of();
        }
        String namespace = parts.length == 2 ? parts[0] : "";
        String file = parts[parts.length - 1];
        String stem = file.substring(0, file.length() - JSON_SUFFIX.length());
        if (!isPathSegment(stem)) {
            return List.of();
        }
        List<ProfileKey> keys = new ArrayList<>(2);
        if (!stem.endsWith(JSON_SUFFIX)) {
            keys.add(new ProfileKey(namespace, stem));
        }
        keys.add(new ProfileKey(namespace, file));
        return List.copyOf(keys);
    }

    /** Reads {@code ns/name} or {@code name} (the form of {@link #toString()}). */
    public static ProfileKey parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        return slash < 0 ? cluster(text) : namespaced(text.substring(0, slash), text.substring(slash + 1));
    }

    public boolean isClusterScoped() {
        return namespace.isEmpty();
    }

    /**
     * The value for {@code seccompProfile.localhostProfile}, as SPO's {@code status.localhostProfile} has it: the
     * file is the name with {@code .json} appended unless the name already ends with it (SPO's
     * {@code GetProfileFile}).
     */
    public String localhostProfile() {
        return OPERATOR_DIR
                + (isClusterScoped() ? "" : namespace + "/")
                + name
                + (name.endsWith(JSON_SUFFIX) ? "" : JSON_SUFFIX);
    }

    @Override
    public int compareTo(ProfileKey other) {
        int byNamespace = namespace.compareTo(other.namespace);
        return byNamespace != 0 ? byNamespace : name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return isClusterScoped() ? name : namespace + "/" + name;
    }

    private static boolean isPathSegment(String s) {
        if (s == null || s.isEmpty() || s.equals(".") || s.equals("..") || s.length() > 253) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' || Character.isWhitespace(c) || Character.isISOControl(c)) {
                return false;
            }
        }
        return true;
    }
}
