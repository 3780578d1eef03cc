package io.github.sysched.binding;

/**
 * Choices SPO made differently across releases.
 *
 * @param overrideExisting a container binding replaces a seccompProfile the container already sets (SPO ≥ v1.0)
 *                         instead of leaving it alone (older SPO)
 */
public record BindingPolicy(boolean overrideExisting) {

    public static BindingPolicy spoV1() {
        return new BindingPolicy(true);
    }

    public static BindingPolicy keepExisting() {
        return new BindingPolicy(false);
    }
}
