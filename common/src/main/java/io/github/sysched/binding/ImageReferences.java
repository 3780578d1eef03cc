package io.github.sysched.binding;

import java.util.Locale;

/**
 * Container image references in Docker's normalized form, so that a binding for {@code nginx:1.16} binds a
 * container of {@code docker.io/library/nginx:1.16} as SPO's binding webhook does (it groups containers by their
 * normalized image: {@code nginx}, {@code docker.io/library/nginx:latest} and {@code index.docker.io/nginx} are one
 * image). The rules are Docker's ({@code reference.ParseNormalizedNamed} and {@code TagNameOnly}): no registry means
 * {@code docker.io}, {@code index.docker.io} is {@code docker.io}, a one-part Docker Hub path is under
 * {@code library/}, and a reference without tag or digest means {@code :latest}.
 */
public final class ImageReferences {

    private static final String DOCKER_HUB = "docker.io";
    private static final String LEGACY_DOCKER_HUB = "index.docker.io";

    private ImageReferences() {}

    /**
     * The normalized form of {@code image}; an empty, blank or upper-case reference (Docker rejects those) is
     * returned unchanged, so it still matches only itself.
     */
    public static String normalize(String image) {
        if (image == null || image.isBlank() || !image.equals(image.strip())) {
            return image;
        }
        String digest = "";
        String rest = image;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at);
            rest = rest.substring(0, at);
        }
        String tag = "";
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon);
            rest = rest.substring(0, colon);
        }
        String domain = DOCKER_HUB;
        String path = rest;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".")
                    || first.contains(":")
                    || first.equals("localhost")
                    || !first.equals(first.toLowerCase(Locale.ROOT))) {
                domain = first.equals(LEGACY_DOCKER_HUB) ? DOCKER_HUB : first;
                path = rest.substring(slash + 1);
            }
        }
        if (path.isEmpty() || !path.equals(path.toLowerCase(Locale.ROOT))) {
            return image;
        }
        if (domain.equals(DOCKER_HUB) && path.indexOf('/') < 0) {
            path = "library/" + path;
        }
        if (tag.isEmpty() && digest.isEmpty()) {
            tag = ":latest";
        }
        return domain + "/" + path + tag + digest;
    }
}
