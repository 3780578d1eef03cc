package io.github.sysched.charts;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** Renders charts/sysched with the Helm library bundled in helm-java (no helm binary, no network). */
final class ChartRenderer {

    static final Path CHART = Paths.get("sysched").toAbsolutePath();
    static final String RELEASE = "sysched";
    static final String NAMESPACE = "sysched-system";
    static final String KUBE_VERSION = "1.34.0";

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static final Pattern DOC_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
    private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();

    private ChartRenderer() {}

    /** The value sets the tests run against, by name of the file under src/test/resources/values. */
    static final List<String> VALUE_SETS = List.of(
            "cert-manager",
            "self-signed",
            "ipp-compat",
            "ipp-fast",
            "second-scheduler",
            "second-scheduler-bind",
            "second-scheduler-no-bind",
            "bind",
            "monitoring",
            "everything");

    static Rendered render(String valueSet) {
        return render(valueSet, Map.of());
    }

    static Rendered render(String valueSet, Map<String, Object> sets) {
        String key = valueSet + "|" + new java.util.TreeMap<>(sets);
        return CACHE.computeIfAbsent(key, k -> new Rendered(valueSet, template(valueSet, sets)));
    }

    /** Raw helm template output; throws IllegalStateException (from helm-java) when rendering fails. */
    static String template(String valueSet, Map<String, Object> sets) {
        TemplateCommand cmd = new Helm(CHART)
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        if (valueSet != null) {
            cmd = cmd.withValuesFile(valuesFile(valueSet));
        }
        for (Map.Entry<String, Object> e : new LinkedHashMap<>(sets).entrySet()) {
            cmd = cmd.set(e.getKey(), e.getValue());
        }
        return cmd.call();
    }

    static Path valuesFile(String valueSet) {
        try {
            var url = Objects.requireNonNull(
                    ChartRenderer.class.getResource("/values/" + valueSet + ".yaml"), "no values file " + valueSet);
            Path p = Paths.get(url.toURI());
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException(p + " missing");
            }
            return p;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Splits the multi-document output and unmarshals each document with fabric8's kind registry. */
    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : DOC_SEPARATOR.split(yaml)) {
            boolean empty =
                    doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"));
            if (empty) {
                continue;
            }
            Object o = SERIALIZATION.unmarshal(doc);
            if (!(o instanceof HasMetadata hm)) {
                throw new AssertionError("not a Kubernetes object: " + o + "\n" + doc);
            }
            out.add(hm);
        }
        return out;
    }

    /** Generic YAML → Map/List tree (for application.yaml and KubeSchedulerConfiguration). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> yamlMap(String yaml) {
        return SERIALIZATION.unmarshal(yaml, Map.class);
    }

    static boolean isCertManager(HasMetadata o) {
        return o.getApiVersion() != null && o.getApiVersion().startsWith("cert-manager.io/");
    }

    static boolean isGeneric(HasMetadata o) {
        return o instanceof GenericKubernetesResource;
    }
}
