package io.github.sysched.binding;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kubernetes LabelSelector matching: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist), ANDed,
 * with the validation of {@code metav1.LabelSelectorAsSelector}: a selector it refuses matches nothing.
 */
public final class LabelSelectors {

    /** The name part of a label key, and every non-empty label value (at most 63 characters). */
    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final int MAX_NAME_LENGTH = 63;
    private static final int MAX_PREFIX_LENGTH = 253;

    private LabelSelectors() {}

    /**
     * True when {@code labels} satisfy {@code selector}; a null or empty selector matches everything. A selector
     * Kubernetes would refuse ({@link #problem}) matches nothing: SPO skips a binding whose podSelector it cannot
     * convert, and a binding must not apply on a guess.
     */
    public static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        if (problem(selector).isPresent()) {
            return false;
        }
        Map<String, String> actual = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> required : selector.getMatchLabels().entrySet()) {
                if (!required.getValue().equals(actual.get(required.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
                if (!matches(requirement, actual)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Why Kubernetes' {@code metav1.LabelSelectorAsSelector} would refuse {@code selector}, or empty when it is
     * valid (null and empty selectors are): label keys must be qualified names, values label values; {@code In}
     * and {@code NotIn} need values, {@code Exists} and {@code DoesNotExist} take none; no other operator exists.
     */
    public static Optional<String> problem(LabelSelector selector) {
        if (selector == null) {
            return Optional.empty();
        }
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> label : selector.getMatchLabels().entrySet()) {
                Optional<String> problem = keyProblem(label.getKey()).or(() -> valueProblem(label.getValue()));
                if (problem.isPresent()) {
                    return problem;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
                Optional<String> problem = problem(requirement);
                if (problem.isPresent()) {
                    return problem;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> problem(LabelSelectorRequirement requirement) {
        String operator = requirement.getOperator();
        List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
        String key = requirement.getKey();
        Optional<String> keyProblem = keyProblem(key);
        if (keyProblem.isPresent()) {
            return keyProblem;
        }
        switch (operator == null ? "" : operator) {
            case "In", "NotIn" -> {
                if (values.isEmpty()) {
                    return Optional.of("operator " + operator + " needs values (key " + key + ")");
                }
            }
            case "Exists", "DoesNotExist" -> {
                if (!values.isEmpty()) {
                    return Optional.of("operator " + operator + " takes no values (key " + key + ")");
                }
            }
            default -> {
                return Optional.of("'" + operator + "' is not a label selector operator (key " + key + ")");
            }
        }
        for (String value : values) {
            Optional<String> valueProblem = valueProblem(value);
            if (valueProblem.isPresent()) {
                return valueProblem;
            }
        }
        return Optional.empty();
    }

    /** A qualified name: {@code [prefix/]name}, prefix a DNS subdomain, name as {@link #NAME}. */
    private static Optional<String> keyProblem(String key) {
        if (key != null) {
            int slash = key.indexOf('/');
            String prefix = slash < 0 ? null : key.substring(0, slash);
            String name = slash < 0 ? key : key.substring(slash + 1);
            boolean prefixValid = prefix == null
                    || !prefix.isEmpty()
                            && prefix.length() <= MAX_PREFIX_LENGTH
                            && DNS_SUBDOMAIN.matcher(prefix).matches();
            if (prefixValid
                    && name.length() <= MAX_NAME_LENGTH
                    && NAME.matcher(name).matches()) {
                return Optional.empty();
            }
        }
        return Optional.of("label key '" + key + "' is not a qualified name");
    }

    private static Optional<String> valueProblem(String value) {
        if (value != null
                && (value.isEmpty()
                        || value.length() <= MAX_NAME_LENGTH
                                && NAME.matcher(value).matches())) {
            return Optional.empty();
        }
        return Optional.of("label value '" + value + "' is not valid");
    }

    private static boolean matches(LabelSelectorRequirement requirement, Map<String, String> labels) {
        String value = labels.get(requirement.getKey());
        List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
        return switch (requirement.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> false;
        };
    }
}
