package io.github.sysched.charts;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks a fabric8 model tree reflectively and reports every object whose {@code additionalProperties}
 * is not empty: fields fabric8 did not recognise (typos, wrong nesting, fields of another API version).
 */
final class UnknownFields {

    private UnknownFields() {}

    static List<String> find(Object root) {
        List<String> problems = new ArrayList<>();
        walk(root, root.getClass().getSimpleName(), problems, Collections.newSetFromMap(new IdentityHashMap<>()));
        return problems;
    }

    private static void walk(Object o, String path, List<String> problems, Set<Object> seen) {
        if (o == null
                || o instanceof CharSequence
                || o instanceof Number
                || o instanceof Boolean
                || o instanceof Enum<?>
                || o.getClass().isPrimitive()) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, path + "[" + i++ + "]", problems, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                walk(e.getValue(), path + "[" + e.getKey() + "]", problems, seen);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.") || !seen.add(o)) {
            return;
        }
        if (o instanceof GenericKubernetesResource && !path.contains(".")) {
            // Kinds fabric8 does not model (cert-manager): all their fields are "additional" by design.
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (Modifier.isStatic(m.getModifiers())
                    || m.getParameterCount() != 0
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            String n = m.getName();
            boolean getter = (n.startsWith("get") && n.length() > 3) || (n.startsWith("is") && n.length() > 2);
            if (!getter || n.equals("getClass")) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(o);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue; // derived getters that need state (e.g. Quantity#getNumericalAmount on odd formats)
            }
            if (n.equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(path + ": unknown " + extra.keySet());
                }
                continue;
            }
            String prop = Character.toLowerCase(n.charAt(n.startsWith("is") ? 2 : 3))
                    + n.substring(n.startsWith("is") ? 3 : 4);
            walk(value, path + "." + prop, problems, seen);
        }
    }
}
