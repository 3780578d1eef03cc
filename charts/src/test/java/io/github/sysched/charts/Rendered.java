package io.github.sysched.charts;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One render of the chart: the raw text and the parsed objects, with lookups. */
final class Rendered {

    final String valueSet;
    final String yaml;
    final List<HasMetadata> objects;

    Rendered(String valueSet, String yaml) {
        this.valueSet = valueSet;
        this.yaml = yaml;
        this.objects = List.copyOf(ChartRenderer.parse(yaml));
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream()
                .filter(o -> name.equals(o.getMetadata().getName()))
                .findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name)
                .orElseThrow(() -> new AssertionError("[" + valueSet + "] no " + type.getSimpleName() + " named " + name
                        + "; have "
                        + all(type).stream().map(o -> o.getMetadata().getName()).toList()));
    }

    List<GenericKubernetesResource> generic(String kind) {
        return all(GenericKubernetesResource.class).stream()
                .filter(g -> kind.equals(g.getKind()))
                .toList();
    }

    GenericKubernetesResource generic(String kind, String name) {
        return generic(kind).stream()
                .filter(g -> name.equals(g.getMetadata().getName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("[" + valueSet + "] no " + kind + " " + name));
    }

    Deployment deployment(String name) {
        return get(Deployment.class, name);
    }

    Service service(String name) {
        return get(Service.class, name);
    }

    /** application.yaml (or another key) of a ConfigMap, parsed. */
    Map<String, Object> configMapYaml(String name, String key) {
        ConfigMap cm = get(ConfigMap.class, name);
        String text = cm.getData().get(key);
        if (text == null) {
            throw new AssertionError("ConfigMap " + name + " has no key " + key + ": "
                    + cm.getData().keySet());
        }
        return ChartRenderer.yamlMap(text);
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> tree, String dottedPath) {
        Object cur = tree;
        for (String part : dottedPath.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m) || !m.containsKey(part)) {
                throw new AssertionError("no " + dottedPath + " (stopped at " + part + ") in " + tree);
            }
            cur = m.get(part);
        }
        return (T) cur;
    }

    static boolean has(Map<String, Object> tree, String dottedPath) {
        Object cur = tree;
        for (String part : dottedPath.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m) || !m.containsKey(part)) {
                return false;
            }
            cur = m.get(part);
        }
        return true;
    }
}
