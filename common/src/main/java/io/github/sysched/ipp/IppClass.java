package io.github.sysched.ipp;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Instance-per-pod isolation classes: pods of different classes never share a node.
 *
 * <p>A pod's class is the value of a label ({@code ipp-class} by default) or, in IPP {@code fast} mode, of the
 * webhook's {@code exs.sysched.io/ipp-class} annotation; either way a valid Kubernetes label value (at most 63
 * characters, alphanumerics with '-', '_' or '.' inside). A pod without a class (null or empty) is not
 * constrained and does not constrain others.
 */
public final class IppClass {

    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

    private IppClass() {}

    /** Why {@code value} is not a valid class; empty when it is one. */
    public static Optional<String> whyInvalid(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.of("an isolation class must not be empty");
        }
        if (value.length() > 63) {
            return Optional.of("an isolation class is a label value: at most 63 characters, got " + value.length());
        }
        if (!LABEL_VALUE.matcher(value).matches()) {
            return Optional.of("'" + value + "' is not a valid label value (alphanumerics, '-', '_', '.'; "
                    + "must start and end with an alphanumeric)");
        }
        return Optional.empty();
    }

    /**
     * True when a pod of class {@code podClass} may join a node whose pods have the classes
     * {@code nodeClasses}. Unclassed pods (null) are not constrained and do not constrain others.
     */
    public static boolean mayShareNode(String podClass, java.util.Set<String> nodeClasses) {
        if (podClass == null || podClass.isEmpty()) {
            return true;
        }
        for (String other : nodeClasses) {
            if (!podClass.equals(other)) {
                return false;
            }
        }
        return true;
    }
}
